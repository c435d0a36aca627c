using System.Diagnostics;

namespace FlowWeb.Core.Collection;

/// <summary>
/// The longest time a receive thread waited for a lock (its decoder's, a sensor shard's) over the last minute, kept
/// as the maxima of six ten-second buckets. Written by the one receive thread, read by the collector's tick: each
/// bucket is a single 64-bit word (bucket number in the high bits, microseconds in the low 40), so a reader never
/// sees a maximum from one bucket with the number of another.
/// </summary>
public sealed class LockWaits
{
    private const int Buckets = 6;
    private const long BucketSeconds = 10;
    private const int MicrosecondBits = 40;
    private const long MicrosecondMask = (1L << MicrosecondBits) - 1;

    private readonly long[] _buckets = new long[Buckets];
    private readonly Func<long> _nowSeconds;

    public LockWaits(Func<long>? nowSeconds = null) => _nowSeconds = nowSeconds ?? (() => Environment.TickCount64 / 1000);

    /// <summary>Books a wait of <paramref name="stopwatchTicks"/> (<see cref="Stopwatch"/> ticks); free for 0, the usual case.</summary>
    public void Record(long stopwatchTicks)
    {
        if (stopwatchTicks <= 0)
        {
            return;
        }

        var micros = Math.Min(MicrosecondMask, stopwatchTicks * 1_000_000 / Stopwatch.Frequency);
        var bucket = _nowSeconds() / BucketSeconds;
        ref var slot = ref _buckets[bucket % Buckets];
        var number = bucket & ((1L << (64 - MicrosecondBits)) - 1);

        // Several receive threads of a port book here: compare-and-swap, so a longer wait is never overwritten.
        var current = Volatile.Read(ref slot);
        while ((current >>> MicrosecondBits) != number || micros > (current & MicrosecondMask))
        {
            var seen = Interlocked.CompareExchange(ref slot, (number << MicrosecondBits) | micros, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>The longest wait booked in the last minute (the current ten-second bucket and the five before it).</summary>
    public TimeSpan LongestLastMinute()
    {
        var bucket = _nowSeconds() / BucketSeconds;
        long longest = 0;
        for (var i = 0; i < Buckets; i++)
        {
            var value = Volatile.Read(ref _buckets[i]);
            var number = value >>> MicrosecondBits;
            var age = (bucket & ((1L << (64 - MicrosecondBits)) - 1)) - number;
            if (value != 0 && age is >= 0 and < Buckets)
            {
                longest = Math.Max(longest, value & MicrosecondMask);
            }
        }

        return TimeSpan.FromMicroseconds(longest);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using FlowWeb.Core.Flows;
using Microsoft.Extensions.Logging.Abstractions;

using FlowWeb.Core.Dns;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>What <see cref="ReverseDnsBenchmark.RunAsync"/> measured.</summary>
public sealed record ReverseDnsBenchmarkResult(
    long Lookups, long Names, long NegativeAnswers, long TimedOut, long Failed, int PeakInFlight, TimeSpan Elapsed)
{
    public double LookupsPerSecond => Elapsed > TimeSpan.Zero ? Lookups / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Lookups per second the resolver sustains against one server: distinct addresses from the benchmarking range
/// 198.18.0.0/15 (RFC 2544), so the cache never answers, through the real queue, rate gate and query slots with
/// the rate limit lifted. The producer keeps the queue half full, so nothing is dropped. Bounded by count and by
/// time. Meant for a <c>bench dns</c> verb; point it only at a server that expects the load (one you run).
/// </summary>
public static class ReverseDnsBenchmark
{
    /// <summary>Addresses in 198.18.0.0/15.</summary>
    public const int MaxLookups = 1 << 17;

    private const uint FirstAddress = 0xC612_0000; // 198.18.0.0

    public static async Task<ReverseDnsBenchmarkResult> RunAsync(
        TextWriter output,
        IPEndPoint server,
        TimeSpan duration,
        int maxLookups = MaxLookups,
        int maxInFlight = 64,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLookups, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLookups, MaxLookups);

        var options = new ReverseDnsOptions
        {
            Servers = { server.ToString() },
            MaxInFlight = maxInFlight,
            MaxQueriesPerSecond = 1_000_000,
            MaxQueuedRequests = maxInFlight * 4,
            MaxEntries = maxLookups,
            QueryTimeout = TimeSpan.FromSeconds(2),
        };
        var resolver = new ReverseDnsResolver(options, TimeProvider.System, NullLogger.Instance);
        // Each answer gives back the room its request took; the queue never holds more than half its capacity.
        var room = options.MaxQueuedRequests / 2;
        using var roomLeft = new SemaphoreSlim(room);
        using var subscription = resolver.Subscribe(_ => roomLeft.Release());

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var worker = resolver.RunAsync(stop.Token);
        var watch = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < maxLookups && watch.Elapsed < duration; i++)
            {
                if (!await roomLeft.WaitAsync(duration - watch.Elapsed, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                if (resolver.Request(FlowAddress.FromIPv4(FirstAddress + (uint)i)) != ReverseDnsRequestResult.Queued)
                {
                    roomLeft.Release();
                }
            }

            // All room given back means every answer is in; the last ones take at most a query timeout.
            var drainUntil = watch.Elapsed + options.QueryTimeout + TimeSpan.FromSeconds(1);
            for (var i = 0; i < room; i++)
            {
                var left = drainUntil - watch.Elapsed;
                if (left <= TimeSpan.Zero || !await roomLeft.WaitAsync(left, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        finally
        {
            watch.Stop();
            await stop.CancelAsync().ConfigureAwait(false);
            await worker.ConfigureAwait(false);
        }

        var s = resolver.GetStatistics();
        var result = new ReverseDnsBenchmarkResult(
            s.LookupsSucceeded + s.LookupsFailed,
            s.LookupsSucceeded,
            s.LookupsNxDomain + s.LookupsNoPtr,
            s.LookupsTimedOut,
            s.LookupsServerFailure + s.LookupsFailedOther,
            s.PeakInFlight,
            watch.Elapsed);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"reverse dns benchmark: server {server}, {maxInFlight} in flight (peak {result.PeakInFlight}), .NET {Environment.Version}")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{result.Lookups:N0} lookups in {result.Elapsed.TotalSeconds:0.00} s = {result.LookupsPerSecond:N0} lookups/s (names {result.Names:N0}, negative {result.NegativeAnswers:N0}, timed out {result.TimedOut:N0}, failed {result.Failed:N0})")).ConfigureAwait(false);
        return result;
    }
}

using System.Diagnostics;
using FlowWeb.Core.Collection;

namespace FlowWeb.Tests.Collection;

public sealed class LockWaitsTests
{
    private static long Ticks(TimeSpan wait) => (long)(wait.TotalSeconds * Stopwatch.Frequency);

    [Fact]
    public void LongestLastMinute_WaitsInSeveralBuckets_MaximumUntilItIsAMinuteOld()
    {
        long now = 1_000;
        var waits = new LockWaits(() => now);
        waits.Record(0);
        Assert.Equal(TimeSpan.Zero, waits.LongestLastMinute());

        waits.Record(Ticks(TimeSpan.FromMilliseconds(40)));
        now += 20;
        waits.Record(Ticks(TimeSpan.FromMilliseconds(5)));
        Assert.Equal(40, waits.LongestLastMinute().TotalMilliseconds, 1);

        now += 40;  // the 40 ms wait's bucket is now six buckets old
        Assert.Equal(5, waits.LongestLastMinute().TotalMilliseconds, 1);

        now += 60;
        Assert.Equal(TimeSpan.Zero, waits.LongestLastMinute());
    }

    [Fact]
    public void Record_BucketReusedAfterAMinute_OldMaximumDoesNotLinger()
    {
        long now = 0;
        var waits = new LockWaits(() => now);
        waits.Record(Ticks(TimeSpan.FromMilliseconds(90)));
        now = 60;  // same slot of the ring, next round
        waits.Record(Ticks(TimeSpan.FromMilliseconds(3)));

        Assert.Equal(3, waits.LongestLastMinute().TotalMilliseconds, 1);
    }
}

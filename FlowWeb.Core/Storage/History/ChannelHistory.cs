namespace FlowWeb.Core.Storage.History;

/// <summary>One bucket of one channel: sums over the bucket and the highest one-second byte rate inside it.</summary>
public readonly record struct HistoryBucket(DateTimeOffset Start, double Bytes, double Packets, double Flows, double PeakBytesPerSecond);

/// <summary>
/// Rates of one channel over a range, in bits per second (see <see cref="RateStatistics"/> for the method).
/// <see cref="SampleSeconds"/> is the width of the samples the average, maximum and 95th percentile are taken over.
/// </summary>
public sealed record RateSummary(
    double AverageBitsPerSecond,
    double MaximumBitsPerSecond,
    double Percentile95BitsPerSecond,
    double PeakBitsPerSecond,
    double TotalBytes,
    int Samples,
    int SampleSeconds);

/// <summary>One channel's buckets in time order, with its rate summary over the range.</summary>
public sealed record ChannelHistorySeries(int ChannelId, IReadOnlyList<HistoryBucket> Buckets, RateSummary Summary);

/// <summary>Channel history of a sensor (or of several summed, as for a device) over [<see cref="From"/>, <see cref="To"/>).</summary>
public sealed record ChannelHistory(DateTimeOffset From, DateTimeOffset To, HistoryResolution Resolution, IReadOnlyList<ChannelHistorySeries> Channels)
{
    public int BucketSeconds => HistoryBuckets.SecondsOf(Resolution);

    public ChannelHistorySeries? Channel(int channelId) => Channels.FirstOrDefault(c => c.ChannelId == channelId);
}

/// <summary>
/// Average, maximum and 95th percentile of a channel's rate, as ISPs bill. The range is cut into samples of
/// five minutes (minute data; the billing standard) or of one bucket (hour and day data), aligned in UTC. A sample's
/// rate is its bytes × 8 / its seconds; samples without rows count as zero traffic. Only whole samples count: those
/// inside the buckets the range covers, ending no later than "now" (the current one is still filling). The 95th
/// percentile is the nearest-rank value: sort the n sample rates ascending and take the one at position
/// ceil(0.95 × n) (1-based), i.e. the top 5 % of samples are ignored. The average is total bits / (n × sample seconds).
/// </summary>
public static class RateStatistics
{
    public const int BillingSampleSeconds = 300;

    public static int SampleSecondsFor(int bucketSeconds) =>
        bucketSeconds == HistoryBuckets.MinuteSeconds ? BillingSampleSeconds : bucketSeconds;

    public static RateSummary Summarize(IReadOnlyList<HistoryBucket> buckets, int bucketSeconds, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var width = SampleSecondsFor(bucketSeconds);
        var first = HistoryBuckets.AlignUp(HistoryBuckets.AlignDown(from.ToUnixTimeSeconds(), bucketSeconds), width);
        var end = Math.Min(
            HistoryBuckets.AlignDown(HistoryBuckets.AlignUp(to.ToUnixTimeSeconds(), bucketSeconds), width),
            HistoryBuckets.AlignDown(now.ToUnixTimeSeconds(), width));
        var count = end > first ? (int)((end - first) / width) : 0;
        if (count == 0)
        {
            return new RateSummary(0, 0, 0, 0, 0, 0, width);
        }

        var bytes = new double[count];
        double total = 0, peak = 0;
        foreach (var b in buckets)
        {
            var at = b.Start.ToUnixTimeSeconds();
            if (at < first || at >= end)
            {
                continue;
            }

            bytes[(at - first) / width] += b.Bytes;
            total += b.Bytes;
            peak = Math.Max(peak, b.PeakBytesPerSecond);
        }

        var rates = new double[count];
        for (var i = 0; i < count; i++)
        {
            rates[i] = bytes[i] * 8 / width;
        }

        Array.Sort(rates);
        var rank = (int)Math.Ceiling(0.95 * count);
        return new RateSummary(total * 8 / ((double)count * width), rates[^1], rates[rank - 1], peak * 8, total, count, width);
    }
}

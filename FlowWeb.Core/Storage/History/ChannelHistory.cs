namespace FlowWeb.Core.Storage.History;

/// <summary>
/// One bucket of one channel: sums over the bucket, the highest one-second byte rate inside it, and the seconds its
/// data covers: the bucket's width, or for the hour or day still filling, its minutes so far (so its rate is the rate
/// of those minutes, not a drop).
/// </summary>
public readonly record struct HistoryBucket(DateTimeOffset Start, double Bytes, double Packets, double Flows, double PeakBytesPerSecond, int Seconds)
{
    public double BitsPerSecond => Seconds > 0 ? Bytes * 8 / Seconds : 0;
}

/// <summary>
/// Rates of one channel over a range, in bits per second (see <see cref="RateStatistics"/> for the method). Each
/// statistic says what it is computed over, so that pages and the API can say it beside the value.
/// </summary>
public sealed record RateSummary
{
    /// <summary>Every byte of the range's buckets (the one still filling included): the sum of the buckets.</summary>
    public double TotalBytes { get; init; }

    /// <summary><see cref="TotalBytes"/> over the seconds from <see cref="CoveredFrom"/> to <see cref="CoveredTo"/>; time without rows counts as zero.</summary>
    public double AverageBitsPerSecond { get; init; }

    public DateTimeOffset CoveredFrom { get; init; }

    public DateTimeOffset CoveredTo { get; init; }

    /// <summary>The highest bucket rate (<see cref="BucketSeconds"/> wide): no point of the graph, which draws buckets or means of them, is higher.</summary>
    public double MaximumBitsPerSecond { get; init; }

    /// <summary>Start of the bucket with the maximum (null without buckets).</summary>
    public DateTimeOffset? MaximumAt { get; init; }

    public int BucketSeconds { get; init; }

    /// <summary>Buckets with data in the range.</summary>
    public int Buckets { get; init; }

    /// <summary>The nearest-rank 95th percentile of the <see cref="Samples"/> complete samples of <see cref="SampleSeconds"/>.</summary>
    public double Percentile95BitsPerSecond { get; init; }

    public int Samples { get; init; }

    /// <summary>300 (five minutes, the billing convention) for data of five minutes or finer; one bucket for hours and days.</summary>
    public int SampleSeconds { get; init; }

    public DateTimeOffset? SamplesFrom { get; init; }

    public DateTimeOffset? SamplesTo { get; init; }

    /// <summary>The busiest second as stored. For summed sensors (a device) the sum of their busiest seconds: <see cref="PeakIsUpperBound"/>.</summary>
    public double PeakBitsPerSecond { get; init; }

    public bool PeakIsUpperBound { get; init; }
}

/// <summary>One channel's buckets in time order, with its rate summary over the range.</summary>
public sealed record ChannelHistorySeries(int ChannelId, IReadOnlyList<HistoryBucket> Buckets, RateSummary Summary);

/// <summary>Channel history of a sensor (or of several summed, as for a device) over [<see cref="From"/>, <see cref="To"/>).</summary>
public sealed record ChannelHistory(DateTimeOffset From, DateTimeOffset To, HistoryResolution Resolution, IReadOnlyList<ChannelHistorySeries> Channels)
{
    public int BucketSeconds => HistoryBuckets.SecondsOf(Resolution);

    public ChannelHistorySeries? Channel(int channelId) => Channels.FirstOrDefault(c => c.ChannelId == channelId);
}

/// <summary>
/// The statistics of a channel over a range, each over what the graph shows.
/// <list type="bullet">
/// <item>Volume: every bucket in the range, including the hour or day still filling.</item>
/// <item>Average: that volume over the covered time, from the first bucket's start to the end of the range or to the
/// newest complete minute (or the end of the newest data, if later), whichever is earlier; time without rows counts
/// as zero.</item>
/// <item>Maximum: the highest bucket rate, the filling bucket at the rate of its minutes so far. The graph draws
/// buckets, or means of neighbouring buckets when there are too many, so no point it draws is above the maximum.</item>
/// <item>95th percentile, as ISPs bill: the range cut into samples of five minutes (data of five minutes or finer) or of
/// one bucket (hours and days), aligned in UTC; a sample's rate is its bytes × 8 / its seconds, samples without rows
/// count as zero; only complete samples count (inside the range, ended by now). Nearest rank: sort the n rates and
/// take the one at position ceil(0.95 × n), i.e. the busiest 5 % are ignored.</item>
/// <item>Busiest second: the highest stored one-second peak (an upper bound when several sensors are summed).</item>
/// </list>
/// </summary>
public static class RateStatistics
{
    public const int BillingSampleSeconds = 300;

    public static int SampleSecondsFor(int bucketSeconds) =>
        bucketSeconds <= BillingSampleSeconds ? BillingSampleSeconds : bucketSeconds;

    public static RateSummary Summarize(IReadOnlyList<HistoryBucket> buckets, int bucketSeconds, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now,
        bool peakIsUpperBound = false)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var firstBucket = HistoryBuckets.AlignDown(from.ToUnixTimeSeconds(), bucketSeconds);
        var dataEnd = buckets.Count == 0 ? 0 : buckets.Max(b => b.Start.ToUnixTimeSeconds() + b.Seconds);
        var coveredTo = Math.Max(firstBucket, Math.Min(
            HistoryBuckets.AlignUp(to.ToUnixTimeSeconds(), bucketSeconds),
            Math.Max(HistoryBuckets.CoverageEnd(bucketSeconds, now), dataEnd)));

        var width = SampleSecondsFor(bucketSeconds);
        var first = HistoryBuckets.AlignUp(firstBucket, width);
        var end = Math.Min(
            HistoryBuckets.AlignDown(HistoryBuckets.AlignUp(to.ToUnixTimeSeconds(), bucketSeconds), width),
            HistoryBuckets.AlignDown(now.ToUnixTimeSeconds(), width));
        var count = end > first ? (int)((end - first) / width) : 0;
        var sampleBytes = new double[count];

        double total = 0, peak = 0, maximum = 0;
        DateTimeOffset? maximumAt = null;
        foreach (var b in buckets)
        {
            total += b.Bytes;
            peak = Math.Max(peak, b.PeakBytesPerSecond);
            if (maximumAt is null || b.BitsPerSecond > maximum)
            {
                (maximum, maximumAt) = (b.BitsPerSecond, b.Start);
            }

            var at = b.Start.ToUnixTimeSeconds();
            if (at >= first && at < end)
            {
                sampleBytes[(at - first) / width] += b.Bytes;
            }
        }

        var rates = sampleBytes.Select(bytes => bytes * 8 / width).Order().ToArray();
        var covered = coveredTo - firstBucket;
        return new RateSummary
        {
            TotalBytes = total,
            AverageBitsPerSecond = covered > 0 ? total * 8 / covered : 0,
            CoveredFrom = DateTimeOffset.FromUnixTimeSeconds(firstBucket),
            CoveredTo = DateTimeOffset.FromUnixTimeSeconds(coveredTo),
            MaximumBitsPerSecond = maximum,
            MaximumAt = maximumAt,
            BucketSeconds = bucketSeconds,
            Buckets = buckets.Count,
            Percentile95BitsPerSecond = count == 0 ? 0 : rates[(int)Math.Ceiling(0.95 * count) - 1],
            Samples = count,
            SampleSeconds = width,
            SamplesFrom = count == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(first),
            SamplesTo = count == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(end),
            PeakBitsPerSecond = peak * 8,
            PeakIsUpperBound = peakIsUpperBound,
        };
    }
}

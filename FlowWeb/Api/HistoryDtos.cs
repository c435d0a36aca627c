using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;

namespace FlowWeb.Api;

/// <summary>Channel history of a sensor, or of a device's sensors summed, over [from, to).</summary>
internal sealed record ChannelHistoryResponse(
    IReadOnlyList<Guid> SensorIds,
    DateTimeOffset From,
    DateTimeOffset To,
    HistoryResolution Resolution,
    int BucketSeconds,
    IReadOnlyList<ChannelHistoryChannelResponse> Channels);

/// <summary>
/// One channel: its buckets that have data, oldest first, and the range's statistics in bit/s, each with what it
/// is computed over: <see cref="TotalBytes"/> is the sum of the buckets (the one still filling included) and
/// <see cref="AverageBitsPerSecond"/> that volume over [<see cref="CoveredFrom"/>, <see cref="CoveredTo"/>);
/// <see cref="MaximumBitsPerSecond"/> the highest bucket (at <see cref="MaximumAt"/>); the 95th percentile is over
/// <see cref="Samples"/> complete samples of <see cref="SampleSeconds"/> (five minutes for minute data, the billing
/// convention; one bucket otherwise) from <see cref="SamplesFrom"/> to <see cref="SamplesTo"/>; the peak is the
/// busiest second, an upper bound when <see cref="PeakIsUpperBound"/> (a device's sensors summed).
/// </summary>
internal sealed record ChannelHistoryChannelResponse(
    int Id,
    string Name,
    double AverageBitsPerSecond,
    double MaximumBitsPerSecond,
    double Percentile95BitsPerSecond,
    double PeakBitsPerSecond,
    double TotalBytes,
    int Samples,
    int SampleSeconds,
    IReadOnlyList<HistoryBucketResponse> Buckets)
{
    public DateTimeOffset CoveredFrom { get; init; }

    public DateTimeOffset CoveredTo { get; init; }

    public DateTimeOffset? MaximumAt { get; init; }

    public DateTimeOffset? SamplesFrom { get; init; }

    public DateTimeOffset? SamplesTo { get; init; }

    public bool PeakIsUpperBound { get; init; }
}

/// <summary>
/// One bucket of a channel: sums over the bucket, its rate and its busiest second in bit/s. <see cref="Seconds"/> is
/// what its data covers: the bucket's width, or for the hour or day still filling (<see cref="Complete"/> false) its
/// complete minutes so far; the rate is over those seconds.
/// </summary>
internal sealed record HistoryBucketResponse(DateTimeOffset Start, double Bytes, double Packets, double Flows, double BitsPerSecond, double PeakBitsPerSecond)
{
    public int Seconds { get; init; }

    public bool Complete { get; init; }
}

/// <summary>A stored toplist period without its rows. <see cref="StoredRows"/> below <see cref="DistinctKeys"/> means only the top N was stored.</summary>
internal sealed record ToplistPeriodResponse(
    long Id,
    DateTimeOffset Start,
    DateTimeOffset End,
    long TotalBytes,
    long TotalPackets,
    long TotalFlows,
    bool Approximate,
    long ErrorBound,
    int DistinctKeys,
    int StoredRows)
{
    public static ToplistPeriodResponse From(ToplistPeriodInfo p) =>
        new(p.Id, p.Start, p.End, p.TotalBytes, p.TotalPackets, p.TotalFlows, p.Approximate, p.ErrorBound, p.DistinctKeys, p.EntryCount);
}

/// <summary>
/// A stored period, or the periods of a range merged (rows summed by key, <see cref="Periods"/> of them). A merge is
/// <see cref="Approximate"/> when any period was approximate or stored only its top N; <see cref="ErrorBound"/> bounds
/// how far any row may be off.
/// </summary>
internal sealed record StoredToplistResponse(
    Guid SensorId,
    int ToplistId,
    string Name,
    ToplistType Type,
    DateTimeOffset Start,
    DateTimeOffset End,
    int Periods,
    long TotalBytes,
    long TotalPackets,
    long TotalFlows,
    bool Approximate,
    long ErrorBound,
    IReadOnlyList<ToplistRowResponse> Rows)
{
    /// <param name="enrichment">AS and country beside addresses for rows stored without them (before owners were stored, or with no database loaded then), from the databases as they are now; rows that have them show what the databases said when the period closed.</param>
    public static StoredToplistResponse From(Guid sensorId, ToplistDefinition toplist, StoredToplist stored, int count, Core.Enrichment.IpEnrichment? enrichment = null) => new(
        sensorId, toplist.Id, toplist.Name, toplist.Type, stored.Start, stored.End, stored.Periods, stored.TotalBytes, stored.TotalPackets, stored.TotalFlows,
        stored.Approximate, stored.ErrorBound,
        [.. stored.Rows.Take(count).Select((r, i) => ToplistRows.Row(toplist, new Core.Aggregation.ToplistRow(r.Key, r.Bytes, r.Packets, r.Flows, r.ErrorBytes), i + 1, stored.TotalBytes,
            r.Names, enrichment))]);
}

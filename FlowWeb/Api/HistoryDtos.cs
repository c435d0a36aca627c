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
/// One channel: the range's rates in bit/s (average, maximum and 95th percentile over samples of
/// <see cref="SampleSeconds"/>: five minutes for minute data, one bucket otherwise; time without rows counts as zero),
/// the highest one-second peak, total bytes, and the buckets that have data, oldest first.
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
    IReadOnlyList<HistoryBucketResponse> Buckets);

/// <summary>One bucket of a channel: sums over the bucket, its mean rate and its busiest second, in bit/s.</summary>
internal sealed record HistoryBucketResponse(DateTimeOffset Start, double Bytes, double Packets, double Flows, double BitsPerSecond, double PeakBitsPerSecond);

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
    public static StoredToplistResponse From(Guid sensorId, ToplistDefinition toplist, StoredToplist stored, int count) => new(
        sensorId, toplist.Id, toplist.Name, toplist.Type, stored.Start, stored.End, stored.Periods, stored.TotalBytes, stored.TotalPackets, stored.TotalFlows,
        stored.Approximate, stored.ErrorBound,
        [.. stored.Rows.Take(count).Select((r, i) => ToplistRows.Row(toplist, new Core.Aggregation.ToplistRow(r.Key, r.Bytes, r.Packets, r.Flows, r.ErrorBytes), i + 1, stored.TotalBytes,
            new Core.Dns.HostNamePair(r.HostName, r.HostNameB)))]);
}

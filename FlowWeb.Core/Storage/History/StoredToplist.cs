using FlowWeb.Core.Aggregation;

namespace FlowWeb.Core.Storage.History;

/// <summary>A stored toplist period without its rows.</summary>
public sealed record ToplistPeriodInfo(
    long Id,
    DateTimeOffset Start,
    DateTimeOffset End,
    long TotalBytes,
    long TotalPackets,
    long TotalFlows,
    bool Approximate,
    long ErrorBound,
    int DistinctKeys,
    int EntryCount)
{
    /// <summary>Only the top <see cref="EntryCount"/> of <see cref="DistinctKeys"/> keys were stored.</summary>
    public bool Truncated => EntryCount < DistinctKeys;
}

/// <summary>
/// A stored toplist row; <see cref="HostName"/> (of the key's A address) and <see cref="HostNameB"/> (of its B
/// address) are the reverse DNS names known when the period closed, null when none was.
/// </summary>
public sealed record StoredToplistRow(ToplistKey Key, long Bytes, long Packets, long Flows, long ErrorBytes, string? HostName)
{
    public string? HostNameB { get; init; }
}

/// <summary>
/// One stored period, or several merged (rows summed by key). <see cref="Approximate"/> when any period was
/// approximate or, for a merge, any period kept only its top N (a key below the top N of one period misses that
/// period's share). <see cref="ErrorBound"/> bounds how much any row may be undercounted: the periods' own error
/// bounds plus, for each truncated period, its smallest stored row's bytes.
/// </summary>
public sealed record StoredToplist(
    DateTimeOffset Start,
    DateTimeOffset End,
    int Periods,
    long TotalBytes,
    long TotalPackets,
    long TotalFlows,
    bool Approximate,
    long ErrorBound,
    IReadOnlyList<StoredToplistRow> Rows);

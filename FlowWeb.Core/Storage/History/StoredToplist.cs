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

    /// <summary>The owners stored with the period (<see cref="Entities.ToplistEntryRow.OwnerA"/>'s form), null when not recorded.</summary>
    public string? OwnerA { get; init; }

    public string? OwnerB { get; init; }

    /// <summary>The names and, when recorded, the owners as one pair for the toplist table and the API.</summary>
    public Dns.HostNamePair Names => new(HostName, HostNameB)
    {
        OwnersRecorded = OwnerA is not null,
        OwnerA = Enrichment.AddressOwner.Parse(OwnerA),
        OwnerB = Enrichment.AddressOwner.Parse(OwnerB),
    };
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

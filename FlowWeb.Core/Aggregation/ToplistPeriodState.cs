using FlowWeb.Core.Aggregation.Tables;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// What one shard counted for one toplist in one period: either the whole table (a closed period handed over by
/// <see cref="ToplistSet.Roll"/> or <see cref="ToplistSet.Drain"/>) or only its best rows (a running period's
/// <see cref="ToplistSet.RunningSummary"/>). Detached from the shard: once handed over, nothing writes it, so any
/// thread may read and merge it. A key this state does not list had at most <see cref="Floor"/> bytes in it.
/// </summary>
public sealed class ToplistPeriodState
{
    private readonly ToplistCounters? _table;
    private readonly List<ToplistRow>? _rows;
    private readonly long _tableBound;

    /// <summary>A closed period: keeps the whole table (no longer written by anyone).</summary>
    internal ToplistPeriodState(ToplistDefinition definition, long start, long end, ToplistCounters table)
    {
        Definition = definition;
        Start = DateTimeOffset.FromUnixTimeSeconds(start);
        End = DateTimeOffset.FromUnixTimeSeconds(end);
        _table = table;
        (TotalBytes, TotalPackets, TotalFlows) = (table.TotalBytes, table.TotalPackets, table.TotalFlows);
        (Approximate, Floor, _tableBound) = (table.IsApproximate, table.ErrorBound, table.ErrorBound);
        DistinctKeys = table.Top(0).Keys;
    }

    /// <summary>
    /// A running period: copies the best rows of a table its shard goes on writing. With <paramref name="best"/> 0 it
    /// reads the totals only and leaves the table unscanned (no rows, <see cref="DistinctKeys"/> 0, <see cref="RowsRead"/> false).
    /// </summary>
    internal ToplistPeriodState(ToplistDefinition definition, long start, long end, ToplistCounters table, int best)
    {
        Definition = definition;
        Start = DateTimeOffset.FromUnixTimeSeconds(start);
        End = DateTimeOffset.FromUnixTimeSeconds(end);
        (_rows, DistinctKeys) = best > 0 ? table.Top(best) : ([], 0);
        RowsRead = best > 0;
        (TotalBytes, TotalPackets, TotalFlows) = (table.TotalBytes, table.TotalPackets, table.TotalFlows);
        (Approximate, _tableBound) = (table.IsApproximate, table.ErrorBound);

        // A key below the best rows has at most the last row's bytes (or the table's own bound, whichever is larger).
        Floor = _rows.Count < DistinctKeys && _rows.Count > 0 ? Math.Max(table.ErrorBound, _rows[^1].Bytes) : table.ErrorBound;
    }

    /// <summary>The closed period's tables (shared by the lists of one address table), for <see cref="ToplistTables.Release"/> once merged.</summary>
    internal ToplistTables? Tables { get; init; }

    public ToplistDefinition Definition { get; }

    public DateTimeOffset Start { get; }

    public DateTimeOffset End { get; }

    /// <summary>
    /// The part of [<see cref="Start"/>, <see cref="End"/>) the shard counted: shorter when the sensor started
    /// during the period or a graceful stop cut it. Stored as the period's span, so a cut period reads as partial.
    /// </summary>
    public DateTimeOffset CoveredFrom { get => field == default ? Start : field; init; }

    /// <inheritdoc cref="CoveredFrom"/>
    public DateTimeOffset CoveredTo { get => field == default ? End : field; init; }

    public long TotalBytes { get; }

    public long TotalPackets { get; }

    public long TotalFlows { get; }

    public bool Approximate { get; }

    public int DistinctKeys { get; }

    /// <summary>The most bytes a key not listed by this state can have had in this shard's period (0 when every key is listed exactly).</summary>
    public long Floor { get; }

    /// <summary>True when the whole table is kept (a closed period), false for a running period's best rows.</summary>
    public bool Complete => _table is not null;

    /// <summary>Whether this state lists every key its shard holds (a closed period, or best rows that took them all).</summary>
    private bool ListsAll => _table is not null || (RowsRead && _rows!.Count >= DistinctKeys);

    /// <summary>Whether the rows were read: always for a closed period; for a running one, when rows were asked for.</summary>
    public bool RowsRead { get; } = true;

    /// <summary>
    /// This shard's result on its own: its <paramref name="count"/> best rows with the table's own bound, as a
    /// single-shard collector shows them (the rows left out are not counted against it: they are simply not shown).
    /// </summary>
    public ToplistPeriodResult ToResult(int count)
    {
        var rows = _table?.Top(count).Rows ?? [.. _rows!.Take(count)];
        return new ToplistPeriodResult(Start, End, rows, TotalBytes, TotalPackets, TotalFlows, Approximate, _tableBound, DistinctKeys)
        {
            CoveredFrom = CoveredFrom,
            CoveredTo = CoveredTo,
        };
    }

    /// <summary>Every row this state lists (the whole table, or the best rows).</summary>
    internal IEnumerable<ToplistRow> Rows() => _table is not null ? _table.All() : _rows!;

    /// <summary>
    /// The states of several shards for the same toplist and period as one result: rows summed by key and ranked by
    /// bytes. A shard that does not list a key adds its <see cref="Floor"/> to the key's bytes and error (the key may
    /// have had that much there), so every row stays an upper bound whose error is at most the result's
    /// <see cref="ToplistPeriodResult.ErrorBound"/> = the sum of the shards' floors and errors, and every key with
    /// more bytes than that bound in the merged period is listed (it exceeds some shard's floor, so that shard lists it).
    /// </summary>
    public static ToplistPeriodResult Merge(IReadOnlyList<ToplistPeriodState> states, int count)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.Count == 0)
        {
            throw new ArgumentException("At least one state is needed.", nameof(states));
        }

        if (states.Count == 1)
        {
            return states[0].ToResult(count);
        }

        long floors = 0, totalBytes = 0, totalPackets = 0, totalFlows = 0;
        var approximate = false;
        var distinct = 0;
        var listsAll = true;
        foreach (var s in states)
        {
            floors += s.Floor;
            (totalBytes, totalPackets, totalFlows) = (totalBytes + s.TotalBytes, totalPackets + s.TotalPackets, totalFlows + s.TotalFlows);
            approximate |= s.Approximate;
            distinct = Math.Max(distinct, s.DistinctKeys);
            listsAll &= s.ListsAll;
        }

        // Per key: bytes listed, the floors of the shards that listed it (subtracted below), the lower bound.
        var sums = new Dictionary<ToplistKey, (long Bytes, long ListedFloors, long Lower, long Packets, long Flows)>();
        foreach (var s in states)
        {
            foreach (var row in s.Rows())
            {
                var sum = sums.GetValueOrDefault(row.Key);
                sums[row.Key] = (sum.Bytes + row.Bytes, sum.ListedFloors + s.Floor, sum.Lower + row.Bytes - row.ErrorBytes,
                    sum.Packets + row.Packets, sum.Flows + row.Flows);
            }
        }

        var merged = new List<ToplistRow>(sums.Count);
        foreach (var (key, sum) in sums)
        {
            var upper = sum.Bytes + floors - sum.ListedFloors;
            merged.Add(new ToplistRow(key, upper, sum.Packets, sum.Flows, upper - sum.Lower));
        }

        merged.Sort(static (a, b) => b.Bytes.CompareTo(a.Bytes));
        if (merged.Count > count)
        {
            merged.RemoveRange(count, merged.Count - count);
        }

        var bound = Math.Max(floors, merged.Count == 0 ? 0 : merged.Max(r => r.ErrorBytes));
        return new ToplistPeriodResult(states[0].Start, states[0].End, merged, totalBytes, totalPackets, totalFlows,
            approximate || bound > 0, bound, listsAll ? Math.Max(distinct, sums.Count) : distinct)
        {
            CoveredFrom = states.Min(s => s.CoveredFrom),
            CoveredTo = states.Max(s => s.CoveredTo),
        };
    }
}

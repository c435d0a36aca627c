using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation.Tables;

/// <summary>
/// The counters of one or more toplists for one running period in one shard: what the per-record loop feeds.
/// <see cref="Fresh"/> makes the next period's (same shape, empty); the old one is handed over and read through
/// <see cref="Counters"/>, never written again.
/// </summary>
internal abstract class ToplistTables
{
    public abstract void Add(in FlowRecord r, long bytes, long packets);

    /// <summary>Starts loading the slots <see cref="Add"/> will update for this record (see <see cref="HeavyHitterTable{TKey, TSlot}.Prefetch"/>).</summary>
    public abstract void Prefetch(in FlowRecord r);

    /// <summary>The counters of one of the toplists these tables serve, as a read-only view.</summary>
    public abstract ToplistCounters Counters(ToplistDefinition definition);

    public abstract ToplistTables Fresh();

    /// <summary>Bytes the tables' slots take now.</summary>
    public abstract long MemoryBytes { get; }

    /// <summary>
    /// Gives the tables' memory back to the budget, leaving them empty: called for a closed period once history has
    /// merged it. Nothing may read the tables after (they read as empty, never as freed memory).
    /// </summary>
    public abstract void Release();
}

/// <summary>One toplist's counters for a period (a view over its tables): ranked rows and the period's bound.</summary>
internal abstract class ToplistCounters
{
    public abstract long TotalBytes { get; }

    public abstract long TotalPackets { get; }

    public abstract long TotalFlows { get; }

    /// <summary>True once a table purged: counts are then bounded, not exact.</summary>
    public abstract bool IsApproximate { get; }

    /// <summary>The most bytes a key that is not listed can have had (0 while exact).</summary>
    public abstract long ErrorBound { get; }

    /// <summary>The <paramref name="n"/> rows with the most bytes (upper bounds), largest first, and how many keys the view holds.</summary>
    public abstract (List<ToplistRow> Rows, int Keys) Top(int n);

    /// <summary>Every row, unordered (for merging shards).</summary>
    public abstract IEnumerable<ToplistRow> All();
}

/// <summary>Keeps the <c>n</c> rows with the most bytes seen so far (a min-heap of n).</summary>
internal sealed class BestRows(int n)
{
    private readonly PriorityQueue<ToplistRow, long> _heap = new(Math.Max(1, n) + 1);

    /// <summary>Whether a row with these bytes would be kept (asked before the row is built).</summary>
    public bool Wants(long bytes) => n > 0 && (_heap.Count < n || (_heap.TryPeek(out _, out var least) && bytes > least));

    public void Add(in ToplistRow row)
    {
        if (_heap.Count < n)
        {
            _heap.Enqueue(row, row.Bytes);
        }
        else
        {
            _heap.DequeueEnqueue(row, row.Bytes);
        }
    }

    /// <summary>The kept rows, most bytes first.</summary>
    public List<ToplistRow> Ranked()
    {
        var rows = new List<ToplistRow>(_heap.Count);
        while (_heap.TryDequeue(out var row, out _))
        {
            rows.Add(row);
        }

        rows.Reverse();
        return rows;
    }
}

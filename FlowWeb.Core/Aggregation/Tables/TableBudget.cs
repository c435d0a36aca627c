namespace FlowWeb.Core.Aggregation.Tables;

/// <summary>
/// The memory every sensor's toplist tables share (<c>Aggregation:MemoryBudgetBytes</c>). A table starts small and
/// doubles as distinct keys arrive; each doubling asks the budget. A table that is refused stays at its size and
/// purges instead (its error bound grows; the page shows the bound), so memory stays within the budget whatever the
/// cardinality and however many sensors there are. Busy sensors get more: tables grow in the order their keys
/// arrive, and every toplist period starts its tables small again, so the budget is shared out afresh each period.
/// <para>
/// Two guarantees keep one sensor from starving the others: every table may always grow to
/// <see cref="FloorSlots"/> slots (never refused, so a table always counts 3,072 keys exactly; they do count against
/// the budget, so many sensors' floors shrink what the busy ones may grow into), and no
/// table takes more than a quarter of the budget. Thread-safe: tables of different receive threads grow concurrently,
/// and memory is returned by whichever thread frees it (the finalizer's for a table dropped with its sensor).
/// </para>
/// </summary>
public sealed class TableBudget
{
    /// <summary>Slots every table may have whatever the budget (a few hundred KiB at most per table).</summary>
    public const int FloorSlots = 4096;

    private long _used;
    private long _refused;

    /// <param name="limitBytes">The bytes all tables beyond their floor may take together; <see cref="long.MaxValue"/> = no limit.</param>
    public TableBudget(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limitBytes);
        LimitBytes = limitBytes;
    }

    /// <summary>No limit (tests and benchmarks that measure one table set).</summary>
    public static TableBudget Unlimited { get; } = new(long.MaxValue);

    public long LimitBytes { get; }

    /// <summary>Bytes the tables hold now, their floors included.</summary>
    public long UsedBytes => Interlocked.Read(ref _used);

    /// <summary>How many times a table was refused a doubling and purged at its size instead (since start).</summary>
    public long Refusals => Interlocked.Read(ref _refused);

    /// <summary>Takes memory for a new table of <paramref name="slots"/> slots of <paramref name="bytes"/> bytes in all, or refuses.</summary>
    internal bool TryTake(int slots, long bytes)
    {
        if (slots <= FloorSlots)
        {
            Interlocked.Add(ref _used, bytes);
            return true;
        }

        if (bytes > LimitBytes / 4)
        {
            Interlocked.Increment(ref _refused);
            return false;
        }

        var used = Interlocked.Read(ref _used);
        while (true)
        {
            if (used > LimitBytes - bytes)
            {
                Interlocked.Increment(ref _refused);
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _used, used + bytes, used);
            if (seen == used)
            {
                return true;
            }

            used = seen;
        }
    }

    /// <summary>Gives back what a freed table took.</summary>
    internal void Give(long bytes) => Interlocked.Add(ref _used, -bytes);
}

namespace FlowWeb.Core.Aggregation.Tables;

/// <summary>How many slots a toplist table may grow to: enough to hold <see cref="MaxKeys"/> keys at the tables' three-quarter load.</summary>
internal sealed class TableSizes
{
    private const int MinSlots = 64;

    public TableSizes(int maxKeys, TableBudget? budget = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 1);
        MaxKeys = maxKeys;
        Budget = budget ?? TableBudget.Unlimited;
        var slots = MinSlots;
        while ((long)slots / 4 * 3 < MaxKeys && slots < 1 << 30)
        {
            slots *= 2;
        }

        Slots = slots;
    }

    /// <summary>The memory the tables share with every other sensor's.</summary>
    public TableBudget Budget { get; }

    /// <summary>Distinct keys counted exactly before a table purges.</summary>
    public int MaxKeys { get; }

    /// <summary>The most slots a table may grow to (a power of two, whatever the size of its slots).</summary>
    public int Slots { get; }
}

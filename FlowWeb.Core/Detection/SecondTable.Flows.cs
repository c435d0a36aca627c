namespace FlowWeb.Core.Detection;

/// <summary>The second's flow-sized records (<see cref="FlowEntry"/>), beside the per-key sums.</summary>
internal sealed partial class SecondTable
{
    /// <summary>
    /// Flow-sized records one receive thread hands over per second; more are counted in the per-key sums without their
    /// identity (as every record was before), and counted in <see cref="FlowsWithoutIdentity"/>. A flow-sized record
    /// carries at least 1 % of a threshold, so at the defaults 4,096 of them are 80 Gbit/s or 6 M packets/s.
    /// </summary>
    public const int MaxFlowEntries = 4096;

    private FlowEntry[] _flows = [];

    public int FlowCount { get; private set; }

    /// <summary>Flow-sized records counted without their identity this second because <see cref="MaxFlowEntries"/> were.</summary>
    public long FlowsWithoutIdentity { get; set; }

    public bool FlowsFull => FlowCount >= MaxFlowEntries;

    public ref FlowEntry FlowAt(int n) => ref _flows[n];

    public void AddFlow(in FlowEntry entry)
    {
        EnsureFlowCapacity(FlowCount + 1);
        _flows[FlowCount++] = entry;
    }

    /// <summary>A merged table takes every shard's entries (each shard's are capped, and shards are few).</summary>
    private void MergeFlowsFrom(SecondTable other)
    {
        if (other.FlowCount > 0)
        {
            EnsureFlowCapacity(FlowCount + other.FlowCount);
            Array.Copy(other._flows, 0, _flows, FlowCount, other.FlowCount);
            FlowCount += other.FlowCount;
        }

        FlowsWithoutIdentity += other.FlowsWithoutIdentity;
    }

    private void ClearFlows()
    {
        // Entries hold no references: nothing to clear but the count.
        FlowCount = 0;
        FlowsWithoutIdentity = 0;
    }

    private void EnsureFlowCapacity(int needed)
    {
        if (needed > _flows.Length)
        {
            Array.Resize(ref _flows, Math.Max(needed, Math.Max(16, _flows.Length * 2)));
        }
    }
}

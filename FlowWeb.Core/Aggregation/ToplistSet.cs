using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// Every toplist of one sensor in one shard (one receive thread): the only thing the per-record loop calls for
/// toplists. Not thread-safe: one thread writes it; others read it only under the owner's lock, and only through
/// <see cref="Snapshot"/> and <see cref="RunningSummary"/>, which copy what they return. Closed periods are handed
/// over as <see cref="ToplistPeriodState"/>s that any thread may merge (<see cref="ToplistPeriodMerger"/>).
/// The contract is written down in the team's CONTRACT-toplists note.
/// </summary>
public sealed class ToplistSet
{
    private readonly (ToplistDefinition Definition, ToplistKeys Keys, ToplistPeriods Periods)[] _lists;

    public ToplistSet(IReadOnlyList<ToplistDefinition> definitions, int capacity, long nowSecond)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        _lists = [.. definitions.Select(d => (d, new ToplistKeys(d.Type, d.Fields), new ToplistPeriods(d, capacity, nowSecond)))];
        Definitions = [.. definitions];
    }

    public IReadOnlyList<ToplistDefinition> Definitions { get; }

    /// <summary>Books one accepted record (bytes and packets already scaled by sampling) in every toplist.</summary>
    public void Add(in FlowRecord r, long bytes, long packets)
    {
        Span<ToplistKey> keys = stackalloc ToplistKey[2];
        foreach (var (_, keyMaker, periods) in _lists)
        {
            var n = keyMaker.KeysOf(r, keys);
            for (var k = 0; k < n; k++)
            {
                periods.Running.Add(keys[k], bytes, packets);
            }
        }
    }

    /// <summary>
    /// Closes every period that ended by <paramref name="nowSecond"/> and hands over its counters; null when none
    /// did (the usual case: no allocation per call).
    /// </summary>
    public List<ToplistPeriodState>? Roll(long nowSecond)
    {
        List<ToplistPeriodState>? closed = null;
        foreach (var (_, _, periods) in _lists)
        {
            if (periods.Roll(nowSecond) is { } state)
            {
                (closed ??= []).Add(state);
            }
        }

        return closed;
    }

    /// <summary>This shard's running period of a toplist: its <paramref name="count"/> best rows; null for an unknown id.</summary>
    public ToplistPeriodResult? Snapshot(int toplistId, int count) =>
        Find(toplistId) is { } periods ? periods.Summary(count).ToResult(count) : null;

    /// <summary>
    /// This shard's running period of a toplist as a mergeable state holding its <paramref name="best"/> best rows
    /// (merge several shards' with <see cref="ToplistPeriodState.Merge"/>); null for an unknown id.
    /// </summary>
    public ToplistPeriodState? RunningSummary(int toplistId, int best) => Find(toplistId)?.Summary(best);

    /// <summary>
    /// Hands over every running period that counted something, as it is (graceful shutdown), and empties it, so
    /// nothing is handed over twice (by a second drain or at the period's end).
    /// </summary>
    public List<ToplistPeriodState> Drain()
    {
        var states = new List<ToplistPeriodState>();
        foreach (var (_, _, periods) in _lists)
        {
            if (periods.Running.TotalFlows > 0)
            {
                states.Add(periods.HandOver());
            }
        }

        return states;
    }

    private ToplistPeriods? Find(int toplistId)
    {
        foreach (var (definition, _, periods) in _lists)
        {
            if (definition.Id == toplistId)
            {
                return periods;
            }
        }

        return null;
    }
}

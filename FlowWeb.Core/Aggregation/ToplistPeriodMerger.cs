using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// Gathers one sensor's closed toplist periods from its shards (one per receive thread) and merges each period
/// once every shard has handed it over, or has handed over a later one (a shard that was idle through a whole
/// period, e.g. during a stall, never closes it). Keeps the last <see cref="CompletedKept"/> merged periods per
/// toplist for pages. Thread-safe: shards offer from their own threads; called a few times per period, never per record.
/// </summary>
public sealed class ToplistPeriodMerger
{
    public const int CompletedKept = 8;

    private readonly Lock _sync = new();
    private readonly Dictionary<int, Toplist> _toplists;
    private readonly int _shards;

    public ToplistPeriodMerger(IReadOnlyList<ToplistDefinition> definitions, int shards)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        _shards = shards;
        _toplists = definitions.ToDictionary(d => d.Id, d => new Toplist(d, shards));
    }

    /// <summary>
    /// Takes the periods one shard closed (<see cref="ToplistSet.Roll"/>) and returns the periods that are now
    /// complete across all shards, merged (oldest first; empty when the other shards have yet to close them).
    /// </summary>
    public List<(ToplistDefinition Definition, ToplistPeriodResult Result)> Offer(int shard, IReadOnlyList<ToplistPeriodState>? closed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, _shards);
        var done = new List<(ToplistDefinition, ToplistPeriodResult)>();
        if (closed is null || closed.Count == 0)
        {
            return done;
        }

        lock (_sync)
        {
            foreach (var state in closed)
            {
                if (!_toplists.TryGetValue(state.Definition.Id, out var toplist))
                {
                    continue;
                }

                toplist.Add(shard, state);
                foreach (var result in toplist.TakeComplete())
                {
                    done.Add((toplist.Definition, result));
                }
            }
        }

        return done;
    }

    /// <summary>The merged completed periods of a toplist, newest first (empty for an unknown id).</summary>
    public IReadOnlyList<ToplistPeriodResult> Completed(int toplistId)
    {
        lock (_sync)
        {
            return _toplists.TryGetValue(toplistId, out var toplist) ? [.. toplist.Completed] : [];
        }
    }

    /// <summary>Merges what the shards' <see cref="ToplistSet.Drain"/> handed over, per toplist (not kept as completed: the periods were still running).</summary>
    public static List<(ToplistDefinition Definition, ToplistPeriodResult Result)> MergeDrained(IEnumerable<ToplistPeriodState> drained)
    {
        ArgumentNullException.ThrowIfNull(drained);
        return [.. drained.GroupBy(s => (s.Definition.Id, s.Start))
            .Select(g => (g.First().Definition, ToplistPeriodState.Merge([.. g], g.First().Definition.Count)))];
    }

    private sealed class Toplist(ToplistDefinition definition, int shards)
    {
        private readonly SortedDictionary<DateTimeOffset, List<ToplistPeriodState>> _pending = [];
        private readonly DateTimeOffset[] _latest = Enumerable.Repeat(DateTimeOffset.MinValue, shards).ToArray();

        public ToplistDefinition Definition { get; } = definition;

        public LinkedList<ToplistPeriodResult> Completed { get; } = new();

        public void Add(int shard, ToplistPeriodState state)
        {
            if (!_pending.TryGetValue(state.Start, out var states))
            {
                _pending[state.Start] = states = [];
            }

            states.Add(state);
            if (state.Start > _latest[shard])
            {
                _latest[shard] = state.Start;
            }
        }

        public IEnumerable<ToplistPeriodResult> TakeComplete()
        {
            var reached = _latest.Min();
            while (_pending.Count > 0 && _pending.First() is var (start, states) && start <= reached)
            {
                _pending.Remove(start);
                var result = ToplistPeriodState.Merge(states, Definition.Count);
                Completed.AddFirst(result);
                while (Completed.Count > CompletedKept)
                {
                    Completed.RemoveLast();
                }

                yield return result;
            }
        }
    }
}

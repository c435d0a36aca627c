using FlowWeb.Core.Aggregation.Tables;
using FlowWeb.Core.Enrichment;
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
    private readonly ToplistPeriods[] _groups;
    private readonly (ToplistDefinition Definition, ToplistPeriods Periods)[] _lists;

    /// <summary>Records between a record's prefetch and its update: enough to cover a memory access at ~100 ns of work per record.</summary>
    private const int Lag = 8;

    // A batch's records between their prefetch and their booking, by index into the batch (see Batch).
    private readonly Pending[] _pending = new Pending[Lag];

    private readonly record struct Pending(int Index, long Bytes, long Packets);

    /// <param name="capacity">Distinct keys each table counts exactly before it turns into a frequent-items sketch.</param>
    /// <param name="enrichment">AS and country lookups for the AS and country toplists (none: every key is Unknown).</param>
    /// <param name="budget">The memory shared with every other sensor's tables (none: only <paramref name="capacity"/> bounds them).</param>
    public ToplistSet(IReadOnlyList<ToplistDefinition> definitions, int capacity, long nowSecond, IpEnrichment? enrichment = null, TableBudget? budget = null)
    {
        enrichment ??= IpEnrichment.None;
        ArgumentNullException.ThrowIfNull(definitions);
        Definitions = [.. definitions];
        var sizes = new TableSizes(capacity, budget);
        var groups = new List<ToplistPeriods>();

        // Source, destination and any-address lists of the same period length share one address table.
        foreach (var sameLength in definitions.Where(d => AddressTables.Serves(d.Type)).GroupBy(d => d.PeriodMinutes))
        {
            var shared = sameLength.ToList();
            groups.Add(new ToplistPeriods(shared, new AddressTables([.. shared.Select(d => d.Type)], sizes), nowSecond));
        }

        foreach (var definition in definitions.Where(d => !AddressTables.Serves(d.Type)))
        {
            groups.Add(new ToplistPeriods([definition], Tables(definition, sizes, enrichment), nowSecond));
        }

        _groups = [.. groups];
        _lists = [.. definitions.Select(d => (d, _groups.First(g => g.Definitions.Contains(d))))];
    }

    public IReadOnlyList<ToplistDefinition> Definitions { get; }

    /// <summary>Bytes the running periods' tables take now.</summary>
    public long MemoryBytes => _groups.Sum(g => g.Running.MemoryBytes);

    /// <summary>
    /// Books one accepted record (bytes and packets already scaled by sampling) in every toplist, at once. Records that
    /// come as a decoded datagram go through <see cref="Begin"/> instead, which overlaps their tables' cache misses.
    /// </summary>
    public void Add(in FlowRecord r, long bytes, long packets)
    {
        foreach (var group in _groups)
        {
            group.Add(r, bytes, packets);
        }
    }

    /// <summary>Starts booking records of <paramref name="records"/> (one decoded datagram); see <see cref="Batch"/>.</summary>
    public Batch Begin(ReadOnlySpan<FlowRecord> records) => new(this, records);

    /// <summary>
    /// Books records of one datagram. The tables are far larger than the CPU's caches, so each update waits for memory;
    /// to overlap those waits a record's slots are prefetched when it is added and its counters updated
    /// <see cref="Lag"/> records later. The records stay where they were decoded: queueing copies of them (about 200
    /// bytes each, copied in and out) was 4 % of the collector's CPU. Call <see cref="Flush"/> before anything else
    /// reads or changes the set.
    /// </summary>
    public ref struct Batch
    {
        private readonly ToplistSet _set;
        private readonly ReadOnlySpan<FlowRecord> _records;
        private int _waiting;
        private int _next;

        internal Batch(ToplistSet set, ReadOnlySpan<FlowRecord> records)
        {
            _set = set;
            _records = records;
        }

        /// <summary>Books record number <paramref name="index"/> of the batch (its slots now, its counters <see cref="Lag"/> records later).</summary>
        public void Add(int index, long bytes, long packets)
        {
            ref readonly var r = ref _records[index];
            foreach (var group in _set._groups)
            {
                group.Running.Prefetch(r);
            }

            ref var slot = ref _set._pending[_next];
            if (_waiting == Lag)
            {
                _set.Add(_records[slot.Index], slot.Bytes, slot.Packets);
            }
            else
            {
                _waiting++;
            }

            slot = new Pending(index, bytes, packets);
            _next = _next == Lag - 1 ? 0 : _next + 1;
        }

        /// <summary>Books the records still waiting for their prefetch (at the end of the datagram).</summary>
        public void Flush()
        {
            for (var i = _waiting; i > 0; i--)
            {
                var p = _set._pending[(_next - i + Lag) % Lag];
                _set.Add(_records[p.Index], p.Bytes, p.Packets);
            }

            _waiting = 0;
        }
    }

    /// <summary>
    /// Closes every period that ended by <paramref name="nowSecond"/> and hands over its counters; null when none
    /// did (the usual case: no allocation per call).
    /// </summary>
    public List<ToplistPeriodState>? Roll(long nowSecond)
    {
        List<ToplistPeriodState>? closed = null;
        foreach (var group in _groups)
        {
            group.Roll(nowSecond, ref closed);
        }

        return closed;
    }

    /// <summary>This shard's running period of a toplist: its <paramref name="count"/> best rows; null for an unknown id.</summary>
    public ToplistPeriodResult? Snapshot(int toplistId, int count) => RunningSummary(toplistId, count)?.ToResult(count);

    /// <summary>
    /// This shard's running period of a toplist as a mergeable state holding its <paramref name="best"/> best rows
    /// (merge several shards' with <see cref="ToplistPeriodState.Merge"/>); null for an unknown id. For
    /// <paramref name="watched"/> see <see cref="ToplistPeriods.Summary"/>.
    /// </summary>
    public ToplistPeriodState? RunningSummary(int toplistId, int best, int watched = 0)
    {
        foreach (var (definition, periods) in _lists)
        {
            if (definition.Id == toplistId)
            {
                return periods.Summary(definition, best, watched);
            }
        }

        return null;
    }

    /// <summary>
    /// Hands over every running period that counted something, as it is (graceful shutdown), and empties it, so
    /// nothing is handed over twice (by a second drain or at the period's end).
    /// </summary>
    public List<ToplistPeriodState> Drain(long nowSecond)
    {
        List<ToplistPeriodState>? states = null;
        foreach (var group in _groups)
        {
            if (group.HasData)
            {
                group.HandOver(ref states, nowSecond);
            }
        }

        return states ?? [];
    }

    private static ToplistTables Tables(ToplistDefinition definition, TableSizes sizes, IpEnrichment enrichment) => definition.Type switch
    {
        ToplistType.TopSourceAs => new KeyedTables<Key32, AsCodec>(new AsCodec(enrichment, source: true), sizes),
        ToplistType.TopDestinationAs => new KeyedTables<Key32, AsCodec>(new AsCodec(enrichment, source: false), sizes),
        ToplistType.TopCountries => new CountryTables(enrichment),
        ToplistType.TopTalkers => new KeyedTables<Key64, TalkersCodec>(default, sizes),
        ToplistType.TopConnections => new KeyedTables<Key128, ConnectionsCodec>(default, sizes),
        ToplistType.TopProtocols => new KeyedTables<Key32, ProtocolsCodec>(default, sizes),
        _ => new KeyedTables<WideKey, CustomCodec>(new CustomCodec(new ToplistKeys(definition.Type, definition.Fields, enrichment)), sizes),
    };
}

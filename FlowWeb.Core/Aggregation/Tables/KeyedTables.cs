using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation.Tables;

/// <summary>
/// One toplist whose key has a compact form for IPv4 (<typeparamref name="TKey"/>) and the general form otherwise:
/// two tables, the general one made only when a record needs it. A key lives in exactly one of them, so its bound
/// is its own table's; a key listed by neither had at most the larger of the two offsets.
/// </summary>
internal sealed class KeyedTables<TKey, TCodec> : ToplistTables
    where TKey : unmanaged, ITableKey<TKey>
    where TCodec : struct, IKeyCodec<TKey>
{
    private readonly TCodec _codec;
    private readonly TableSizes _sizes;
    private readonly HeavyHitterTable<TKey, CounterSlot<TKey>> _compact;
    private HeavyHitterTable<WideKey, CounterSlot<WideKey>>? _wide;
    private long _bytes;
    private long _packets;
    private long _flows;

    public KeyedTables(TCodec codec, TableSizes sizes)
    {
        _codec = codec;
        _sizes = sizes;
        _compact = new(sizes.Slots, sizes.Budget);
    }

    public override void Add(in FlowRecord r, long bytes, long packets)
    {
        _bytes += bytes;
        _packets += packets;
        _flows++;
        if (_codec.TryCompact(r, out var key))
        {
            _compact.Find(key, bytes).Add(bytes, packets);
        }
        else
        {
            (_wide ??= new(_sizes.Slots, _sizes.Budget)).Find(new WideKey(_codec.Wide(r)), bytes).Add(bytes, packets);
        }
    }

    public override void Prefetch(in FlowRecord r)
    {
        if (_codec.Prefetches && _codec.TryCompact(r, out var key))
        {
            _compact.Prefetch(key);
        }
    }

    public override ToplistCounters Counters(ToplistDefinition definition) => new View(this);

    public override ToplistTables Fresh() => new KeyedTables<TKey, TCodec>(_codec, _sizes);

    public override void Release()
    {
        _compact.Release();
        _wide?.Release();
    }

    public override long MemoryBytes => _compact.MemoryBytes + (_wide?.MemoryBytes ?? 0);

    private sealed class View(KeyedTables<TKey, TCodec> tables) : ToplistCounters
    {
        public override long TotalBytes => tables._bytes;

        public override long TotalPackets => tables._packets;

        public override long TotalFlows => tables._flows;

        public override bool IsApproximate => tables._compact.IsApproximate || tables._wide?.IsApproximate == true;

        public override long ErrorBound => Math.Max(tables._compact.Offset, tables._wide?.Offset ?? 0);

        public override (List<ToplistRow> Rows, int Keys) Top(int n)
        {
            var best = new BestRows(n);
            Collect(tables._compact, best, tables._codec);
            if (tables._wide is { } wide)
            {
                Collect(wide, best, default(WideCodec));
            }

            return (best.Ranked(), tables._compact.Count + (tables._wide?.Count ?? 0));
        }

        public override IEnumerable<ToplistRow> All()
        {
            var rows = new List<ToplistRow>(tables._compact.Count + (tables._wide?.Count ?? 0));
            AddAll(tables._compact, rows, tables._codec);
            if (tables._wide is { } wide)
            {
                AddAll(wide, rows, default(WideCodec));
            }

            return rows;
        }

        private static void Collect<TK, TC>(HeavyHitterTable<TK, CounterSlot<TK>> table, BestRows best, TC codec)
            where TK : unmanaged, ITableKey<TK>
            where TC : struct, IKeyCodec<TK>
        {
            foreach (ref readonly var slot in table.Occupied)
            {
                var error = table.ErrorOf(slot.Stamp);
                if (best.Wants(slot.Bytes + error))
                {
                    best.Add(new ToplistRow(codec.Expand(slot.Key), slot.Bytes + error, slot.Packets, slot.Flows, error));
                }
            }
        }

        private static void AddAll<TK, TC>(HeavyHitterTable<TK, CounterSlot<TK>> table, List<ToplistRow> rows, TC codec)
            where TK : unmanaged, ITableKey<TK>
            where TC : struct, IKeyCodec<TK>
        {
            foreach (ref readonly var slot in table.Occupied)
            {
                var error = table.ErrorOf(slot.Stamp);
                rows.Add(new ToplistRow(codec.Expand(slot.Key), slot.Bytes + error, slot.Packets, slot.Flows, error));
            }
        }
    }

    /// <summary>Reads the general table's keys back (they are already <see cref="ToplistKey"/>s).</summary>
    private readonly struct WideCodec : IKeyCodec<WideKey>
    {
        public bool Prefetches => false;

        public bool TryCompact(in FlowRecord r, out WideKey key) => throw new NotSupportedException();

        public ToplistKey Wide(in FlowRecord r) => throw new NotSupportedException();

        public ToplistKey Expand(in WideKey key) => key.Key;
    }
}

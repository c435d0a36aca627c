using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation.Tables;

/// <summary>
/// Top Source IP, Top Destination IP and Top IP of one period length, counted together: one slot per address with
/// its traffic as a source and as a destination (IPv4 in 32-bit keys, IPv6 in a second table made when needed), so
/// a record costs two lookups instead of four. Top IP is the two sides summed: bytes sent plus bytes received (a
/// record from an address to itself counts for it twice, once per side). The tables' frequent-items guarantee is
/// about that sum, and holds for each side since a side's bytes are at most the sum.
/// </summary>
internal sealed class AddressTables : ToplistTables
{
    private readonly TableSizes _sizes;
    private readonly bool _sources;
    private readonly bool _destinations;
    private readonly HeavyHitterTable<Key32, AddressSlot<Key32>> _v4;
    private HeavyHitterTable<Key128, AddressSlot<Key128>>? _v6;
    private long _bytes;
    private long _packets;
    private long _flows;
    private long _selfBytes;
    private long _selfPackets;
    private long _selfFlows;

    /// <param name="types">The toplist types these tables serve (a side nobody lists is not counted).</param>
    public AddressTables(IReadOnlyCollection<ToplistType> types, TableSizes sizes)
    {
        _sizes = sizes;
        _sources = types.Contains(ToplistType.TopSourceIp) || types.Contains(ToplistType.TopIp);
        _destinations = types.Contains(ToplistType.TopDestinationIp) || types.Contains(ToplistType.TopIp);
        Types = types;
        _v4 = new(sizes.Slots, sizes.Budget);
    }

    public IReadOnlyCollection<ToplistType> Types { get; }

    public static bool Serves(ToplistType type) => type is ToplistType.TopSourceIp or ToplistType.TopDestinationIp or ToplistType.TopIp;

    public override void Add(in FlowRecord r, long bytes, long packets)
    {
        _bytes += bytes;
        _packets += packets;
        _flows++;
        if (r.SrcAddr == r.DstAddr)
        {
            if (r.SrcAddr.IsIPv4)
            {
                _v4.Find(new Key32(r.SrcAddr.IPv4Value), bytes).AddSelf(bytes, packets, _sources, _destinations);
            }
            else
            {
                V6().Find(Key128.Of(r.SrcAddr), bytes).AddSelf(bytes, packets, _sources, _destinations);
            }

            if (_sources && _destinations)
            {
                _selfBytes += bytes;
                _selfPackets += packets;
                _selfFlows++;
            }

            return;
        }

        if (_sources)
        {
            if (r.SrcAddr.IsIPv4)
            {
                _v4.Find(new Key32(r.SrcAddr.IPv4Value), bytes).AddSource(bytes, packets);
            }
            else
            {
                V6().Find(Key128.Of(r.SrcAddr), bytes).AddSource(bytes, packets);
            }
        }

        if (_destinations)
        {
            if (r.DstAddr.IsIPv4)
            {
                _v4.Find(new Key32(r.DstAddr.IPv4Value), bytes).AddDestination(bytes, packets);
            }
            else
            {
                V6().Find(Key128.Of(r.DstAddr), bytes).AddDestination(bytes, packets);
            }
        }
    }

    public override void Prefetch(in FlowRecord r)
    {
        if (_sources && r.SrcAddr.IsIPv4)
        {
            _v4.Prefetch(new Key32(r.SrcAddr.IPv4Value));
        }

        if (_destinations && r.DstAddr.IsIPv4)
        {
            _v4.Prefetch(new Key32(r.DstAddr.IPv4Value));
        }
    }

    private HeavyHitterTable<Key128, AddressSlot<Key128>> V6() =>
        _v6 ??= new(_sizes.Slots, _sizes.Budget);

    public override ToplistCounters Counters(ToplistDefinition definition) => new View(this, definition.Type switch
    {
        ToplistType.TopSourceIp => Side.Source,
        ToplistType.TopDestinationIp => Side.Destination,
        ToplistType.TopIp => Side.Both,
        _ => throw new ArgumentException($"Address tables do not count {definition.Type}.", nameof(definition)),
    });

    public override ToplistTables Fresh() => new AddressTables(Types, _sizes);

    public override void Release()
    {
        _v4.Release();
        _v6?.Release();
    }

    public override long MemoryBytes => _v4.MemoryBytes + (_v6?.MemoryBytes ?? 0);

    private enum Side
    {
        Source,
        Destination,
        Both,
    }

    private sealed class View(AddressTables tables, Side side) : ToplistCounters
    {
        // Top IP books every record twice (once per address; once when both are the same), so its rows' shares add up to its total.
        public override long TotalBytes => side == Side.Both ? (tables._bytes * 2) - tables._selfBytes : tables._bytes;

        public override long TotalPackets => side == Side.Both ? (tables._packets * 2) - tables._selfPackets : tables._packets;

        public override long TotalFlows => side == Side.Both ? (tables._flows * 2) - tables._selfFlows : tables._flows;

        public override bool IsApproximate => tables._v4.IsApproximate || tables._v6?.IsApproximate == true;

        public override long ErrorBound => Math.Max(tables._v4.Offset, tables._v6?.Offset ?? 0);

        public override (List<ToplistRow> Rows, int Keys) Top(int n)
        {
            var best = new BestRows(n);
            var keys = Scan(tables._v4, static k => FlowAddress.FromIPv4(k.Value), best, null);
            if (tables._v6 is { } v6)
            {
                keys += Scan(v6, static k => k.Address, best, null);
            }

            return (best.Ranked(), keys);
        }

        public override IEnumerable<ToplistRow> All()
        {
            var rows = new List<ToplistRow>();
            Scan(tables._v4, static k => FlowAddress.FromIPv4(k.Value), null, rows);
            if (tables._v6 is { } v6)
            {
                Scan(v6, static k => k.Address, null, rows);
            }

            return rows;
        }

        /// <summary>Offers each address with traffic on this view's side to <paramref name="best"/> or adds it to <paramref name="all"/>; returns how many there are.</summary>
        private int Scan<TKey>(HeavyHitterTable<TKey, AddressSlot<TKey>> table, Func<TKey, FlowAddress> address, BestRows? best, List<ToplistRow>? all)
            where TKey : unmanaged, ITableKey<TKey>
        {
            var keys = 0;
            foreach (ref readonly var slot in table.Occupied)
            {
                var (bytes, packets, flows) = side switch
                {
                    Side.Source => (slot.SourceBytes, slot.SourcePackets, (long)slot.SourceFlows),
                    Side.Destination => (slot.DestinationBytes, slot.DestinationPackets, slot.DestinationFlows),
                    _ => (slot.SourceBytes + slot.DestinationBytes - slot.SelfBytes, slot.SourcePackets + slot.DestinationPackets - slot.SelfPackets,
                        (long)slot.SourceFlows + slot.DestinationFlows - slot.SelfFlows),
                };

                // An address seen only on the other side is not this view's key (its bytes here are at most the bound).
                if (flows == 0)
                {
                    continue;
                }

                keys++;
                var error = table.ErrorOf(slot.Stamp);
                if (all is not null)
                {
                    all.Add(new ToplistRow(new ToplistKey(address(slot.Key)), bytes + error, packets, flows, error));
                }
                else if (best!.Wants(bytes + error))
                {
                    best.Add(new ToplistRow(new ToplistKey(address(slot.Key)), bytes + error, packets, flows, error));
                }
            }

            return keys;
        }
    }
}

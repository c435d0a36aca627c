using System.Runtime.CompilerServices;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation.Tables;

/// <summary>
/// Turns a record into the compact key of a toplist type when its addresses allow (IPv4), and into the general
/// <see cref="ToplistKey"/> otherwise; and a compact key back into a <see cref="ToplistKey"/> for pages and history.
/// Keys are those of <see cref="ToplistKeys.KeysOf"/>, so both paths count the same thing.
/// </summary>
internal interface IKeyCodec<TKey>
    where TKey : unmanaged, ITableKey<TKey>
{
    bool TryCompact(in FlowRecord r, out TKey key);

    /// <summary>Whether the table is large enough for <see cref="KeyedTables{TKey, TCodec}.Prefetch"/> to pay for the key's second computation.</summary>
    bool Prefetches { get; }

    ToplistKey Wide(in FlowRecord r);

    ToplistKey Expand(in TKey key);
}

/// <summary>Top Talkers: the two hosts, smaller address first. IPv4 pairs in 64 bits.</summary>
internal readonly struct TalkersCodec : IKeyCodec<Key64>
{
    public bool Prefetches => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryCompact(in FlowRecord r, out Key64 key)
    {
        if (!r.SrcAddr.IsIPv4 || !r.DstAddr.IsIPv4)
        {
            key = default;
            return false;
        }

        ulong a = r.SrcAddr.IPv4Value, b = r.DstAddr.IPv4Value;
        key = new Key64(a <= b ? (a << 32) | b : (b << 32) | a);
        return true;
    }

    public ToplistKey Wide(in FlowRecord r) =>
        r.SrcAddr <= r.DstAddr ? new ToplistKey(r.SrcAddr, r.DstAddr) : new ToplistKey(r.DstAddr, r.SrcAddr);

    public ToplistKey Expand(in Key64 key) =>
        new(FlowAddress.FromIPv4((uint)(key.Value >> 32)), FlowAddress.FromIPv4((uint)key.Value));
}

/// <summary>Top Connections: source, source port, destination, destination port, protocol. IPv4 in 128 bits.</summary>
internal readonly struct ConnectionsCodec : IKeyCodec<Key128>
{
    public bool Prefetches => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryCompact(in FlowRecord r, out Key128 key)
    {
        if (!r.SrcAddr.IsIPv4 || !r.DstAddr.IsIPv4)
        {
            key = default;
            return false;
        }

        key = new Key128(((ulong)r.SrcAddr.IPv4Value << 32) | r.DstAddr.IPv4Value,
            ((ulong)r.SrcPort << 24) | ((ulong)r.DstPort << 8) | r.Protocol);
        return true;
    }

    public ToplistKey Wide(in FlowRecord r) => new(r.SrcAddr, r.DstAddr, r.SrcPort, r.DstPort, r.Protocol);

    public ToplistKey Expand(in Key128 key) =>
        new(FlowAddress.FromIPv4((uint)(key.High >> 32)), FlowAddress.FromIPv4((uint)key.High),
            (ushort)(key.Low >> 24), (ushort)(key.Low >> 8), (byte)key.Low);
}

/// <summary>Top Protocols: protocol and service port, always 32 bits.</summary>
internal readonly struct ProtocolsCodec : IKeyCodec<Key32>
{
    public bool Prefetches => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryCompact(in FlowRecord r, out Key32 key)
    {
        key = new Key32(((uint)r.Protocol << 16) | ToplistKeys.ServicePort(r));
        return true;
    }

    public ToplistKey Wide(in FlowRecord r) => new(default, default, ToplistKeys.ServicePort(r), 0, r.Protocol);

    public ToplistKey Expand(in Key32 key) => new(default, default, (ushort)key.Value, 0, (byte)(key.Value >> 16));
}

/// <summary>Custom toplists: the general key over the chosen fields.</summary>
internal readonly struct CustomCodec(ToplistKeys keys) : IKeyCodec<WideKey>
{
    public bool Prefetches => true;

    public bool TryCompact(in FlowRecord r, out WideKey key)
    {
        key = new WideKey(Wide(r));
        return true;
    }

    public ToplistKey Wide(in FlowRecord r)
    {
        Span<ToplistKey> one = stackalloc ToplistKey[2];
        keys.KeysOf(r, one);
        return one[0];
    }

    public ToplistKey Expand(in WideKey key) => key.Key;
}

/// <summary>
/// Top Source AS / Top Destination AS: the AS number in 32 bits, from the record or the AS database. The key costs a
/// database lookup, so the table is not prefetched (which would compute it twice): it holds at most the ~100,000 ASes
/// of the Internet and mostly a few thousand, which stay in the CPU's caches anyway.
/// </summary>
internal readonly struct AsCodec(IpEnrichment enrichment, bool source) : IKeyCodec<Key32>
{
    public bool Prefetches => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryCompact(in FlowRecord r, out Key32 key)
    {
        key = new Key32(source ? enrichment.AsOf(r.SrcAs, r.SrcAddr) : enrichment.AsOf(r.DstAs, r.DstAddr));
        return true;
    }

    public ToplistKey Wide(in FlowRecord r) => Expand(TryCompact(r, out var key) ? key : default);

    public ToplistKey Expand(in Key32 key) => new(default, number1: key.Value);
}

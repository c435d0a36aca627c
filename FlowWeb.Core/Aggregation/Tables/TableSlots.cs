using System.Runtime.CompilerServices;

namespace FlowWeb.Core.Aggregation.Tables;

/// <summary>
/// Bytes, packets and flows of one key since it was inserted. With a 32- or 64-bit key the slot is 32 bytes (two
/// per cache line), with 128 bits 40. Flows saturate at 2^32 − 1 per key and period (over an hour at a million
/// flows per second for a single key); bytes and packets are 64-bit.
/// </summary>
internal struct CounterSlot<TKey> : ITableSlot<TKey>
    where TKey : unmanaged, ITableKey<TKey>
{
    private TKey _key;
    public long Bytes;
    public long Packets;
    public uint Flows;
    private ushort _stamp;

    public readonly ushort Stamp => _stamp;

    public readonly long Weight => Bytes;

    public readonly TKey Key => _key;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Holds(in TKey key) => TKey.Same(_key, key);

    public void Start(in TKey key, ushort stamp)
    {
        this = default;
        _key = key;
        _stamp = stamp;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long bytes, long packets)
    {
        Bytes += bytes;
        Packets += packets;
        Flows += Flows == uint.MaxValue ? 0u : 1u;
    }
}

/// <summary>
/// One address's traffic as a source and as a destination since it was inserted: the shared slot of Top Source IP,
/// Top Destination IP and Top IP (one lookup per address instead of one per list). 72 bytes for IPv4, 88 for IPv6
/// (with the self counts; either spans two cache lines at every position).
/// The table's guarantee is about the sum of both sides (Top IP); it holds for each side too, since a side's bytes
/// are at most the sum.
/// </summary>
internal struct AddressSlot<TKey> : ITableSlot<TKey>
    where TKey : unmanaged, ITableKey<TKey>
{
    private TKey _key;
    public uint SourceFlows;
    public long SourceBytes;
    public long SourcePackets;
    public long DestinationBytes;
    public long DestinationPackets;
    public uint DestinationFlows;
    // Records whose source is also their destination (a land attack, a host talking to itself): booked on both sides,
    // and subtracted once where both sides add up (Top IP counts such a record once, as ToplistKeys.KeysOf does).
    public uint SelfFlows;
    public long SelfBytes;
    public long SelfPackets;
    private ushort _stamp;

    public readonly ushort Stamp => _stamp;

    public readonly long Weight => SourceBytes + DestinationBytes - SelfBytes;

    public readonly TKey Key => _key;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Holds(in TKey key) => TKey.Same(_key, key);

    public void Start(in TKey key, ushort stamp)
    {
        this = default;
        _key = key;
        _stamp = stamp;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddSource(long bytes, long packets)
    {
        SourceBytes += bytes;
        SourcePackets += packets;
        SourceFlows += SourceFlows == uint.MaxValue ? 0u : 1u;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddDestination(long bytes, long packets)
    {
        DestinationBytes += bytes;
        DestinationPackets += packets;
        DestinationFlows += DestinationFlows == uint.MaxValue ? 0u : 1u;
    }

    /// <summary>Books a record whose source and destination are this address: on both sides, once in their sum.</summary>
    public void AddSelf(long bytes, long packets, bool sources, bool destinations)
    {
        if (sources)
        {
            AddSource(bytes, packets);
        }

        if (destinations)
        {
            AddDestination(bytes, packets);
        }

        if (sources && destinations)
        {
            SelfBytes += bytes;
            SelfPackets += packets;
            SelfFlows += SelfFlows == uint.MaxValue ? 0u : 1u;
        }
    }
}

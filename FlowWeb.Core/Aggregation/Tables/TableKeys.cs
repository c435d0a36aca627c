using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Aggregation.Tables;

/// <summary>A key of a <see cref="HeavyHitterTable{TKey, TSlot}"/>: hashed and compared without boxing or virtual calls.</summary>
internal interface ITableKey<TKey>
    where TKey : unmanaged, ITableKey<TKey>
{
    /// <summary>A well-mixed 64-bit hash; the table takes its high bits.</summary>
    static abstract ulong Hash(in TKey key);

    static abstract bool Same(in TKey a, in TKey b);
}

/// <summary>
/// The hash mixer of every table key. Seeded once per process from a random number, so that an outsider who
/// chooses addresses and ports (a spoofed flood) cannot aim them at one run of slots: the tables take the hash's
/// high bits, and the two multiply-xorshift rounds (SplitMix64's finalizer) spread every input bit over them.
/// </summary>
internal static class TableHash
{
    private static readonly ulong Seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong x)
    {
        x ^= Seed;
        x = (x ^ (x >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>
    /// Two words chained through the seeded mixer: a fixed combination of the words before mixing would let an
    /// outsider pick pairs that combine to the same value, whatever the seed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong a, ulong b) => Mix(Mix(a) ^ b);
}

/// <summary>One IPv4 address (host order), or any other key of 32 bits (Top Protocols: protocol and service port).</summary>
internal readonly record struct Key32(uint Value) : ITableKey<Key32>
{
    public static ulong Hash(in Key32 key) => TableHash.Mix(key.Value);

    public static bool Same(in Key32 a, in Key32 b) => a.Value == b.Value;
}

/// <summary>Two IPv4 addresses (host order), the first in the high half: Top Talkers of an IPv4 network.</summary>
internal readonly record struct Key64(ulong Value) : ITableKey<Key64>
{
    public static ulong Hash(in Key64 key) => TableHash.Mix(key.Value);

    public static bool Same(in Key64 a, in Key64 b) => a.Value == b.Value;
}

/// <summary>128 bits: one IPv6 address, or an IPv4 connection (two addresses, two ports, the protocol).</summary>
internal readonly record struct Key128(ulong High, ulong Low) : ITableKey<Key128>
{
    public static ulong Hash(in Key128 key) => TableHash.Mix(key.High, key.Low);

    public static bool Same(in Key128 a, in Key128 b) => a.High == b.High && a.Low == b.Low;

    public static Key128 Of(FlowAddress address) => new(address.High, address.Low);

    public FlowAddress Address => new(High, Low);
}

/// <summary>The general key (48 bytes): IPv6 pairs and connections, custom toplists.</summary>
internal readonly record struct WideKey(ToplistKey Key) : ITableKey<WideKey>
{
    public static ulong Hash(in WideKey key)
    {
        var k = key.Key;
        var h = TableHash.Mix(TableHash.Mix(k.A.High, k.A.Low) ^ k.B.High, k.B.Low);
        return TableHash.Mix(TableHash.Mix(h ^ ((ulong)k.Port1 << 48) ^ ((ulong)k.Port2 << 32) ^ k.Protocol), ((ulong)k.Number1 << 32) | k.Number2);
    }

    public static bool Same(in WideKey a, in WideKey b) => a.Key.Equals(b.Key);
}

using System.Runtime.CompilerServices;

namespace FlowWeb.Core.Detection;

/// <summary>
/// A set of detection keys as two bits per key hash in one 64-bit word (a blocked Bloom filter): "maybe in it" or
/// "surely not", with one memory read. Each shard keeps in one the hosts that take their own slot from their first
/// record of a second, the tracked ones and those heavy the second before (see <see cref="DetectionShard"/>). 64 Kibit
/// (8 KiB): with 3,600 keys (the heavy hosts of a second of flowblast's load at 800,000 flows/s) about 1.3 % of the
/// others answer "maybe" (5.3 % with one bit a key), with 150 about 0.02 %; a "maybe" only gives a light key its own
/// slot. Heavy keys are capped (<see cref="DetectionShard"/>), so that an outsider who makes many hosts heavy cannot
/// make most light ones take slots.
/// </summary>
internal sealed class KeyFilter
{
    private const int Words = 1024;

    private readonly ulong[] _words = new ulong[Words];

    public int Count { get; private set; }

    /// <summary>Adds a key by its hash (<see cref="SecondTable.HashOf"/>): only for a filter its owner alone reads.</summary>
    public void Add(ulong hash)
    {
        _words[WordOf(hash)] |= BitsOf(hash);
        Count++;
    }

    /// <summary>Empties the filter (only for a filter its owner alone reads).</summary>
    public void Clear()
    {
        if (Count != 0)
        {
            Array.Clear(_words);
            Count = 0;
        }
    }

    /// <summary>False when the key with this hash (<see cref="SecondTable.HashOf"/>) is surely not in the set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayContain(ulong hash)
    {
        var bits = BitsOf(hash);
        return (_words[WordOf(hash)] & bits) == bits;
    }

    /// <summary><see cref="MayContain"/>, answered without a read while the filter is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayHold(ulong hash) => Count != 0 && MayContain(hash);

    // Bits 16-37 of the hash: the table's index takes the lowest; its tag and the light counts take the highest too,
    // but within one key's hash that does not matter, only that different keys' bits are independent.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WordOf(ulong hash) => (int)(hash >> 16) & (Words - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BitsOf(ulong hash) => (1UL << (int)((hash >> 26) & 63)) | (1UL << (int)((hash >> 32) & 63));
}

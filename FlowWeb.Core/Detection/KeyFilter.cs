using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace FlowWeb.Core.Detection;

/// <summary>
/// A set of detection keys as one bit per key hash (a Bloom filter with one hash function): "maybe in it" or "surely
/// not". The detector publishes the keys it tracks this way, replaced whole when they change, so that a receive thread
/// can tell with one memory read whether a destination must keep its own slot however little it receives
/// (see <see cref="DetectionShard"/>). 64 Kibit (8 KiB): with a few thousand tracked keys a few percent of the others
/// answer "maybe", which only gives them their own slot as before.
/// </summary>
internal sealed class KeyFilter
{
    private const int Bits = 1 << 16;

    public static readonly KeyFilter Empty = new([]);

    private readonly ulong[] _words = new ulong[Bits / 64];

    public KeyFilter(IEnumerable<DetectionKey> keys)
    {
        foreach (var key in keys)
        {
            Add(SecondTable.HashOf(key.Address, key.Kind));
        }
    }

    public int Count { get; private set; }

    /// <summary>Adds a key by its hash (<see cref="SecondTable.HashOf"/>): only for a filter its owner alone reads.</summary>
    public void Add(ulong hash)
    {
        var bit = BitOf(hash);
        _words[bit >> 6] |= 1UL << (bit & 63);
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
    public bool MayContain(ulong hash)
    {
        var bit = BitOf(hash);
        return (_words[bit >> 6] & (1UL << (bit & 63))) != 0;
    }

    /// <summary>Starts loading the word <see cref="MayContain"/> will read (only while the set has keys).</summary>
    public unsafe void Prefetch(ulong hash)
    {
        if (Count != 0)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref _words[BitOf(hash) >> 6]));
        }
    }

    // Bits 16-31 of the hash: the table's index takes the lowest, its tag and the light counts the highest.
    private static int BitOf(ulong hash) => (int)(hash >> 16) & (Bits - 1);
}

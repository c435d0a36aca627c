using System.Runtime.CompilerServices;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// Bytes, packets and flows per <see cref="ToplistKey"/>, for at most a given number of keys: an open-addressing
/// hash table (linear probing; it doubles at three quarters full, but stops growing at the size that holds the
/// maximum at most seven eighths full, so a full list costs no more than a dictionary would) with each key's counters in the same slot as the key. An update costs one cache miss on a
/// large table, where <see cref="Dictionary{TKey, TValue}"/> costs two (its bucket array, then its entry); with six
/// toplists per flow that is most of the collector's time (measured in the issue 3 note). Not thread-safe.
/// </summary>
internal sealed class ExactCounters
{
    internal struct Slot
    {
        public ToplistKey Key;
        public long Bytes;
        public long Packets;
        public long Flows;

        /// <summary>The key's hash with the top bit set (never 0, and the index bits untouched); 0 marks an empty slot.</summary>
        public int Hash;
    }

    private const int MinSlots = 1024;

    /// <summary>Slots kept by <see cref="Clear"/>; a larger table is dropped so a burst does not hold its memory for good.</summary>
    private const int KeptSlots = 1 << 17;

    private readonly int _maxSlots;
    private Slot[] _slots = [];
    private int _mask;
    private int _growAt;

    public ExactCounters(int maxKeys)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 1);
        _maxSlots = MinSlots;
        while ((long)_maxSlots * 7 / 8 < maxKeys)
        {
            _maxSlots *= 2;
        }

        Allocate(MinSlots);
    }

    public int Count { get; private set; }

    /// <summary>Slots allocated (for trimming after a period with very many keys).</summary>
    public int Capacity => _slots.Length;

    /// <summary>
    /// The counters of <paramref name="key"/>; a new key is inserted with zero counters only while
    /// <see cref="Count"/> &lt; <paramref name="limit"/>, otherwise a null reference is returned.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Slot Find(in ToplistKey key, int limit)
    {
        var hash = Mix(key.GetHashCode()) | int.MinValue;
        var slots = _slots;
        var i = hash & _mask;
        while (true)
        {
            ref var slot = ref slots[i];
            if (slot.Hash == hash && slot.Key.Equals(key))
            {
                return ref slot;
            }

            if (slot.Hash == 0)
            {
                break;
            }

            i = (i + 1) & _mask;
        }

        if (Count >= limit || Count >= _maxSlots / 8 * 7)
        {
            return ref Unsafe.NullRef<Slot>();
        }

        if (Count >= _growAt)
        {
            Grow();
            return ref Find(key, limit);
        }

        ref var added = ref slots[i];
        added.Key = key;
        added.Hash = hash;
        Count++;
        return ref added;
    }

    /// <summary>The longest distance of a key from its home slot (a diagnostic: a scan of the whole table).</summary>
    public int LongestProbe()
    {
        var longest = 0;
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].Hash != 0)
            {
                longest = Math.Max(longest, (i - (_slots[i].Hash & _mask)) & _mask);
            }
        }

        return longest;
    }

    /// <summary>Every slot; those with <see cref="Slot.Hash"/> 0 are empty.</summary>
    public ReadOnlySpan<Slot> Slots => _slots;

    /// <summary>Forgets every key and returns true; returns false instead when the table grew too large to keep.</summary>
    public bool Clear()
    {
        if (_slots.Length > KeptSlots)
        {
            return false;
        }

        Array.Clear(_slots);
        Count = 0;
        return true;
    }

    /// <summary>
    /// Murmur3's 32-bit finalizer. The index takes the hash's low bits, and <see cref="ToplistKey.GetHashCode"/> puts
    /// ports in its high bits only (fine for <see cref="Dictionary{TKey, TValue}"/>, which takes a prime modulus), so
    /// connections that differ by port alone would all start at a few slots and probe for ever.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Mix(int hash)
    {
        var h = (uint)hash;
        h ^= h >> 16;
        h *= 0x85EB_CA6B;
        h ^= h >> 13;
        h *= 0xC2B2_AE35;
        h ^= h >> 16;
        return (int)h;
    }

    private void Allocate(int slots)
    {
        _slots = new Slot[slots];
        _mask = slots - 1;
        _growAt = slots >= _maxSlots ? int.MaxValue : slots / 4 * 3;
    }

    private void Grow()
    {
        var old = _slots;
        Allocate(old.Length * 2);
        foreach (ref readonly var slot in old.AsSpan())
        {
            if (slot.Hash != 0)
            {
                var i = slot.Hash & _mask;
                while (_slots[i].Hash != 0)
                {
                    i = (i + 1) & _mask;
                }

                _slots[i] = slot;
            }
        }
    }
}

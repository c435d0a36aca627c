using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace FlowWeb.Core.Aggregation.Tables;

/// <summary>A slot of a <see cref="HeavyHitterTable{TKey, TSlot}"/>: a key, its counters and its insertion stamp.</summary>
internal interface ITableSlot<TKey>
    where TKey : unmanaged, ITableKey<TKey>
{
    /// <summary>1 + the purge count when the key was inserted (<see cref="HeavyHitterTable{TKey, TSlot}.Unknown"/> beyond the kept history). Whether a slot holds a key is its tag's to say, not this.</summary>
    ushort Stamp { get; }

    /// <summary>What the key counted since it was inserted: the bytes the table's guarantee is about.</summary>
    long Weight { get; }

    TKey Key { get; }

    bool Holds(in TKey key);

    /// <summary>Takes a new key with zero counters.</summary>
    void Start(in TKey key, ushort stamp);
}

/// <summary>
/// Counters per key in an open-addressing table (linear probing, the counters in the key's slot, so an update
/// is one cache miss), exact while the distinct keys fit and a weighted frequent-items sketch beyond: the
/// reverse purge of Misra-Gries / Apache DataSketches' frequent-items sketch, with lazy offsets.
/// <para>
/// When the table is full it raises the offset <c>O</c> by the median <c>q</c> of the keys' remaining counts and
/// drops every key whose count since insertion plus the offset at its insertion is at most the new offset
/// (about half of them), then moves the survivors back to their probe runs in place. A key's true bytes are then
/// at least its count since insertion and at most that count plus the offset when it was inserted (its bytes
/// before were at most that offset, or it would have been kept), and a key not in the table had at most
/// <c>O</c>: so every key above <see cref="Offset"/> is listed, and keys inserted before the first purge are exact.
/// Each purge takes <c>q</c> from at least half the keys' remaining counts, whose sum never exceeds the bytes
/// counted, so <c>O</c> ≤ 2 · total bytes / keys kept at a purge. A purge scans the table once and frees about
/// half of it, so the cost per update stays constant on average whatever the number of distinct keys.
/// </para>
/// <para>
/// Beside the slots, one byte per slot holds a tag: 0 for an empty slot, else seven bits of the key's hash. A lookup
/// walks the tags (64 to a cache line) and reads a slot only where its tag matches, so a key that is not in the table
/// (most keys of a high-cardinality load) costs one tag line instead of the whole probe run of 40- to 72-byte slots
/// (at the table's three-quarter fill, about eight slots on average).
/// </para>
/// <para>
/// From the first purge on, a new key passes an <see cref="AdmissionFilter"/> first, which knows an upper bound of
/// every absent key's bytes and refuses the key while that bound is at most the offset (a refused key is one the table
/// may leave out anyway). On a high-cardinality load most records are such keys; they then cost one line of the
/// filter instead of an insertion and a share of the next purge, and purges, which raise the offset, become rare.
/// </para>
/// Not thread-safe.
/// </summary>
internal sealed class HeavyHitterTable<TKey, TSlot>
    where TKey : unmanaged, ITableKey<TKey>
    where TSlot : unmanaged, ITableSlot<TKey>
{
    /// <summary>The stamp of keys inserted after more purges than the history keeps: their bound is the current offset.</summary>
    public const ushort Unknown = ushort.MaxValue;

    private const int MinSlots = 64;
    private const int KeptPurges = 4094;
    private const int Samples = 1024;

    private readonly int _maxSlots;
    private readonly TableBudget _budget;
    // The offset after each purge, for the stamps of the keys inserted then (the first KeptPurges purges).
    private readonly List<long> _offsets = [0];
    private long _offset;
    private SlotMemory<TSlot> _slots = null!;
    private SlotMemory<byte> _tags = null!;
    private int _shift;
    private int _mask;
    private int _fullAt;
    private ushort _stamp = 1;
    private AdmissionFilter? _filter;

    // Where a refused key's counts go (see Find): written, never read.
    private TSlot _refusedSlot;

    /// <param name="maxSlots">The most slots the table may take (a power of two); it holds up to three quarters as many keys.</param>
    /// <param name="budget">The memory shared with the other tables, asked at every doubling (none: no limit but <paramref name="maxSlots"/>).</param>
    public HeavyHitterTable(int maxSlots, TableBudget? budget = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSlots, MinSlots);
        if (!int.IsPow2(maxSlots))
        {
            throw new ArgumentException("The number of slots must be a power of two.", nameof(maxSlots));
        }

        _maxSlots = maxSlots;
        _budget = budget ?? TableBudget.Unlimited;
        Allocate(MinSlots);
    }

    /// <summary>Bytes per slot, its tag included (the table's memory is this times <see cref="SlotCount"/>).</summary>
    public static int SlotBytes => Unsafe.SizeOf<TSlot>() + 1;

    /// <summary>The most keys the table holds before it purges.</summary>
    public int MaxKeys => _maxSlots / 4 * 3;

    public int Count { get; private set; }

    public int SlotCount => _slots.Length;

    /// <summary>Bytes the table takes: its slots and tags, and its admission filter once it has one.</summary>
    public long MemoryBytes => ((long)_slots.Length * SlotBytes) + (_filter?.Bytes ?? 0);

    /// <summary>Records of keys not in the table that the admission filter counted instead of inserting them.</summary>
    public long Refused { get; private set; }

    public int Purges { get; private set; }

    /// <summary>The most bytes a key not in the table can have had; 0 while exact.</summary>
    public long Offset => _offset;

    public bool IsApproximate => Purges > 0;

    /// <summary>Whether the budget refused the table a doubling below its <c>maxSlots</c> (it purged at a smaller size).</summary>
    public bool BudgetLimited { get; private set; }

    /// <summary>
    /// The slots that hold a key. Only the tag says whether a slot is free: a purge leaves a dropped key's slot as it
    /// was (writing it would dirty half the table's lines for nothing), so read slots through this, never all of them.
    /// </summary>
    public OccupiedSlots Occupied => new(_slots.Span, _tags.Span);

    /// <summary>The occupied slots of a table, for <c>foreach (ref readonly var slot in table.Occupied)</c>.</summary>
    public readonly ref struct OccupiedSlots(ReadOnlySpan<TSlot> slots, ReadOnlySpan<byte> tags)
    {
        private readonly ReadOnlySpan<TSlot> _slots = slots;
        private readonly ReadOnlySpan<byte> _tags = tags;

        public Enumerator GetEnumerator() => new(_slots, _tags);

        public ref struct Enumerator(ReadOnlySpan<TSlot> slots, ReadOnlySpan<byte> tags)
        {
            private readonly ReadOnlySpan<TSlot> _slots = slots;
            private readonly ReadOnlySpan<byte> _tags = tags;
            private int _index = -1;

            public readonly ref readonly TSlot Current => ref _slots[_index];

            public bool MoveNext()
            {
                var next = _tags[(_index + 1)..].IndexOfAnyExcept((byte)0);
                if (next < 0)
                {
                    _index = _tags.Length;
                    return false;
                }

                _index += next + 1;
                return true;
            }
        }
    }

    /// <summary>The most bytes a key in the table had before it was inserted (0 for keys inserted before the first purge).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ErrorOf(ushort stamp) => stamp == Unknown ? _offset : _offsets[stamp - 1];

    /// <summary>
    /// Starts loading <paramref name="key"/>'s home slot into the cache without waiting for it: the toplists issue this
    /// for a record several records before they update its counters, so the misses of consecutive records overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(in TKey key)
    {
        if (Sse.IsSupported)
        {
            var hash = TKey.Hash(key);
            var i = (nint)(hash >> _shift);
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref _tags.First, i)));
            _filter?.Prefetch(hash);
            ref var slot = ref Unsafe.Add(ref _slots.First, i);
            Sse.Prefetch0(Unsafe.AsPointer(ref slot));

            // A slot of more than 32 bytes crosses into a second cache line at some positions (a 40-byte connection
            // slot at half of them, a 72-byte address slot at all): load that one too, or the update waits for it. A
            // constant test per table type.
            if (Unsafe.SizeOf<TSlot>() > 32)
            {
                Sse.Prefetch0((byte*)Unsafe.AsPointer(ref slot) + Unsafe.SizeOf<TSlot>() - 1);
            }
        }
    }

    /// <summary>
    /// The slot of <paramref name="key"/> for a record of <paramref name="weight"/> bytes, inserted with zero counters
    /// if it is new (after growing or purging the table when full). Once the table is approximate a new key passes
    /// its <see cref="AdmissionFilter"/> first: a refused key's record is counted there, and what this returns is a
    /// scratch slot nobody reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TSlot Find(in TKey key, long weight)
    {
        var hash = TKey.Hash(key);
        var tag = TagOf(hash);
        var i = (int)(hash >> _shift);
        ref var tags = ref _tags.First;
        while (true)
        {
            var found = Unsafe.Add(ref tags, i);
            if (found == tag)
            {
                ref var slot = ref Unsafe.Add(ref _slots.First, i);
                if (slot.Holds(key))
                {
                    return ref slot;
                }
            }
            else if (found == 0)
            {
                return ref Insert(key, tag, i, hash, weight);
            }

            i = (i + 1) & _mask;
        }
    }

    /// <summary>A key's tag: seven bits of its hash (not the high bits, which pick its home slot), never 0 (empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte TagOf(ulong hash) => (byte)(hash | 0x80);

    private ref TSlot Insert(in TKey key, byte tag, int empty, ulong hash, long weight)
    {
        if (_filter is { } filter && !filter.Admits(hash, weight, _offset))
        {
            Refused++;
            return ref _refusedSlot;
        }

        if (Count < _fullAt)
        {
            return ref Place(key, tag, empty);
        }

        if (_slots.Length >= _maxSlots || !TryResize(_slots.Length * 2))
        {
            Purge();
        }

        // The key is still absent after a resize or purge, and the filter admitted it already: its run's first free slot.
        var i = (int)(hash >> _shift);
        while (Unsafe.Add(ref _tags.First, i) != 0)
        {
            i = (i + 1) & _mask;
        }

        return ref Place(key, tag, i);
    }

    /// <summary>Starts <paramref name="key"/> in the free slot <paramref name="index"/>.</summary>
    private ref TSlot Place(in TKey key, byte tag, int index)
    {
        ref var slot = ref Unsafe.Add(ref _slots.First, index);
        slot.Start(key, _stamp);
        Unsafe.Add(ref _tags.First, index) = tag;
        Count++;
        return ref slot;
    }

    /// <summary>The longest distance of a key from its home slot (a diagnostic: a scan of the whole table).</summary>
    public int LongestProbe()
    {
        var longest = 0;
        var slots = _slots.Span;
        var tags = _tags.Span;
        for (var i = 0; i < slots.Length; i++)
        {
            if (tags[i] != 0)
            {
                longest = Math.Max(longest, (i - (int)(TKey.Hash(slots[i].Key) >> _shift)) & _mask);
            }
        }

        return longest;
    }

    /// <summary>Forgets every key and the offsets (a new period), keeping the slots unless they grew past <paramref name="keepSlots"/>.</summary>
    public void Clear(int keepSlots)
    {
        if (_slots.Length > keepSlots)
        {
            _slots.Dispose();
            _tags.Dispose();
            Allocate(MinSlots);
        }
        else
        {
            _slots.Clear();
            _tags.Clear();
        }

        _filter?.Dispose();
        _filter = null;
        Count = 0;
        Purges = 0;
        Refused = 0;
        BudgetLimited = false;
        _offset = 0;
        _offsets.Clear();
        _offsets.Add(0);
        _stamp = 1;
    }

    /// <summary>
    /// Raises the offset by the median remaining count (from a sample) and drops every key that no longer exceeds
    /// it; repeats in the rare case a skewed sample freed less than a quarter of the table.
    /// </summary>
    private void Purge()
    {
        // The filter starts with the first purge and counts from its first drop: a key it refuses must have had at most
        // the offset, so it has to know what every key not in the table had (see AdmissionFilter). If the budget refuses
        // its memory, the table goes on without one.
        if (Purges == 0)
        {
            _filter = AdmissionFilter.TryCreate(_slots.Length, _budget);
        }

        do
        {
            var before = _offset;
            _offset += Math.Max(1, MedianRemaining(before));
            Purges++;
            RemoveWhere(_offset, before);
            if (_offsets.Count < KeptPurges)
            {
                _offsets.Add(_offset);
                _stamp = (ushort)_offsets.Count;
            }
            else
            {
                _stamp = Unknown;
            }
        }
        while (Count > _fullAt / 4 * 3);
    }

    /// <summary>The median of the remaining counts (count since insertion + offset at insertion − offset) of up to <see cref="Samples"/> keys spread over the table.</summary>
    private long MedianRemaining(long offset)
    {
        Span<long> sample = stackalloc long[Samples];
        var n = 0;
        var slots = _slots.Span;
        var tags = _tags.Span;
        var step = Math.Max(1, slots.Length / Samples / 2);
        for (var i = 0; i < slots.Length && n < Samples; i += step)
        {
            ref readonly var slot = ref slots[i];
            if (tags[i] != 0)
            {
                sample[n++] = slot.Weight + ErrorOf(slot.Stamp) - offset;
            }
        }

        if (n == 0)
        {
            return 1;
        }

        sample = sample[..n];
        sample.Sort();
        return sample[n / 2];
    }

    /// <summary>
    /// Drops every key whose count since insertion plus its offset at insertion is at most <paramref name="offset"/>,
    /// and moves each survivor to the first free slot of its probe run. Walking once round the table from a slot that
    /// was empty before (no probe run crosses it), each survivor's run from its home slot lies in the part already
    /// walked, so the move never passes a slot still to be visited. A survivor whose run reaches its own slot before a
    /// free one stays where it is (most do): its slot is read, not copied or written. A dropped key's slot is not
    /// written either: its tag frees it (see <see cref="Occupied"/>).
    /// </summary>
    /// <param name="unknownAt">The offset to assume at insertion for keys stamped <see cref="Unknown"/> (the offset before this purge, at least theirs).</param>
    private void RemoveWhere(long offset, long unknownAt)
    {
        var slots = _slots.Span;
        var tags = _tags.Span;
        var start = 0;
        while (tags[start] != 0)
        {
            start++;
        }

        for (var n = 1; n <= slots.Length; n++)
        {
            var i = (start + n) & _mask;
            var tag = tags[i];
            if (tag == 0)
            {
                continue;
            }

            ref var slot = ref slots[i];
            if (slot.Weight + (slot.Stamp == Unknown ? unknownAt : _offsets[slot.Stamp - 1]) <= offset)
            {
                _filter?.Add(TKey.Hash(slot.Key), slot.Weight);
                tags[i] = 0;
                Count--;
                continue;
            }

            // The first free slot of its run, unless the run reaches the survivor's own slot first.
            var j = (int)(TKey.Hash(slot.Key) >> _shift);
            while (j != i && tags[j] != 0)
            {
                j = (j + 1) & _mask;
            }

            if (j != i)
            {
                slots[j] = slot;
                tags[j] = tag;
                tags[i] = 0;
            }
        }
    }

    /// <summary>Moves the keys to a table of <paramref name="slotCount"/> slots, if the budget gives the memory.</summary>
    private bool TryResize(int slotCount)
    {
        var (oldSlots, oldTags) = (_slots, _tags);
        if (!TryAllocate(slotCount))
        {
            BudgetLimited = true;
            return false;
        }

        var slots = _slots.Span;
        var tags = _tags.Span;
        var previousTags = oldTags.Span;
        var i = 0;
        foreach (ref readonly var slot in oldSlots.Span)
        {
            if (previousTags[i++] != 0)
            {
                var hash = TKey.Hash(slot.Key);
                var j = (int)(hash >> _shift);
                while (tags[j] != 0)
                {
                    j = (j + 1) & _mask;
                }

                slots[j] = slot;
                tags[j] = TagOf(hash);
            }
        }

        oldSlots.Dispose();
        oldTags.Dispose();
        return true;
    }

    /// <summary>Gives the table's memory back, leaving it empty at its smallest (a closed period's table once history has it).</summary>
    public void Release() => Clear(keepSlots: 0);

    private void Allocate(int slotCount)
    {
        if (!TryAllocate(slotCount))
        {
            throw new InvalidOperationException("A table's floor is never refused.");
        }
    }

    /// <summary>Takes empty slots and tags from the budget (both or neither) and uses them; false when refused.</summary>
    private bool TryAllocate(int slotCount)
    {
        if (SlotMemory<TSlot>.TryAllocate(slotCount, _budget) is not { } slots)
        {
            return false;
        }

        if (SlotMemory<byte>.TryAllocate(slotCount, _budget) is not { } tags)
        {
            slots.Dispose();
            return false;
        }

        _slots = slots;
        _tags = tags;
        _mask = slotCount - 1;
        _shift = 64 - int.Log2(slotCount);
        _fullAt = slotCount / 4 * 3;
        return true;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using FlowWeb.Core.Aggregation.Tables;
using FlowWeb.Core.Detection.Evidence;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Detection;

/// <summary>
/// The amounts one receive thread counted in one second, by key (destination host, protected source; the detector
/// adds the destination prefixes on its tick), in an open-addressing table written by that thread only. It starts small and doubles up to
/// <see cref="DetectionConfig.MaxKeysPerSecond"/>; beyond three quarters of that, new keys are dropped and counted.
/// A table is handed to the detector when its second ends and comes back cleared for reuse (shrunk when it grew
/// for a burst).
/// </summary>
internal sealed partial class SecondTable
{
    public const int InitialCapacity = 1024;

    /// <summary>
    /// In native memory on huge pages from 2 MiB (<see cref="SlotMemory{T}"/>, as the toplists): a second of a
    /// high-cardinality load holds ten thousand keys or more, 10 MB of slots, and the few hundred hot ones (the busy
    /// prefixes every other record adds to) sat on as many 4 KiB pages, a TLB miss and a two-level page walk in a VM
    /// for most records.
    /// </summary>
    private SlotMemory<KeySlot> _slots;

    /// <summary>Per slot, 32 bits of its key's hash (never 0; 0 = free): probing scans these, 16 to a cache line, not the slots.</summary>
    private uint[] _tags;
    private int[] _used;
    private int _mask;
    private const int QuietResetsBeforeShrink = 30;
    private int _quietResets;
    private KeySlot _discard;
    private EvidenceSecond?[] _evidence = [];
    private readonly List<EvidenceSecond> _evidencePool = [];
    private int _evidenceUsed;

    /// <summary>
    /// <see cref="AddLight"/>'s counts: 2,048 cache lines of 16 floats, 128 KiB. A key's two counters are in one line (one
    /// in each half, so 16,384 buckets per row as before), so a record costs one cache line where two rows cost two.
    /// </summary>
    public const int LightLines = 2048;

    private const int LightLineFloats = 16;

    /// <summary>Pinned (it never moves), so that <see cref="_lightStart"/> keeps its lines on the CPU's 64-byte lines.</summary>
    private readonly float[] _light = GC.AllocateArray<float>((LightLines + 1) * LightLineFloats, pinned: true);
    private readonly int _lightStart;
    private bool _lightUsed;

    public SecondTable(int capacity = InitialCapacity)
    {
        capacity = (int)Math.Max(InitialCapacity, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity));
        _slots = AllocateSlots(capacity);
        _tags = new uint[capacity];
        _used = new int[capacity];
        _mask = capacity - 1;
        unsafe
        {
            _lightStart = (int)((64 - ((nint)Unsafe.AsPointer(ref _light[0]) & 63)) & 63) / sizeof(float);
        }
    }

    public long Second { get; set; }

    public int Count { get; private set; }

    public int Capacity => _mask + 1;

    /// <summary>New keys refused this second because the table was at its cap.</summary>
    public long Dropped { get; private set; }

    /// <summary>Light long records not counted for their destination this second: the sampled ones stand for them (see <see cref="DetectionShard.EstimateBelow"/>).</summary>
    public long RecordsEstimated { get; set; }

    /// <summary>The longest record seen this second, in milliseconds (the exporter's active timeout shows here).</summary>
    public long LongestRecordMs { get; set; }

    public int EvidenceCount => _evidenceUsed;

    private WatchTable? _watch;

    /// <summary>Changes when the watch does; a slot's <see cref="KeySlot.WatchIndex"/> is current while its stamp is this (never 0, a cleared slot's).</summary>
    public int WatchStamp { get; private set; } = 1;

    /// <summary>Notes the watch in force (a new one invalidates every slot's cached index).</summary>
    public void NoteWatch(WatchTable watch)
    {
        if (!ReferenceEquals(watch, _watch))
        {
            _watch = watch;
            WatchStamp = WatchStamp == int.MaxValue ? 1 : WatchStamp + 1;
        }
    }

    public ref KeySlot Get(FlowAddress address, KeyKind kind, int maxCapacity) => ref Get(HashOf(address, kind), address, kind, maxCapacity);

    /// <summary><see cref="Get(FlowAddress, KeyKind, int)"/> with the key's <see cref="HashOf"/> already at hand.</summary>
    public ref KeySlot Get(ulong hash, FlowAddress address, KeyKind kind, int maxCapacity)
    {
        var index = Probe(hash, address, kind);
        if (_tags[index] != 0)
        {
            return ref Slot(index);
        }

        if (Count >= (Capacity >> 1))
        {
            if (Capacity < maxCapacity)
            {
                Grow();
                return ref Get(hash, address, kind, maxCapacity);
            }

            if (Count >= Capacity - (Capacity >> 2))
            {
                Dropped++;
                _discard = default;
                return ref _discard;
            }
        }

        _tags[index] = TagOf(hash);
        ref var added = ref Slot(index);
        added.Kind = kind;
        added.Address = address;
        _used[Count++] = index;
        return ref added;
    }

    /// <summary>
    /// The key's slot if it has one this second, else a null reference (test with <see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>).
    /// Inline for the two cases of most keys (the table is at most half full): its home position free, or its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref KeySlot Find(ulong hash, FlowAddress address, KeyKind kind)
    {
        var index = (int)hash & _mask;
        var tag = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_tags), index);
        if (tag == 0)
        {
            return ref Unsafe.NullRef<KeySlot>();
        }

        ref var home = ref Slot(index);
        if (tag == TagOf(hash) && home.Kind == kind && home.Address == address)
        {
            return ref home;
        }

        return ref FindFurther(hash, address, kind);
    }

    /// <summary><see cref="Find"/> past the key's home position.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref KeySlot FindFurther(ulong hash, FlowAddress address, KeyKind kind)
    {
        var index = Probe(hash, address, kind);
        return ref _tags[index] != 0 ? ref Slot(index) : ref Unsafe.NullRef<KeySlot>();
    }

    /// <summary>The key's position: its slot's, or the free one where it would go (the table is never full).</summary>
    private int Probe(ulong hash, FlowAddress address, KeyKind kind)
    {
        var index = (int)hash & _mask;
        var tag = TagOf(hash);
        while (true)
        {
            var t = _tags[index];
            if (t == 0)
            {
                return index;
            }

            if (t == tag)
            {
                ref var slot = ref Slot(index);
                if (slot.Kind == kind && slot.Address == address)
                {
                    return index;
                }
            }

            index = (index + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong HashOf(FlowAddress address, KeyKind kind) => AddressHash.Of(address) ^ ((ulong)kind * 0x9E37_79B9UL);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint TagOf(ulong hash) => (uint)(hash >> 32) | 1;

    /// <summary>
    /// Adds a record's weight (its share of a flow-sized floor, <see cref="DetectionConfig.FlowFloors"/>) to what keys
    /// with this hash received this second, and returns the key's total so far: a count-min sketch of two rows, which
    /// never reads less than the key's own total (other keys sharing both of its buckets can only add). The rows are
    /// blocked (Putze et al.'s cache-line blocking, as for Bloom filters): the hash picks a line, then a bucket in each
    /// half of it. Each bucket still shares its load with 1/16,384 of the keys; two keys share both buckets more often
    /// (1 in 131,072 rather than 1 in 2^28), which only gives a light key its own slot now and then.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float AddLight(ulong hash, float weight)
    {
        _lightUsed = true;
        ref var line = ref _light[_lightStart + ((int)(hash >> 53) * LightLineFloats)];
        ref var a = ref Unsafe.Add(ref line, (int)(hash >> 36) & 7);
        ref var b = ref Unsafe.Add(ref line, 8 + ((int)(hash >> 39) & 7));
        // The sums kept in registers and the processor's minimum: which of a key's two buckets is lower is a coin toss, and
        // a comparison's branch mispredicted on about half the calls (with reloads of both stores before it). In memory at
        // 2.5 M records per simulated second, `bench send`'s load: 87-88 ns a record before, 72-76 after.
        var sumA = a + weight;
        var sumB = b + weight;
        a = sumA;
        b = sumB;
        return float.MinNative(sumA, sumB);
    }

    /// <summary>Starts loading the line of the tag at the key's home position (see <see cref="DetectionShard"/>'s pipeline).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void PrefetchTag(ulong hash) => Sse.Prefetch0(Unsafe.AsPointer(ref _tags[(int)hash & _mask]));

    /// <summary>Starts loading the line of the key's light counts (<see cref="AddLight"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void PrefetchLight(ulong hash) => Sse.Prefetch0(Unsafe.AsPointer(ref _light[_lightStart + ((int)(hash >> 53) * LightLineFloats)]));

    /// <summary>
    /// Whether the tag at the key's home position is the key's: then the key almost surely has its slot there (another
    /// key at the same position has the same tag about once in two billion).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool HomeTagIs(ulong hash) => _tags[(int)hash & _mask] == TagOf(hash);

    /// <summary>
    /// Starts loading the slot a key with this hash has when it is at its home position (most keys are: the table is
    /// at most half full): the lines a record updates (see <see cref="KeySlot"/>'s layout), the key's, its peers' and,
    /// for a <paramref name="held"/> record, its held rates', else its other instant counts'.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void PrefetchSlot(ulong hash, bool held)
    {
        var slot = (byte*)Unsafe.AsPointer(ref Slot((int)hash & _mask));
        Sse.Prefetch0(slot);
        Sse.Prefetch0(slot + 128);
        Sse.Prefetch0(slot + (held ? 192 : 64));
    }

    public int UsedIndex(int n) => _used[n];

    public DetectionKey KeyAt(int index) => new(Slot(index).Address, Slot(index).Kind);

    public ref KeySlot SlotAt(int index) => ref Slot(index);

    /// <summary>Unchecked: every index here is masked by the capacity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref KeySlot Slot(int index) => ref Unsafe.Add(ref _slots.First, index);

    /// <summary>
    /// What every detector's second tables hold in slots (a budget of their own, without a limit: their size is bounded by
    /// <see cref="DetectionConfig.MaxKeysPerSecond"/>, and the toplists' fallback budget must not count them).
    /// </summary>
    internal static TableBudget SlotBudget { get; } = new(long.MaxValue);

    private static SlotMemory<KeySlot> AllocateSlots(int capacity) => SlotMemory<KeySlot>.TryAllocate(capacity, SlotBudget)!;

    /// <summary>The evidence for the watched key with this index, started on first use.</summary>
    public EvidenceSecond Evidence(int watchIndex, DetectionKey key)
    {
        if (watchIndex >= _evidence.Length)
        {
            Array.Resize(ref _evidence, Math.Max(watchIndex + 1, _evidence.Length * 2));
        }

        if (_evidence[watchIndex] is { } existing && existing.Key == key)
        {
            return existing;
        }

        if (_evidenceUsed == _evidencePool.Count)
        {
            _evidencePool.Add(new EvidenceSecond());
        }

        var evidence = _evidencePool[_evidenceUsed++];
        evidence.Reset(key);
        _evidence[watchIndex] = evidence;
        return evidence;
    }

    public EvidenceSecond EvidenceAt(int n) => _evidencePool[n];

    /// <summary>Adds another thread's table for the same second.</summary>
    public void MergeFrom(SecondTable other, int maxCapacity)
    {
        for (var n = 0; n < other.Count; n++)
        {
            ref var slot = ref other.Slot(other._used[n]);
            Get(slot.Address, slot.Kind, maxCapacity).Merge(slot);
        }

        Dropped += other.Dropped;
        LongestRecordMs = Math.Max(LongestRecordMs, other.LongestRecordMs);
        MergeFlowsFrom(other);
    }

    /// <summary>
    /// Sums the destination hosts into their /24 or /64 (carpet bombing), once per host and second on the tick rather
    /// than per record on the receive thread. Call once, on the merged table of a second.
    /// </summary>
    public void AddPrefixes(DetectionConfig config)
    {
        var hosts = Count;
        for (var n = 0; n < hosts; n++)
        {
            var index = _used[n];
            if (Slot(index).Kind != KeyKind.IncomingHost)
            {
                continue;
            }

            var address = Slot(index).Address;
            ref var prefix = ref Get(config.CarpetNetworkOf(address), KeyKind.IncomingPrefix, config.MaxKeysPerSecond);

            // Get may have grown the table: the host's slot is read again by its (stable) position in the used list.
            prefix.MergeHost(Slot(_used[n]), address);
        }
    }

    /// <summary>Empties the table for reuse; one that grew for a burst and is now mostly idle gives memory back.</summary>
    public void Reset(long second)
    {
        // Shrink only after a while under an eighth, so a sensor that is busy every other second does not reallocate.
        _quietResets = Capacity > InitialCapacity && Count < Capacity >> 3 ? _quietResets + 1 : 0;
        if (_quietResets >= QuietResetsBeforeShrink)
        {
            _quietResets = 0;
            Reallocate(Capacity >> 1).Dispose();
        }

        for (var n = 0; n < Count; n++)
        {
            Slot(_used[n]) = default;
            _tags[_used[n]] = 0;
        }

        if (_lightUsed)
        {
            Array.Clear(_light);
            _lightUsed = false;
        }

        Array.Clear(_evidence);
        _evidenceUsed = 0;
        ClearFlows();
        Count = 0;
        Dropped = 0;
        RecordsEstimated = 0;
        LongestRecordMs = 0;
        Second = second;
    }

    private void Grow()
    {
        var oldUsed = _used;
        var count = Count;
        var oldSlots = Reallocate(Capacity * 2);
        for (var n = 0; n < count; n++)
        {
            ref var from = ref Unsafe.Add(ref oldSlots.First, oldUsed[n]);
            var hash = HashOf(from.Address, from.Kind);
            var index = (int)hash & _mask;
            while (_tags[index] != 0)
            {
                index = (index + 1) & _mask;
            }

            _tags[index] = TagOf(hash);
            Slot(index) = from;
            _used[Count++] = index;
        }

        oldSlots.Dispose();
    }

    /// <summary>New empty arrays; returns the old slots, for the caller to copy from and free.</summary>
    private SlotMemory<KeySlot> Reallocate(int capacity)
    {
        var old = _slots;
        _slots = AllocateSlots(capacity);

        _tags = new uint[capacity];
        _used = new int[capacity];
        _mask = capacity - 1;
        Count = 0;
        return old;
    }
}

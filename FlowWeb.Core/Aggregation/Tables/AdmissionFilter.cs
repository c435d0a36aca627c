using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace FlowWeb.Core.Aggregation.Tables;

/// <summary>
/// The gate in front of an approximate <see cref="HeavyHitterTable{TKey, TSlot}"/>: a count-min sketch of the bytes of
/// every key while it is not in the table (the records it refused, and each dropped key's count when a purge drops it),
/// so that a new key is inserted only once those bytes could exceed the table's offset. A key refused here has had at
/// most the offset (the sketch never reads less than a key's bytes), which is what the table already promises of every
/// key it does not list; so the gate keeps the table's guarantee as it is and spares it the keys that would only be
/// dropped again at the next purge: on a high-cardinality load (an ISP edge, a spoofed-source flood) nearly every
/// record is such a key, and a refusal is one cache line of counters instead of an insertion and its share of a purge.
/// <para>
/// Two rows of 32-bit counters in 16-byte units (rounded up, so a count never reads low), blocked as the detection's
/// light counts are: the hash picks a 64-byte line, then a counter in each half. Updates are conservative (a counter
/// is raised only to the key's new estimate). A counter never exceeds <see cref="uint.MaxValue"/> units (64 GiB): a
/// key whose estimate would is admitted instead, so no counter ever saturates below a key's bytes.
/// </para>
/// Not thread-safe; lives as long as its table's period.
/// </summary>
internal sealed class AdmissionFilter : IDisposable
{
    private const int UnitShift = 4;
    private const int LineCounters = 16;
    private const int HalfLine = LineCounters / 2;

    private readonly SlotMemory<uint> _counters;
    private readonly int _lineShift;

    private AdmissionFilter(SlotMemory<uint> counters)
    {
        _counters = counters;
        _lineShift = 64 - int.Log2(counters.Length / LineCounters);
    }

    /// <summary>A filter of <paramref name="counters"/> counters (a power of two, at least 64: 4 bytes each) from the budget; null when it refuses.</summary>
    public static AdmissionFilter? TryCreate(int counters, TableBudget budget) =>
        SlotMemory<uint>.TryAllocate(Math.Max(counters, 4 * LineCounters), budget) is { } memory ? new AdmissionFilter(memory) : null;

    public long Bytes => (long)_counters.Length * sizeof(uint);

    /// <summary>
    /// Whether a key not in the table, with <paramref name="weight"/> more bytes, could now have more than
    /// <paramref name="offset"/>: true admits it (nothing is counted here, its bytes go to its new slot); false counts
    /// the bytes here and refuses it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Admits(ulong hash, long weight, long offset)
    {
        ref var line = ref Line(hash, out var i, out var j);
        ref var a = ref Unsafe.Add(ref line, i);
        ref var b = ref Unsafe.Add(ref line, j);
        var target = Math.Min(a, b) + Units(weight);
        if (target > uint.MaxValue || (long)(target << UnitShift) > offset)
        {
            return true;
        }

        // Conservative update: each counter only up to the key's new estimate.
        a = Math.Max(a, (uint)target);
        b = Math.Max(b, (uint)target);
        return false;
    }

    /// <summary>Starts loading the key's line of counters (with the table's own prefetch, a record's lookups ahead).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(ulong hash)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref Line(hash, out _, out _)));
        }
    }

    /// <summary>Counts the bytes of a key the table dropped (its count since insertion).</summary>
    public void Add(ulong hash, long weight)
    {
        ref var line = ref Line(hash, out var i, out var j);
        ref var a = ref Unsafe.Add(ref line, i);
        ref var b = ref Unsafe.Add(ref line, j);
        var target = (uint)Math.Min(Math.Min(a, b) + Units(weight), uint.MaxValue);
        a = Math.Max(a, target);
        b = Math.Max(b, target);
    }

    /// <summary>The key's line of counters, and its counter in each half of it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref uint Line(ulong hash, out int i, out int j)
    {
        // Remixed: the table takes its home slot from the hash's high bits and its tag from the low ones.
        var h = hash * 0x9E37_79B9_7F4A_7C15UL;
        i = (int)(h & (HalfLine - 1));
        j = HalfLine + (int)((h >> 3) & (HalfLine - 1));
        return ref Unsafe.Add(ref _counters.First, (nint)(h >> _lineShift) * LineCounters);
    }

    private static ulong Units(long weight) => ((ulong)Math.Max(weight, 0) + (1UL << UnitShift) - 1) >> UnitShift;

    public void Dispose() => _counters.Dispose();
}

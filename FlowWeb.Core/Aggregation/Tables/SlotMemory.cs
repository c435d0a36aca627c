using System.Runtime.InteropServices;

namespace FlowWeb.Core.Aggregation.Tables;

/// <summary>
/// The slots of a <see cref="HeavyHitterTable{TKey, TSlot}"/> in native memory, zeroed, on huge pages where Linux
/// gives them. A toplist at capacity is 10-20 MB touched at random, one slot per record: with 4 KiB pages nearly every
/// update also misses the TLB, and in a virtual machine a TLB miss is a two-level page walk. Tables of 2 MiB or more
/// are therefore aligned to 2 MiB and advised <c>MADV_HUGEPAGE</c> before they are first touched, so one TLB entry
/// covers 2 MiB (measured with <c>bench toplists</c>, notes of issue 10). Where the advice is refused (another OS,
/// transparent huge pages off) the table works the same on small pages.
/// <para>
/// The owning table frees what it replaces with <see cref="Dispose"/>; a table dropped with its sensor leaves its
/// memory to the finalizer (tables live as long as their sensor, so no owner up the chain needs to be disposable).
/// </para>
/// </summary>
internal sealed unsafe class SlotMemory<T> : IDisposable
    where T : unmanaged
{
    private T* _first;
    private readonly long _bytes;
    private readonly TableBudget _budget;

    private SlotMemory(int length, TableBudget budget)
    {
        Length = length;
        _budget = budget;
        var bytes = (nuint)length * (nuint)sizeof(T);
        _bytes = (long)bytes;
        var huge = bytes >= HugePages.Size && OperatingSystem.IsLinux();
        _first = (T*)NativeMemory.AlignedAlloc(bytes, huge ? HugePages.Size : 64);
        if (huge)
        {
            HugePages.Advise((nint)_first, bytes);
        }

        NativeMemory.Clear(_first, bytes);
        GC.AddMemoryPressure(_bytes);
    }

    ~SlotMemory() => Free();

    /// <summary>Zeroed slots taken from <paramref name="budget"/>, or null when the budget refuses them.</summary>
    public static SlotMemory<T>? TryAllocate(int length, TableBudget budget)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentNullException.ThrowIfNull(budget);
        return budget.TryTake(length, (long)length * sizeof(T)) ? new SlotMemory<T>(length, budget) : null;
    }

    public int Length { get; }

    public ref T First => ref *_first;

    public Span<T> Span => new(_first, Length);

    public void Clear() => NativeMemory.Clear(_first, (nuint)_bytes);

    /// <summary>Frees the slots now (the finalizer then has nothing left to do, so it is not run).</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_first != null)
        {
            NativeMemory.AlignedFree(_first);
            _first = null;
            GC.RemoveMemoryPressure(_bytes);
            _budget.Give(_bytes);
        }
    }
}

/// <summary>Linux transparent huge pages for a native range (P/Invoke cannot live in the generic <see cref="SlotMemory{T}"/>).</summary>
internal static partial class HugePages
{
    public const nuint Size = 2 * 1024 * 1024;
    private const int MadvHugePage = 14;

    /// <summary>Advice only: a refusal (transparent huge pages off) leaves small pages, as a managed array has.</summary>
    public static void Advise(nint address, nuint length) => _ = MAdvise(address, length, MadvHugePage);

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int MAdvise(nint address, nuint length, int advice);
}

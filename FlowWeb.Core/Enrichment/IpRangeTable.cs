using System.Runtime.CompilerServices;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Enrichment;

/// <summary>
/// A MaxMind database's networks flattened into sorted, non-overlapping address ranges, each with a 32-bit value
/// (an AS number, or a packed country code): the form the per-record path looks up in. IPv4 has an index by the
/// first 16 bits, so a lookup is a binary search over the few ranges of one /16 (a handful of compares over a
/// contiguous array) instead of a walk of the database's bit trie with a decode of its data at the end. IPv6 is a
/// plain binary search (flows are mostly IPv4, and an IPv6 table is a fraction of the size). Immutable once built.
/// </summary>
public sealed class IpRangeTable
{
    private readonly uint[] _v4Start;
    private readonly uint[] _v4End;
    private readonly uint[] _v4Value;

    // _v4Index[p] is the first range that ends at or after p << 16; ranges of /16 p lie in [_v4Index[p], _v4Index[p + 1]].
    private readonly int[] _v4Index;
    private readonly UInt128[] _v6Start;
    private readonly UInt128[] _v6End;
    private readonly uint[] _v6Value;

    private IpRangeTable(List<(uint Start, uint End, uint Value)> v4, List<(UInt128 Start, UInt128 End, uint Value)> v6)
    {
        _v4Start = [.. v4.Select(r => r.Start)];
        _v4End = [.. v4.Select(r => r.End)];
        _v4Value = [.. v4.Select(r => r.Value)];
        _v6Start = [.. v6.Select(r => r.Start)];
        _v6End = [.. v6.Select(r => r.End)];
        _v6Value = [.. v6.Select(r => r.Value)];
        _v4Index = new int[65_537];
        var i = 0;
        for (var p = 0; p <= 65_536; p++)
        {
            var first = (ulong)p << 16;
            while (i < _v4End.Length && _v4End[i] < first)
            {
                i++;
            }

            _v4Index[p] = i;
        }
    }

    public static IpRangeTable Empty { get; } = new([], []);

    /// <summary>Ranges held (IPv4 and IPv6).</summary>
    public int Count => _v4Start.Length + _v6Start.Length;

    /// <summary>Bytes the arrays take (what the feature costs in memory).</summary>
    public long MemoryBytes => (_v4Start.Length * 12L) + (_v6Start.Length * 36L) + (_v4Index.Length * 4L);

    /// <summary>
    /// Builds the table from networks in any order. A range that overlaps one starting before it is dropped (a
    /// database reaches its IPv4 part under both ::/96 and ::ffff:0:0/96, which flatten to the same ranges); ranges
    /// with value 0 are left out (0 means "not known" to every caller).
    /// </summary>
    public static IpRangeTable Build(IEnumerable<(UInt128 Start, UInt128 End, uint Value)> networks)
    {
        ArgumentNullException.ThrowIfNull(networks);
        var v4 = new List<(uint Start, uint End, uint Value)>();
        var v6 = new List<(UInt128 Start, UInt128 End, uint Value)>();
        foreach (var (start, end, value) in networks)
        {
            if (value == 0)
            {
                continue;
            }

            if (IsMappedIPv4(start) && IsMappedIPv4(end))
            {
                v4.Add(((uint)start, (uint)end, value));
            }
            else
            {
                v6.Add((start, end, value));
            }
        }

        return new IpRangeTable(Disjoint(v4), Disjoint(v6));
    }

    /// <summary>The value of the range holding <paramref name="address"/>; 0 when none does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Find(in FlowAddress address) => address.IsIPv4 ? FindV4(address.IPv4Value) : FindV6(new UInt128(address.High, address.Low));

    private uint FindV4(uint a)
    {
        var p = (int)(a >> 16);
        int lo = _v4Index[p], hi = Math.Min(_v4Index[p + 1], _v4Start.Length - 1);

        // The first range in [lo, hi] whose end is at or after a; it holds a if it also starts at or before a.
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (_v4End[mid] < a)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return (uint)lo < (uint)_v4Start.Length && _v4Start[lo] <= a && a <= _v4End[lo] ? _v4Value[lo] : 0;
    }

    private uint FindV6(UInt128 a)
    {
        int lo = 0, hi = _v6Start.Length - 1;
        while (lo <= hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (_v6End[mid] < a)
            {
                lo = mid + 1;
            }
            else if (_v6Start[mid] > a)
            {
                hi = mid - 1;
            }
            else
            {
                return _v6Value[mid];
            }
        }

        return 0;
    }

    /// <summary>An IPv4 address as FlowAddress keeps it (::ffff:a.b.c.d) and as a database's IPv4 part is reached (::a.b.c.d).</summary>
    public static bool IsMappedIPv4(UInt128 address) => (address >> 32) == UInt128.Zero || (address >> 32) == 0xFFFF;

    /// <summary>Sorts by start and drops any range that overlaps one kept before it, so binary search is sound.</summary>
    private static List<(T Start, T End, uint Value)> Disjoint<T>(List<(T Start, T End, uint Value)> ranges)
        where T : IComparable<T>
    {
        ranges.Sort((x, y) => x.Start.CompareTo(y.Start));
        var kept = new List<(T Start, T End, uint Value)>(ranges.Count);
        foreach (var r in ranges)
        {
            if (kept.Count > 0 && r.Start.CompareTo(kept[^1].End) <= 0)
            {
                continue;
            }

            kept.Add(r);
        }

        return kept;
    }
}

using System.Numerics;

namespace FlowWeb.Core.Rules;

/// <summary>An inclusive range of 128-bit values (an address, or an address masked by its group's mask).</summary>
internal readonly record struct AddressInterval(UInt128 First, UInt128 Last);

/// <summary>
/// The intervals of one mask, sorted and disjoint, <c>Count</c> entries from <c>Start</c> in the program's interval
/// table: an address matches when <c>address &amp; Mask</c> lies in one of them. Every pattern whose mask is a prefix
/// (exact addresses, ranges, CIDR prefixes, trailing wildcards) is turned into a plain interval under the full mask,
/// so nearly every condition has one group whatever the number of values; only masks with holes (<c>*.*.*.1</c>,
/// <c>10.0.0.0/255.0.255.0</c>) need a group of their own.
/// </summary>
internal readonly record struct AddressGroup(UInt128 Mask, int Start, int Count);

/// <summary>
/// Turns a condition's list of values into sorted, merged interval tables, so that testing a value costs a binary
/// search (about log2(n) comparisons) instead of one comparison per value, and states that cost.
/// </summary>
internal static class FilterValueSets
{
    /// <summary>Up to this many ranges a linear scan beats a binary search (and the cost counts each one).</summary>
    public const int LinearScanMax = 8;

    /// <summary>Sorts and merges overlapping or adjacent ranges.</summary>
    public static List<NumberRange> Normalize(IEnumerable<NumberRange> ranges)
    {
        var sorted = ranges.OrderBy(r => r.First).ToList();
        var merged = new List<NumberRange>(sorted.Count);
        foreach (var range in sorted)
        {
            if (merged.Count > 0 && (merged[^1].Last == ulong.MaxValue || range.First <= merged[^1].Last + 1))
            {
                var last = merged[^1];
                merged[^1] = last with { Last = Math.Max(last.Last, range.Last) };
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }

    /// <summary>Groups patterns by mask (prefix masks all under the full mask), each group's intervals sorted and merged.</summary>
    public static List<(UInt128 Mask, List<AddressInterval> Intervals)> Group(IEnumerable<AddressPattern> patterns)
    {
        var groups = new Dictionary<UInt128, List<AddressInterval>>();
        foreach (var p in patterns)
        {
            var mask = new UInt128(p.MaskHigh, p.MaskLow);
            var first = new UInt128(p.FirstHigh, p.FirstLow);
            var last = new UInt128(p.LastHigh, p.LastLow);
            if (IsPrefixMask(mask))
            {
                // address & mask in [first, last] with a prefix mask: every address from first up to last with the
                // host bits set. The parser leaves the host bits of first and last zero.
                (first, last, mask) = (first & mask, (last & mask) | ~mask, UInt128.MaxValue);
            }

            if (!groups.TryGetValue(mask, out var intervals))
            {
                groups[mask] = intervals = [];
            }

            intervals.Add(new AddressInterval(first, last));
        }

        return [.. groups.OrderByDescending(g => g.Value.Count).Select(g => (g.Key, Merge(g.Value)))];
    }

    /// <summary>Comparisons a test of one value against <paramref name="count"/> ranges takes at most.</summary>
    public static int SearchCost(int count) =>
        count <= LinearScanMax ? Math.Max(count, 1) : BitOperations.Log2((uint)count) + 2;

    /// <summary>Whether some range of the sorted, disjoint <paramref name="ranges"/> holds the value.</summary>
    public static bool Contains(ReadOnlySpan<NumberRange> ranges, ulong value)
    {
        if (ranges.Length <= LinearScanMax)
        {
            foreach (ref readonly var range in ranges)
            {
                if (value - range.First <= range.Last - range.First)
                {
                    return true;
                }
            }

            return false;
        }

        // The last range starting at or before the value is the only one that can hold it.
        int low = 0, high = ranges.Length - 1;
        while (low < high)
        {
            var mid = (low + high + 1) >>> 1;
            if (ranges[mid].First <= value)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return ranges[low].First <= value && value <= ranges[low].Last;
    }

    /// <summary>Whether some interval of the sorted, disjoint <paramref name="intervals"/> holds the value.</summary>
    public static bool Contains(ReadOnlySpan<AddressInterval> intervals, UInt128 value)
    {
        if (intervals.Length <= LinearScanMax)
        {
            foreach (ref readonly var interval in intervals)
            {
                if (value >= interval.First && value <= interval.Last)
                {
                    return true;
                }
            }

            return false;
        }

        int low = 0, high = intervals.Length - 1;
        while (low < high)
        {
            var mid = (low + high + 1) >>> 1;
            if (intervals[mid].First <= value)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return intervals[low].First <= value && value <= intervals[low].Last;
    }

    /// <summary>Ones followed by zeros only (including all ones and all zeros).</summary>
    private static bool IsPrefixMask(UInt128 mask)
    {
        var hostBits = ~mask;
        return (hostBits & (hostBits + 1)) == 0;
    }

    private static List<AddressInterval> Merge(List<AddressInterval> intervals)
    {
        intervals.Sort((a, b) => a.First.CompareTo(b.First));
        var merged = new List<AddressInterval>(intervals.Count);
        foreach (var interval in intervals)
        {
            if (merged.Count > 0 && (merged[^1].Last == UInt128.MaxValue || interval.First <= merged[^1].Last + 1))
            {
                var last = merged[^1];
                merged[^1] = last with { Last = UInt128.Max(last.Last, interval.Last) };
            }
            else
            {
                merged.Add(interval);
            }
        }

        return merged;
    }
}

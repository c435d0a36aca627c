using System.Runtime.CompilerServices;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Rules;

/// <summary>
/// A compiled branching program (see <see cref="FilterCompiler"/>): an array of conditions with jump targets and the
/// value tables they test. A number condition's values are sorted, merged ranges; an address condition's are mask
/// groups of sorted, merged intervals (<see cref="FilterValueSets"/>), so a test is a binary search however many values
/// the condition lists. <see cref="Run"/> follows the jumps from the entry to a terminal outcome without recursion or
/// allocation, and visits each condition at most once, so <see cref="Cost"/> bounds its work per record. Immutable.
/// </summary>
internal sealed class FilterProgram(FilterInstruction[] code, int entry, NumberRange[] numbers, AddressGroup[] groups, AddressInterval[] intervals, int cost)
{
    private readonly FilterInstruction[] _code = code;
    private readonly int _entry = entry;
    private readonly NumberRange[] _numbers = numbers;
    private readonly AddressGroup[] _groups = groups;
    private readonly AddressInterval[] _intervals = intervals;

    public int Length => _code.Length;

    /// <summary>Comparisons one record can take at most: every condition's search cost, per side it tests, summed.</summary>
    public int Cost { get; } = cost;

    /// <summary>The outcome the record leads to (1/0 for a single rule, the channel index for a channel definition).</summary>
    public int Run(in FlowRecord record, in FlowAddress exporter, IpEnrichment enrichment)
    {
        var code = _code;
        var next = _entry;
        while ((uint)next < (uint)code.Length)
        {
            ref readonly var instruction = ref code[next];
            next = Test(in instruction, in record, in exporter, enrichment) ? instruction.OnTrue : instruction.OnFalse;
        }

        return ~next;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Test(in FilterInstruction instruction, in FlowRecord r, in FlowAddress exporter, IpEnrichment e) => instruction.Field switch
    {
        FilterField.Ip => AnyAddress(in instruction, r.SrcAddr) || AnyAddress(in instruction, r.DstAddr),
        FilterField.SourceIp => AnyAddress(in instruction, r.SrcAddr),
        FilterField.DestinationIp => AnyAddress(in instruction, r.DstAddr),
        FilterField.NextHop => AnyAddress(in instruction, r.NextHop),
        FilterField.SenderIp => AnyAddress(in instruction, exporter),
        FilterField.Port => AnyNumber(in instruction, r.SrcPort) || AnyNumber(in instruction, r.DstPort),
        FilterField.SourcePort => AnyNumber(in instruction, r.SrcPort),
        FilterField.DestinationPort => AnyNumber(in instruction, r.DstPort),
        FilterField.Protocol => AnyNumber(in instruction, r.Protocol),
        FilterField.Tos => AnyNumber(in instruction, r.Tos),
        FilterField.Dscp => AnyNumber(in instruction, (uint)r.Tos >> 2),
        FilterField.Interface => AnyNumber(in instruction, r.InIf) || AnyNumber(in instruction, r.OutIf),
        FilterField.InboundInterface => AnyNumber(in instruction, r.InIf),
        FilterField.OutboundInterface => AnyNumber(in instruction, r.OutIf),
        FilterField.Asi => AnyNumber(in instruction, r.SrcAs) || AnyNumber(in instruction, r.DstAs),
        FilterField.SourceAsi => AnyNumber(in instruction, r.SrcAs),
        FilterField.DestinationAsi => AnyNumber(in instruction, r.DstAs),
        FilterField.Mac => AnyNumber(in instruction, r.SrcMac) || AnyNumber(in instruction, r.DstMac),
        FilterField.SourceMac => AnyNumber(in instruction, r.SrcMac),
        FilterField.DestinationMac => AnyNumber(in instruction, r.DstMac),
        FilterField.SourceMask => AnyNumber(in instruction, r.SrcMask),
        FilterField.DestinationMask => AnyNumber(in instruction, r.DstMask),
        FilterField.Vlan or FilterField.SourceVlan => AnyNumber(in instruction, r.Vlan),
        FilterField.As => AnyNumber(in instruction, e.AsOf(r.SrcAs, r.SrcAddr)) || AnyNumber(in instruction, e.AsOf(r.DstAs, r.DstAddr)),
        FilterField.SourceAs => AnyNumber(in instruction, e.AsOf(r.SrcAs, r.SrcAddr)),
        FilterField.DestinationAs => AnyNumber(in instruction, e.AsOf(r.DstAs, r.DstAddr)),
        FilterField.Country => AnyNumber(in instruction, e.CountryOf(r.SrcAddr)) || AnyNumber(in instruction, e.CountryOf(r.DstAddr)),
        FilterField.SourceCountry => AnyNumber(in instruction, e.CountryOf(r.SrcAddr)),
        FilterField.DestinationCountry => AnyNumber(in instruction, e.CountryOf(r.DstAddr)),
        _ => false,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool AnyNumber(in FilterInstruction instruction, ulong value) =>
        FilterValueSets.Contains(_numbers.AsSpan(instruction.Start, instruction.Count), value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool AnyAddress(in FilterInstruction instruction, FlowAddress address)
    {
        var value = new UInt128(address.High, address.Low);
        var groups = _groups;
        var end = instruction.Start + instruction.Count;
        for (var g = instruction.Start; g < end; g++)
        {
            ref readonly var group = ref groups[g];
            if (FilterValueSets.Contains(_intervals.AsSpan(group.Start, group.Count), value & group.Mask))
            {
                return true;
            }
        }

        return false;
    }
}

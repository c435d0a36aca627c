using System.Runtime.CompilerServices;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Rules;

/// <summary>
/// A compiled branching program (see <see cref="FilterCompiler"/>): an array of conditions with jump targets and the
/// value tables they test. <see cref="Run"/> follows the jumps from the entry to a terminal outcome without recursion
/// or allocation. Immutable.
/// </summary>
internal sealed class FilterProgram(FilterInstruction[] code, int entry, NumberRange[] numbers, AddressPattern[] addresses)
{
    private readonly FilterInstruction[] _code = code;
    private readonly int _entry = entry;
    private readonly NumberRange[] _numbers = numbers;
    private readonly AddressPattern[] _addresses = addresses;

    public int Length => _code.Length;

    /// <summary>The outcome the record leads to (1/0 for a single rule, the channel index for a channel definition).</summary>
    public int Run(in FlowRecord record, in FlowAddress exporter)
    {
        var code = _code;
        var next = _entry;
        while ((uint)next < (uint)code.Length)
        {
            ref readonly var instruction = ref code[next];
            next = Test(in instruction, in record, in exporter) ? instruction.OnTrue : instruction.OnFalse;
        }

        return ~next;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Test(in FilterInstruction instruction, in FlowRecord r, in FlowAddress exporter) => instruction.Field switch
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
        _ => false,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool AnyNumber(in FilterInstruction instruction, ulong value)
    {
        var numbers = _numbers;
        var end = instruction.Start + instruction.Count;
        for (var i = instruction.Start; i < end; i++)
        {
            ref readonly var range = ref numbers[i];
            if (value - range.First <= range.Last - range.First)
            {
                return true;
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool AnyAddress(in FilterInstruction instruction, FlowAddress address)
    {
        var addresses = _addresses;
        var end = instruction.Start + instruction.Count;
        for (var i = instruction.Start; i < end; i++)
        {
            if (addresses[i].Matches(address))
            {
                return true;
            }
        }

        return false;
    }
}

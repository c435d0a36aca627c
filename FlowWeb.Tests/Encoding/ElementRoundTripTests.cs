using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Encoding;

/// <summary>
/// Every element the decoder maps (FieldProgram.TargetOf), in groups that do not compete for the same record
/// field, through v9 and IPFIX; and unsigned elements in every reduced size from 1 to 8 bytes.
/// </summary>
public sealed class ElementRoundTripTests
{
    private static readonly Dictionary<string, (FlowTemplate Template, bool IPv6, long MaxAgeMs, FlowTimeSource Ipfix, FlowTimeSource V9)> Groups = new()
    {
        ["direct"] = (new FlowTemplate(300,
        [
            new(1, 8), new(2, 8), new(4, 1), new(5, 1), new(6, 2), new(7, 2), new(11, 2), new(8, 4), new(12, 4), new(9, 1), new(13, 1),
            new(15, 4), new(10, 4), new(14, 4), new(16, 4), new(17, 4), new(22, 4), new(21, 4), new(34, 4), new(56, 6), new(80, 6),
            new(58, 2), new(61, 1), new(136, 1), new(225, 4), new(226, 4), new(227, 2), new(228, 2), new(230, 1),
        ]), false, 20L * 86_400_000, FlowTimeSource.EstimatedBootTime, FlowTimeSource.HeaderUptime),
        ["ipv6-totals-ms"] = (new FlowTemplate(301,
        [
            new(27, 16), new(28, 16), new(29, 1), new(30, 1), new(62, 16), new(281, 16), new(282, 16), new(85, 8), new(86, 8),
            new(152, 8), new(153, 8),
        ]), true, 20L * 86_400_000, FlowTimeSource.AbsoluteElements, FlowTimeSource.AbsoluteElements),
        ["post-counters-seconds"] = (new FlowTemplate(302,
            [new(8, 4), new(12, 4), new(23, 8), new(24, 8), new(150, 4), new(151, 4)]),
            false, 20L * 86_400_000, FlowTimeSource.AbsoluteElements, FlowTimeSource.AbsoluteElements),
        ["ntp-microseconds"] = (new FlowTemplate(303, [new(8, 4), new(12, 4), new(1, 4), new(2, 4), new(154, 8), new(155, 8)]),
            false, 20L * 86_400_000, FlowTimeSource.AbsoluteElements, FlowTimeSource.AbsoluteElements),
        ["ntp-nanoseconds"] = (new FlowTemplate(304, [new(27, 16), new(28, 16), new(156, 8), new(157, 8)]),
            true, 20L * 86_400_000, FlowTimeSource.AbsoluteElements, FlowTimeSource.AbsoluteElements),
        ["delta-microseconds"] = (new FlowTemplate(305, [new(8, 4), new(12, 4), new(158, 4), new(159, 4)]),
            false, 3_600_000, FlowTimeSource.AbsoluteElements, FlowTimeSource.AbsoluteElements),
        ["packet-interval-space"] = (new FlowTemplate(306, [new(8, 4), new(12, 4), new(1, 4), new(305, 4), new(306, 4), new(152, 8), new(153, 8)]),
            false, 20L * 86_400_000, FlowTimeSource.AbsoluteElements, FlowTimeSource.AbsoluteElements),
        ["random-interval-system-init"] = (new FlowTemplate(307, [new(8, 4), new(12, 4), new(50, 4), new(22, 4), new(21, 4), new(160, 8)]),
            false, 20L * 86_400_000, FlowTimeSource.SystemInitInRecord, FlowTimeSource.SystemInitInRecord),
    };

    public static TheoryData<ExportProtocol, string> GroupCases()
    {
        var data = new TheoryData<ExportProtocol, string>();
        foreach (var name in Groups.Keys)
        {
            data.Add(ExportProtocol.Ipfix, name);
            data.Add(ExportProtocol.NetFlowV9, name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GroupCases))]
    public void MappedElements_VariedRecords_EveryCarriedFieldDecodesBack(ExportProtocol protocol, string group)
    {
        var (template, ipv6, maxAge, ipfixTime, v9Time) = Groups[group];
        var records = SampleFlows.Create(12, ipv6, template, maxAge);

        var decoded = Exchange.Roundtrip(protocol, template, records);

        RecordAssert.RoundTrip(records, decoded, template, (byte)protocol, Exchange.Domain);
        var expectedTime = protocol == ExportProtocol.Ipfix ? ipfixTime : v9Time;
        Assert.All(decoded, r => Assert.Equal(expectedTime, r.TimeSource));
    }

    [Fact]
    public void MappedElements_Groups_CoverEveryRecordFieldTheDecoderFills()
    {
        var covered = Groups.Values.SelectMany(g => RecordAssert.CarriedBy(g.Template)).ToHashSet();

        string[] all =
        [
            "SrcAddr", "DstAddr", "NextHop", "PostNatSrcAddr", "PostNatDstAddr", "Bytes", "Packets", "StartMs", "EndMs", "SrcMac",
            "DstMac", "InIf", "OutIf", "SrcAs", "DstAs", "SamplingRate", "SrcPort", "DstPort", "PostNatSrcPort", "PostNatDstPort",
            "TcpFlags", "Vlan", "Protocol", "Tos", "SrcMask", "DstMask", "Direction", "NatEvent", "EndReason",
        ];
        Assert.Empty(all.Except(covered));
    }

    public static TheoryData<ExportProtocol, int> ReducedSizes()
    {
        var data = new TheoryData<ExportProtocol, int>();
        for (var length = 1; length <= 8; length++)
        {
            data.Add(ExportProtocol.Ipfix, length);
            data.Add(ExportProtocol.NetFlowV9, length);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ReducedSizes))]
    public void UnsignedElements_ReducedSize_DecodeBack(ExportProtocol protocol, int length)
    {
        var n = (ushort)length;
        var template = new FlowTemplate(310,
        [
            new(8, 4), new(12, 4), new(1, n), new(2, n), new(10, n), new(14, n), new(16, n), new(17, n), new(7, n), new(11, n),
            new(4, n), new(6, n), new(34, n), new(152, 8), new(153, 8),
        ]);
        var records = SampleFlows.Create(10, ipv6: false, template);

        var decoded = Exchange.Roundtrip(protocol, template, records);

        RecordAssert.RoundTrip(records, decoded, template, (byte)protocol, Exchange.Domain);
        var max = length >= 8 ? ulong.MaxValue : (1UL << (8 * length)) - 1;
        Assert.Equal(max, decoded[1].Bytes);
        Assert.Equal(0ul, decoded[0].Bytes);
    }
}

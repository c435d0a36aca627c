using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;

namespace FlowWeb.Tests.Rules;

/// <summary>Builds flow records for rule tests; every field not given is zero, addresses default to two IPv4 hosts.</summary>
internal static class TestFlows
{
    public static readonly FlowAddress Exporter = FlowAddress.Parse("192.0.2.1");

    public static FlowRecord Flow(
        string src = "10.0.0.1",
        string dst = "10.0.0.2",
        byte protocol = 6,
        ushort srcPort = 50000,
        ushort dstPort = 80,
        byte tos = 0,
        uint inIf = 0,
        uint outIf = 0,
        uint srcAs = 0,
        uint dstAs = 0,
        ulong srcMac = 0,
        ulong dstMac = 0,
        ushort vlan = 0,
        byte srcMask = 0,
        byte dstMask = 0,
        string nextHop = "0.0.0.0") => new()
    {
        SrcAddr = FlowAddress.Parse(src),
        DstAddr = FlowAddress.Parse(dst),
        Protocol = protocol,
        SrcPort = srcPort,
        DstPort = dstPort,
        Tos = tos,
        InIf = inIf,
        OutIf = outIf,
        SrcAs = srcAs,
        DstAs = dstAs,
        SrcMac = srcMac,
        DstMac = dstMac,
        Vlan = vlan,
        SrcMask = srcMask,
        DstMask = dstMask,
        NextHop = FlowAddress.Parse(nextHop),
        Bytes = 1000,
        Packets = 1,
    };

    public static FilterRule Rule(string text)
    {
        var result = FilterRule.Parse(text);
        Assert.True(result.Success, $"'{text}' did not parse: {string.Join("; ", result.Errors)}");
        return result.Rule!;
    }

    public static bool Matches(string rule, FlowRecord record, string? exporter = null) =>
        Rule(rule).Matches(in record, exporter is null ? Exporter : FlowAddress.Parse(exporter));
}

using FlowWeb.Core.Flows;
using static FlowWeb.Tests.Rules.TestFlows;

namespace FlowWeb.Tests.Rules;

public sealed class FilterRuleLogicTests
{
    [Theory]
    [InlineData("Protocol[TCP] and Port[80]", 6, 80, true)]
    [InlineData("Protocol[TCP] and Port[80]", 17, 80, false)]
    [InlineData("Protocol[TCP] and Port[80]", 6, 81, false)]
    [InlineData("Protocol[TCP] or Port[80]", 17, 80, true)]
    [InlineData("Protocol[TCP] or Port[80]", 17, 81, false)]
    [InlineData("not Protocol[TCP]", 17, 80, true)]
    [InlineData("NOT Protocol[TCP]", 6, 80, false)]
    [InlineData("not not Protocol[TCP]", 6, 80, true)]
    public void Matches_Operators_CombineConditions(string rule, int protocol, int port, bool expected) =>
        Assert.Equal(expected, Matches(rule, Flow(protocol: (byte)protocol, srcPort: 60000, dstPort: (ushort)port)));

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, true, true)]
    [InlineData(false, false, false)]
    [InlineData(false, true, false)]
    [InlineData(true, true, true)]
    public void Matches_AndBindsTighterThanOr_AsIfParenthesised(bool a, bool b, bool c)
    {
        var record = Conditions(a, b, c);

        // a or b and c == a or (b and c)
        Assert.Equal(a || (b && c), Matches("Protocol[UDP] or Port[53] and VLAN[7]", record));
        Assert.Equal(Matches("Protocol[UDP] or (Port[53] and VLAN[7])", record), Matches("Protocol[UDP] or Port[53] and VLAN[7]", record));

        // a and b or c == (a and b) or c
        Assert.Equal((a && b) || c, Matches("Protocol[UDP] and Port[53] or VLAN[7]", record));

        // Parentheses override it.
        Assert.Equal((a || b) && c, Matches("(Protocol[UDP] or Port[53]) and VLAN[7]", record));
        Assert.Equal(a && (b || c), Matches("Protocol[UDP] and (Port[53] or VLAN[7])", record));
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, true)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    [InlineData(true, true, false)]
    public void Matches_NotBindsTighterThanAnd_AndNegatesParentheses(bool a, bool b, bool c)
    {
        var record = Conditions(a, b, c);

        Assert.Equal(!a && b, Matches("not Protocol[UDP] and Port[53]", record));
        Assert.Equal(!(a && b), Matches("not (Protocol[UDP] and Port[53])", record));
        Assert.Equal(!(a || b) || c, Matches("not (Protocol[UDP] or Port[53]) or VLAN[7]", record));
        Assert.Equal(a && !(b || !c), Matches("Protocol[UDP] and not (Port[53] or not VLAN[7])", record));
    }

    [Theory]
    [InlineData("10.0.0.1", 6, true)] // excluded destination → the not-clause fails
    [InlineData("10.0.0.2", 6, false)]
    public void Matches_PrtgManualExample_BehavesAsDocumented(string dst, int protocol, bool excluded)
    {
        const string Rule = "Protocol[TCP] and not (DestinationIP[10.0.0.1] or SourceIP[10.0.0.120-130])";

        Assert.Equal(!excluded, Matches(Rule, Flow(src: "192.168.0.1", dst: dst, protocol: (byte)protocol)));
        Assert.False(Matches(Rule, Flow(src: "10.0.0.125", dst: "192.168.0.1")));
        Assert.False(Matches(Rule, Flow(src: "192.168.0.1", dst: "10.0.0.2", protocol: 17)));
    }

    [Fact]
    public void Matches_ManyRecordsAfterWarmUp_AllocatesNothing()
    {
        var rule = Rule("(SourceIP[10.0.0.0/8,2001:db8::/32] or DestinationIP[172.16.*.*]) and Port[80,443,8000-8999] and not DSCP[EF] or MAC[00:00:5e:00:01:01]");
        var records = new FlowRecord[64];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = Flow(src: i % 2 == 0 ? "10.1.2.3" : "2001:db8::9", dst: "172.16.0.1", dstPort: (ushort)(i % 2 == 0 ? 443 : 25), tos: (byte)(i % 3 == 0 ? 184 : 0));
        }

        var hits = 0;
        for (var i = 0; i < records.Length; i++)
        {
            hits += rule.Matches(in records[i], Exporter) ? 1 : 0;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 1000; round++)
        {
            for (var i = 0; i < records.Length; i++)
            {
                hits += rule.Matches(in records[i], Exporter) ? 1 : 0;
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        // Port 443 on even i, minus the multiples of 6 marked EF: 32 - 11 = 21 per pass.
        Assert.Equal(21 * 1001, hits);
    }

    private static FlowRecord Conditions(bool udp, bool port53, bool vlan7) =>
        Flow(protocol: (byte)(udp ? 17 : 6), srcPort: 60000, dstPort: (ushort)(port53 ? 53 : 54), vlan: (ushort)(vlan7 ? 7 : 8));
}

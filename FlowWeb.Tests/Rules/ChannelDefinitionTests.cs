using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using static FlowWeb.Tests.Rules.TestFlows;

namespace FlowWeb.Tests.Rules;

public sealed class ChannelDefinitionTests
{
    [Fact]
    public void FromDefinition_PrtgManualExample_ListsChannelsWithTotalAndOther()
    {
        var set = Parse("#1:TCP\nProtocol[TCP]\n#2:UDP\nProtocol[UDP]\n#3:ICMP\nProtocol[ICMP]\n");

        Assert.True(set.IsCustom);
        Assert.Equal(["Total", "TCP", "UDP", "ICMP", "Other"], set.Channels.Select(c => c.Name));
        Assert.Equal([ChannelIds.Total, 1, 2, 3, ChannelIds.Other], set.Channels.Select(c => c.Id));
        Assert.Equal("Protocol[UDP]", set.Channels[2].Description);
        Assert.Equal(1, Classify(set, Flow(protocol: 6)));
        Assert.Equal(2, Classify(set, Flow(protocol: 17)));
        Assert.Equal(3, Classify(set, Flow(protocol: 1)));
        Assert.Equal(set.OtherIndex, Classify(set, Flow(protocol: 47)));
    }

    [Fact]
    public void FromDefinition_RuleSpanningLines_IsOneRule()
    {
        var set = Parse("""
            #5:HTTP
            Protocol[TCP] and
              (SourcePort[80] or DestinationPort[80]
               or SourcePort[8080] or DestinationPort[8080])
            #6:Rest
            IP[0.0.0.0/0]
            """);

        Assert.Equal("Protocol[TCP] and (SourcePort[80] or DestinationPort[80] or SourcePort[8080] or DestinationPort[8080])", set.Channels[1].Description);
        Assert.Equal(5, set.Channels[Classify(set, Flow(srcPort: 8080, dstPort: 50000))].Id);
        Assert.Equal(6, set.Channels[Classify(set, Flow(protocol: 17, dstPort: 80))].Id);
        Assert.Equal(ChannelIds.Other, set.Channels[Classify(set, Flow(src: "2001:db8::1", dst: "2001:db8::2", protocol: 17))].Id);
    }

    [Fact]
    public void FromDefinition_OverlappingRules_FirstMatchWins()
    {
        var set = Parse("#10:Web\nPort[80,443]\n#20:LAN\nIP[10.*.*.*]\n#30:Anything TCP\nProtocol[TCP]");

        Assert.Equal(10, set.Channels[Classify(set, Flow(src: "10.0.0.1", dstPort: 443))].Id);
        Assert.Equal(20, set.Channels[Classify(set, Flow(src: "10.0.0.1", dstPort: 22))].Id);
        Assert.Equal(30, set.Channels[Classify(set, Flow(src: "8.8.8.8", dst: "1.1.1.1", dstPort: 22))].Id);
        Assert.Equal(0, set.Channels[Classify(set, Flow(src: "8.8.8.8", dst: "1.1.1.1", protocol: 17, dstPort: 22))].Id);
    }

    [Fact]
    public void FromDefinition_UnitAndSpacesAndCrLf_AreRead()
    {
        var set = Parse("  #7: Voice calls [kbit/s]\r\nDSCP[EF]\r\n\r\n#2147483647:Max id[]\r\nVLAN[1]\r\n");

        Assert.Equal(new ChannelInfo(7, "Voice calls", "kbit/s", "DSCP[EF]"), set.Channels[1]);
        Assert.Equal(new ChannelInfo(int.MaxValue, "Max id", null, "VLAN[1]"), set.Channels[2]);
    }

    [Fact]
    public void FromDefinition_SenderIp_SplitsExportersIntoChannels()
    {
        var set = Parse("#1:Router A\nSenderIP[192.0.2.1]\n#2:Router B\nSenderIP[2001:db8::1]");
        var record = Flow();

        Assert.Equal(1, set.Classify(in record, FlowAddress.Parse("192.0.2.1")));
        Assert.Equal(2, set.Classify(in record, FlowAddress.Parse("2001:db8::1")));
        Assert.Equal(set.OtherIndex, set.Classify(in record, FlowAddress.Parse("192.0.2.9")));
    }

    [Theory]
    [InlineData("#1:A\nPort[1]\n#1:B\nPort[2]", 3, 2, "channel id 1 is already used on line 1")]
    [InlineData("#0:A\nPort[1]", 1, 2, "channel id 0 is out of range (1-2147483647)")]
    [InlineData("#2147483648:A\nPort[1]", 1, 2, "channel id 2147483648 is out of range (1-2147483647)")]
    [InlineData("#99999999999999999999:A\nPort[1]", 1, 2, "channel id 99999999999999999999 is out of range (1-2147483647)")]
    [InlineData("#-1:A\nPort[1]", 1, 2, "channel id '-1' is not a number")]
    [InlineData("#x:A\nPort[1]", 1, 2, "channel id 'x' is not a number")]
    [InlineData("#:A\nPort[1]", 1, 2, "missing channel id between '#' and ':'")]
    [InlineData("#1 A\nPort[1]", 1, 5, "expected ':' after the channel id (a header is '#<id>:<name>')")]
    [InlineData("#1:\nPort[1]", 1, 4, "channel 1 has no name")]
    [InlineData("#1:A[kbit\nPort[1]", 1, 10, "missing ']' to close the unit opened at column 5")]
    [InlineData("#1:A[kbit] Port[1]\nPort[1]", 1, 11, "unexpected text after the unit (the rule goes on the lines after the header)")]
    [InlineData("#1:TCP Protocol[TCP]", 1, 1, "channel 1 'TCP Protocol' has no rule (the rule goes on the lines after the header)")]
    [InlineData("#1:A\n\n#2:B\nPort[2]", 1, 1, "channel 1 'A' has no rule (the rule goes on the lines after the header)")]
    [InlineData("Protocol[TCP]\n#1:A\nPort[1]", 1, 1, "text before the first channel header (each channel starts with a line '#<id>:<name>')")]
    [InlineData("", 1, 1, "the definition has no channels (each channel starts with a line '#<id>:<name>', followed by its rule)")]
    [InlineData("#1:A\nPort[1]\n#2:B\nProtocol[TCP] and\n  Foo[1]", 5, 3, "unknown field 'Foo'")]
    [InlineData("#1:A\nPort[70000]", 2, 6, "value 70000 is out of range for Port (0-65535)")]
    [InlineData("#1:A\nPort[80\nor Port[81]", 2, 5, "missing ']' to close Port[")]
    [InlineData("#1:A\r\nPort[1] and\r\n#2:B\r\nPort[2]", 2, 12, "expected a condition after 'and' at the end of the rule")]
    [InlineData("#1:A\n(Port[1]\n#2:B\nPort[2])", 2, 1, "unbalanced parenthesis: '(' is never closed")]
    public void FromDefinition_Invalid_ReportsLineColumnAndProblem(string text, int line, int column, string message)
    {
        var result = ChannelSet.FromDefinition(text);

        Assert.False(result.Success);
        Assert.Null(result.Set);
        Assert.Contains(new ChannelDefinitionError(line, column, message), result.Errors);
    }

    [Fact]
    public void FromDefinition_ErrorsInSeveralChannels_ReportsAllWithTheirLines()
    {
        var result = ChannelSet.FromDefinition("#1:A\nFoo[1]\n#1:B\nPort[1]\n#x:C\nPort[99999]");

        Assert.Equal(
        [
            new ChannelDefinitionError(3, 2, "channel id 1 is already used on line 1"),
            new ChannelDefinitionError(5, 2, "channel id 'x' is not a number"),
            new ChannelDefinitionError(2, 1, "unknown field 'Foo'"),
            new ChannelDefinitionError(6, 6, "value 99999 is out of range for Port (0-65535)"),
        ], result.Errors);
        Assert.Equal("line 2, column 1: unknown field 'Foo'", result.Errors[2].ToString());
    }

    [Fact]
    public void ToDefinitionText_CustomSet_ParsesBackToTheSameChannels()
    {
        var set = Parse("#3:Web [kbit/s]\nprotocol[tcp] AND port[80,\n443]\n#4:Rest\nnot Protocol[TCP]");

        var text = set.ToDefinitionText();
        var again = Parse(text);

        Assert.Equal("#3:Web[kbit/s]\nProtocol[TCP] and Port[80,443]\n#4:Rest\nnot Protocol[TCP]\n", text);
        Assert.Equal(set.Channels, again.Channels);
    }

    [Fact]
    public void ToDefinitionText_StandardSet_Throws() =>
        Assert.Throws<InvalidOperationException>(() => ChannelSet.FromStandardGroups(new StandardGroupSelection()).ToDefinitionText());

    [Fact]
    public void Classify_CustomSet_AllocatesNothing()
    {
        var set = Parse("#1:A\nIP[10.0.0.0/8] and Port[80-90]\n#2:B\nIP[2001:db8::/32]\n#3:C\nnot DSCP[EF]");
        var flows = new[] { Flow(dstPort: 85), Flow(src: "2001:db8::1", dst: "2001:db8::2"), Flow(src: "1.1.1.1", dst: "1.1.1.2"), Flow(src: "1.1.1.1", dst: "1.1.1.2", tos: 184) };
        var indexes = flows.Select(f => Classify(set, f)).ToArray();

        var sum = 0;
        Assert.Equal(0, SteadyAllocations.Of(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                sum += set.Classify(in flows[i % flows.Length], Exporter);
            }
        }));
        Assert.True(sum > 0);
        Assert.Equal([1, 2, 3, set.OtherIndex], indexes);
    }

    private static ChannelSet Parse(string text)
    {
        var result = ChannelSet.FromDefinition(text);
        Assert.True(result.Success, string.Join("; ", result.Errors));
        return result.Set!;
    }

    private static int Classify(ChannelSet set, FlowRecord record) => set.Classify(in record, Exporter);
}

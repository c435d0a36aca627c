using FlowWeb.Core.Rules;

namespace FlowWeb.Tests.Rules;

public sealed class FilterRuleParseTests
{
    [Theory]
    [InlineData("protocol[tcp] AND NOT (destinationip[10.0.0.1] OR sourceip[10.0.0.120-130])",
        "Protocol[TCP] and not (DestinationIP[10.0.0.1] or SourceIP[10.0.0.120-130])")]
    [InlineData("SourceIP[10.0.0.0/10]", "SourceIP[10.0.0.0/10]")]
    [InlineData("SourceIP[10.1.2.3/255.255.0.0]", "SourceIP[10.1.0.0/16]")]
    [InlineData("SourceIP[10.1.2.3/255.0.255.0]", "SourceIP[10.0.2.0/255.0.255.0]")]
    [InlineData("IP[10.*]", "IP[10.*.*.*]")]
    [InlineData("IP[10.0.*.*]", "IP[10.0.*.*]")]
    [InlineData("IP[10.1-3.*.*]", "IP[10.1-3.*.*]")]
    [InlineData("IP[10.0.0.1-10.0.0.9]", "IP[10.0.0.1-10.0.0.9]")]
    [InlineData("IP[2001:DB8::1]", "IP[2001:db8::1]")]
    [InlineData("IP[2001:db8::5/32]", "IP[2001:db8::/32]")]
    [InlineData("IP[::ffff:10.1.2.3/104]", "IP[::ffff:10.0.0.0/104]")]
    [InlineData("IP[2001:db8::1 - 2001:db8::ff]", "IP[2001:db8::1-2001:db8::ff]")]
    [InlineData("Port[ 80 , 443,8000-8999 ]", "Port[80,443,8000-8999]")]
    [InlineData("DestinationPort[080]", "DestinationPort[80]")]
    [InlineData("Protocol[icmpv6,ospfigp,47]", "Protocol[ICMPv6,OSPFIGP,47]")]
    [InlineData("dscp[ef,af41,0-7]", "DSCP[EF,AF41,0-7]")]
    [InlineData("MAC[AA-BB-CC-DD-EE-FF]", "MAC[aa:bb:cc:dd:ee:ff]")]
    [InlineData("SourceMAC[aabb.ccdd.eeff]", "SourceMAC[aa:bb:cc:dd:ee:ff]")]
    [InlineData("mask[24] and sourcemask[25] and destinationmask[64]", "Mask[24] and SourceMask[25] and DestinationMask[64]")]
    [InlineData("Port[1] or Port[2] and Port[3]", "Port[1] or Port[2] and Port[3]")]
    [InlineData("(Port[1] or Port[2]) and Port[3]", "(Port[1] or Port[2]) and Port[3]")]
    [InlineData("((Port[1]))", "Port[1]")]
    [InlineData("(Port[1] and Port[2]) and (Port[3] and Port[4])", "Port[1] and Port[2] and Port[3] and Port[4]")]
    [InlineData("not not Port[1]", "not not Port[1]")]
    [InlineData("Port[1]\n  and\tPort[2]", "Port[1] and Port[2]")]
    [InlineData("Port [80]", "Port[80]")]
    [InlineData("Port[80,\n     443]", "Port[80,443]")]
    public void Parse_ValidRule_NormalisesText(string text, string expected)
    {
        var result = FilterRule.Parse(text);

        Assert.Empty(result.Errors);
        Assert.True(result.Success);
        Assert.Equal(expected, result.Rule!.ToString());
    }

    [Fact]
    public void Parse_NormalisedText_ParsesToTheSameText()
    {
        const string Text = "not (IP[10.*.*.*,2001:db8::/32] or Port[80-88]) and (Protocol[UDP] or DSCP[EF])";
        var first = TestFlows.Rule(Text).ToString();

        Assert.Equal(first, TestFlows.Rule(first).ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  \n\t ")]
    public void Parse_EmptyRule_MatchesEverything(string? text)
    {
        var result = FilterRule.Parse(text);
        var record = TestFlows.Flow(protocol: 47);

        Assert.True(result.Success);
        Assert.True(result.Rule!.IsMatchAll);
        Assert.Equal("", result.Rule.ToString());
        Assert.True(result.Rule.Matches(in record, TestFlows.Exporter));
    }

    [Theory]
    [InlineData("Foo[1]", 1, "unknown field 'Foo'")]
    [InlineData("Port[1] and SrcIP[10.0.0.1]", 13, "unknown field 'SrcIP'")]
    [InlineData("Port[80", 5, "missing ']' to close Port[")]
    [InlineData("Port[80 and Port[81]", 5, "missing ']' to close Port[")]
    [InlineData("(Port[80]", 1, "unbalanced parenthesis: '(' is never closed")]
    [InlineData("Port[80])", 9, "unbalanced parenthesis: ')' has no matching '('")]
    [InlineData("()", 2, "empty parentheses: expected a condition")]
    [InlineData("Port[70000]", 6, "value 70000 is out of range for Port (0-65535)")]
    [InlineData("Port[99999999999999999999999]", 6, "value 99999999999999999999999 is out of range for Port (0-65535)")]
    [InlineData("Port[1-70000]", 8, "value 70000 is out of range for Port (0-65535)")]
    [InlineData("Port[88-80]", 6, "range 88-80 is reversed: the start is greater than the end")]
    [InlineData("Port[]", 6, "missing value for Port")]
    [InlineData("Port[80,]", 9, "empty item in the list for Port")]
    [InlineData("Port[http]", 6, "'http' is not valid for Port (expected a number or a range like 80-88)")]
    [InlineData("Port[-5]", 6, "'-5' is not valid for Port (expected a number or a range like 80-88)")]
    [InlineData("Protocol[FOO]", 10, "unknown protocol 'FOO' (use a number 0-255 or a name such as TCP, UDP, ICMP, OSPFIGP, GRE, ESP, AH, ICMPv6, SCTP)")]
    [InlineData("Protocol[256]", 10, "value 256 is out of range for Protocol (0-255)")]
    [InlineData("TOS[256]", 5, "value 256 is out of range for TOS (0-255)")]
    [InlineData("DSCP[64]", 6, "value 64 is out of range for DSCP (0-63)")]
    [InlineData("DSCP[AF55]", 6, "unknown DSCP name 'AF55' (use a number 0-63 or a name such as EF, AF41, CS1)")]
    [InlineData("VLAN[4096]", 6, "value 4096 is out of range for VLAN (0-4095)")]
    [InlineData("Mask[129]", 6, "value 129 is out of range for Mask (0-128)")]
    [InlineData("Interface[4294967296]", 11, "value 4294967296 is out of range for Interface (0-4294967295)")]
    [InlineData("SourceIP[server.example.com]", 10, "host names are not supported yet ('server.example.com' would need a DNS lookup); use the IP address instead")]
    [InlineData("SenderIP[router1]", 10, "host names are not supported yet ('router1' would need a DNS lookup); use the IP address instead")]
    [InlineData("SourceIP[10.0.0.256]", 17, "octet 256 is out of range (0-255)")]
    [InlineData("SourceIP[10.0.0]", 10, "'10.0.0' is not an IP address, wildcard, range or prefix")]
    [InlineData("SourceIP[10.0.0.0/33]", 19, "prefix length 33 is out of range for IPv4 (0-32)")]
    [InlineData("SourceIP[10.0.0.0/x]", 19, "'x' is not a prefix length or a dotted mask")]
    [InlineData("SourceIP[/8]", 10, "missing address before '/8'")]
    [InlineData("SourceIP[10.*.*.*/8]", 10, "'10.*.*.*' is not an IP address, wildcard, range or prefix (a prefix needs a plain address before '/')")]
    [InlineData("IP[2001:db8::/129]", 15, "prefix length 129 is out of range for IPv6 (0-128)")]
    [InlineData("IP[10.0.0.9-10.0.0.1]", 4, "range '10.0.0.9-10.0.0.1' is reversed: the start is greater than the end")]
    [InlineData("IP[10.0.0.130-120]", 11, "range 130-120 is reversed: the start is greater than the end")]
    [InlineData("IP[10.0.0.1-2001:db8::1]", 4, "range '10.0.0.1-2001:db8::1' mixes IPv4 and IPv6")]
    [InlineData("IP[10.0.1-2.5]", 13, "only '*' may follow a range octet in '10.0.1-2.5'")]
    [InlineData("IP[2001:db8::zz]", 4, "'2001:db8::zz' is not a valid IPv6 address")]
    [InlineData("IP[fe80::1%eth0]", 4, "'fe80::1%eth0' is not a valid IPv6 address")]
    [InlineData("MAC[aa:bb:cc]", 5, "'aa:bb:cc' is not a MAC address (expected aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff)")]
    [InlineData("MAC[aa:bb-cc:dd:ee:ff]", 5, "'aa:bb-cc:dd:ee:ff' is not a MAC address (expected aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff)")]
    [InlineData("Port[80] and", 13, "expected a condition after 'and' at the end of the rule")]
    [InlineData("and Port[80]", 1, "expected a condition before 'and'")]
    [InlineData("Port[80] or or Port[81]", 13, "expected a condition after 'or' before 'or'")]
    [InlineData("not", 4, "expected a condition after 'not' at the end of the rule")]
    [InlineData("Port[80] IP[10.0.0.1]", 10, "expected 'and' or 'or' before 'IP'")]
    [InlineData("Port[80] && Port[81]", 10, "unexpected '&&' (combine conditions with and, or, not)")]
    [InlineData("10.0.0.1", 1, "unexpected '10.0.0.1' (a condition is written Field[value], e.g. Protocol[TCP])")]
    [InlineData("Port 80", 6, "expected '[' after Port")]
    [InlineData("TCP", 1, "unknown field 'TCP'")]
    [InlineData("[80]", 1, "'[80]' has no field name before it")]
    [InlineData("DestinationVLAN[5]", 1, "DestinationVLAN is not supported yet: flow records keep only the source VLAN (vlanId, 58); use VLAN or SourceVLAN")]
    public void Parse_InvalidRule_ReportsPositionAndProblem(string text, int position, string message)
    {
        var result = FilterRule.Parse(text);

        Assert.False(result.Success);
        Assert.Null(result.Rule);
        Assert.Equal(new RuleError(position, message), Assert.Single(result.Errors));
    }

    [Fact]
    public void Parse_SeveralBadClauses_ReportsEveryError()
    {
        //                              1         2         3         4
        //                     1234567890123456789012345678901234567890123456
        var result = FilterRule.Parse("Foo[1] and Port[70000,1-2,x] or (IP[10.0.0.300]");

        Assert.Equal(
        [
            new RuleError(1, "unknown field 'Foo'"),
            new RuleError(17, "value 70000 is out of range for Port (0-65535)"),
            new RuleError(27, "'x' is not valid for Port (expected a number or a range like 80-88)"),
            new RuleError(44, "octet 300 is out of range (0-255)"),
            new RuleError(33, "unbalanced parenthesis: '(' is never closed"),
        ], result.Errors);
    }

    [Fact]
    public void Parse_MultiLineRule_PositionsCountFromTheStartOfTheText()
    {
        var result = FilterRule.Parse("Port[80]\nand Foo[1]");

        Assert.Equal(new RuleError(14, "unknown field 'Foo'"), Assert.Single(result.Errors));
    }

    [Fact]
    public void Parse_NestedTooDeeply_ReportsOneErrorInsteadOfOverflowingTheStack()
    {
        var text = new string('(', 10_000) + "Port[1]" + new string(')', 10_000);

        var result = FilterRule.Parse(text);

        Assert.Equal(new RuleError(65, "the rule is nested too deeply (more than 64 levels of parentheses and not)"), Assert.Single(result.Errors));
    }

    [Fact]
    public void Parse_LongChain_StaysFlatAndMatches()
    {
        var text = string.Join(" or ", Enumerable.Range(1, 5000).Select(p => $"Port[{p}]"));
        var rule = TestFlows.Rule(text);
        var hit = TestFlows.Flow(srcPort: 60000, dstPort: 4999);
        var miss = TestFlows.Flow(srcPort: 60000, dstPort: 5001);

        Assert.Equal(1, rule.ConditionCount); // one field's conditions in an 'or' are one list
        Assert.True(rule.Matches(in hit, TestFlows.Exporter));
        Assert.False(rule.Matches(in miss, TestFlows.Exporter));
    }

    [Fact]
    public void RuleError_ToString_NamesTheColumn() =>
        Assert.Equal("column 6: missing value for Port", FilterRule.Parse("Port[]").Errors[0].ToString());
}

using System.Globalization;
using System.Text;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;
using static FlowWeb.Tests.Rules.TestFlows;

namespace FlowWeb.Tests.Rules;

/// <summary>
/// The compiled form (merged conditions, sorted interval tables, binary search) against the plain meaning of the
/// syntax tree: every value of every condition tried one by one, as the rule reads.
/// </summary>
public sealed class FilterCompilationTests
{
    [Fact]
    public void Matches_RandomRulesAndRecords_SameAnswerAsTryingEveryValueInTurn()
    {
        var random = new Random(20261202);
        var records = Enumerable.Range(0, 300).Select(_ => RandomRecord(random)).ToArray();
        var checkedRules = 0;
        for (var n = 0; n < 400; n++)
        {
            var text = RandomRule(random, depth: 0);
            var parsed = FilterRule.Parse(text);
            Assert.True(parsed.Success, $"'{text}': {string.Join("; ", parsed.Errors)}");
            var rule = parsed.Rule!;
            foreach (var record in records)
            {
                var expected = Reference(rule.Root!, record);
                Assert.True(expected == rule.Matches(in record, Exporter), $"'{text}' on {record.SrcAddr}:{record.SrcPort} -> {record.DstAddr}:{record.DstPort}/{record.Protocol}: expected {expected}");
            }

            checkedRules++;
        }

        Assert.Equal(400, checkedRules);
    }

    [Fact]
    public void Parse_OneFieldListedInManyConditions_MergedIntoOneConditionOfLogarithmicCost()
    {
        var ors = string.Join(" or ", Enumerable.Range(0, 4096).Select(i => $"SourceIP[10.{i >> 8}.{i & 255}.0/24]"));
        var nots = string.Join(" and ", Enumerable.Range(0, 4096).Select(i => $"not DestinationPort[{i * 3}]"));

        var union = Rule(ors);
        var exclusion = Rule(nots);

        Assert.Equal((1, 1), (union.ConditionCount, union.Cost)); // 4,096 /24s merge into one interval 10.0.0.0-10.15.255.255
        Assert.True(Matches(ors, Flow(src: "10.15.255.255")));
        Assert.False(Matches(ors, Flow(src: "10.16.0.0")));
        Assert.Equal((1, 14), (exclusion.ConditionCount, exclusion.Cost)); // 4,096 separate ports: a binary search of 12 steps, plus 2
        Assert.False(Matches(nots, Flow(dstPort: 3 * 4095)));
        Assert.True(Matches(nots, Flow(dstPort: (3 * 4095) + 1)));
    }

    [Fact]
    public void Parse_HundredThousandRanges_AcceptedWhenLongEnoughAllowedAndCostsABinarySearch()
    {
        var text = "SourceIP[" + string.Join(',', Enumerable.Range(0, 100_000).Select(i => $"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}-10.{i >> 16}.{(i >> 8) & 255}.{i & 255}")) + "]";
        var spaced = "SourceIP[" + string.Join(',', Enumerable.Range(0, 100_000).Select(i => $"{i & 255}.{(i >> 8) & 255}.{i >> 16}.7")) + "]";

        var byDefault = FilterRule.Parse(text, new Core.Sensors.LimitsOptions().Filters);
        var raised = FilterRule.Parse(spaced, new FilterLimits(4_000_000, 1000));

        Assert.False(byDefault.Success);
        Assert.Contains("more than the limit of 65,536 (Limits:MaxFilterLength)", Assert.Single(byDefault.Errors).Message, StringComparison.Ordinal);
        Assert.True(raised.Success, string.Join("; ", raised.Errors));
        Assert.Equal(18, raised.Rule!.Cost);
        Assert.True(Matches(spaced, Flow(src: "159.134.1.7"))); // i = 99,999
        Assert.False(Matches(spaced, Flow(src: "159.134.1.8")));
        Assert.False(Matches(spaced, Flow(src: "160.134.1.7")));
    }

    [Fact]
    public void Parse_LongAndChainBeyondTheBudget_RefusedNamingTheLimit()
    {
        var text = string.Join(" and ", Enumerable.Range(0, 200_000).Select(i => $"Port[0-{65535 - (i % 60000)}]"));

        var result = FilterRule.Parse(text, new FilterLimits(int.MaxValue, 1000));

        var error = Assert.Single(result.Errors);
        Assert.Equal(1, error.Position);
        Assert.StartsWith("the rule can take 120,000 comparisons per flow, more than the budget of 1,000 (Limits:MaxFilterCost)", error.Message, StringComparison.Ordinal);
        Assert.Null(result.Rule);
    }

    [Fact]
    public void Parse_WithinBudget_Accepted_AndCostCountsBothSidesOfEitherSideFields()
    {
        var rule = FilterRule.Parse("Protocol[TCP] and Port[80,443] and not IP[10.0.0.0/8]", new FilterLimits(100, 7));

        Assert.True(rule.Success, string.Join("; ", rule.Errors));
        Assert.Equal(1 + (2 * 2) + 2, rule.Rule!.Cost);
        Assert.False(FilterRule.Parse("Protocol[TCP] and Port[80,443] and not IP[10.0.0.0/8]", new FilterLimits(100, 6)).Success);
    }

    [Fact]
    public void ChannelDefinition_AllRulesTogetherBeyondTheBudget_RefusedNamingTheLimit()
    {
        var text = new StringBuilder();
        for (var i = 1; i <= 40; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"#{i}:Channel {i}\nProtocol[TCP] and SourcePort[{i}] and DestinationPort[{i + 1000}]\n");
        }

        var refused = Core.Channels.ChannelSet.FromDefinition(text.ToString(), new FilterLimits(65_536, 100));
        var accepted = Core.Channels.ChannelSet.FromDefinition(text.ToString(), new FilterLimits(65_536, 120));

        var error = Assert.Single(refused.Errors);
        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains("the channel definition can take 120 comparisons per flow, more than the budget of 100 (Limits:MaxFilterCost)", error.Message, StringComparison.Ordinal);
        Assert.True(accepted.Success);
        Assert.Equal(120, accepted.Set!.Cost);
    }

    [Theory]
    [InlineData("*.*.*.1", "10.9.8.1", true)]
    [InlineData("*.*.*.1", "10.9.8.2", false)]
    [InlineData("10.*.5.1-3", "10.200.5.3", true)]
    [InlineData("10.0.0.0/255.0.255.0", "10.7.0.99", true)]
    [InlineData("10.0.0.0/255.0.255.0", "10.7.1.99", false)]
    [InlineData("*.*.*.1,10.0.0.0/8", "10.1.1.2", true)]
    [InlineData("*.*.*.1,10.0.0.0/8", "11.1.1.1", true)]
    [InlineData("*.*.*.1,10.0.0.0/8", "2001:db8::1", false)]
    [InlineData("::/0", "10.0.0.1", true)]
    [InlineData("::/0", "2001:db8::1", true)]
    public void Matches_MasksWithHolesBesidePrefixes_EachGroupTested(string values, string address, bool expected) =>
        Assert.Equal(expected, Matches($"SourceIP[{values}]", Flow(src: address)));

    private static readonly string[] AddressFields = ["SourceIP", "DestinationIP", "IP"];
    private static readonly string[] NumberFields = ["Port", "SourcePort", "DestinationPort", "Protocol", "VLAN"];

    private static string RandomRule(Random random, int depth)
    {
        var kind = depth >= 3 ? 0 : random.Next(6);
        switch (kind)
        {
            case 1 or 2:
                var op = kind == 1 ? " and " : " or ";
                var parts = Enumerable.Range(0, random.Next(2, 6)).Select(_ => RandomRule(random, depth + 1));
                return "(" + string.Join(op, parts) + ")";
            case 3:
                return "not " + RandomRule(random, depth + 1);
            case 4:
                // The same field over and over, as a long hand-written list is.
                var field = random.Next(2) == 0 ? AddressFields[random.Next(AddressFields.Length)] : NumberFields[random.Next(NumberFields.Length)];
                var negate = random.Next(2) == 0;
                var chain = Enumerable.Range(0, random.Next(2, 12)).Select(_ => (negate ? "not " : "") + Condition(random, field));
                return "(" + string.Join(negate ? " and " : " or ", chain) + ")";
            default:
                var any = random.Next(2) == 0 ? AddressFields[random.Next(AddressFields.Length)] : NumberFields[random.Next(NumberFields.Length)];
                return Condition(random, any);
        }
    }

    private static string Condition(Random random, string field)
    {
        var count = random.Next(1, random.Next(2) == 0 ? 4 : 20);
        var values = Enumerable.Range(0, count).Select(_ => AddressFields.Contains(field) ? AddressValue(random) : NumberValue(random, field));
        return $"{field}[{string.Join(',', values)}]";
    }

    private static string AddressValue(Random random)
    {
        int a = random.Next(4), b = random.Next(256), c = random.Next(b, 256);
        return random.Next(9) switch
        {
            0 => $"10.0.{a}.{b}",
            1 => $"10.0.{a}.{b}-{c}",
            2 => $"10.0.{a}.0/{random.Next(22, 33)}",
            3 => $"10.0.*.{b}",
            4 => $"10.0.{a}-{a + random.Next(3)}.*",
            5 => $"10.0.{a}.{b}-10.0.{a + random.Next(2)}.{c}",
            6 => $"2001:db8::{b:x}",
            7 => $"2001:db8::/{random.Next(118, 129)}",
            _ => $"*.*.{a}.{b}",
        };
    }

    private static string NumberValue(Random random, string field)
    {
        var max = field == "Protocol" ? 20 : 40;
        var first = random.Next(max);
        return random.Next(3) == 0 ? $"{first}-{first + random.Next(8)}" : $"{first}";
    }

    private static FlowRecord RandomRecord(Random random)
    {
        string Address() => random.Next(5) == 0 ? $"2001:db8::{random.Next(256):x}" : $"10.0.{random.Next(5)}.{random.Next(256)}";
        return Flow(src: Address(), dst: Address(), protocol: (byte)random.Next(20), srcPort: (ushort)random.Next(45), dstPort: (ushort)random.Next(45), vlan: (ushort)random.Next(45));
    }

    /// <summary>The rule as written: each value of each condition tried in turn against the field's side(s).</summary>
    private static bool Reference(FilterNode node, FlowRecord r) => node switch
    {
        AndNode and => and.Children.All(c => Reference(c, r)),
        OrNode or => or.Children.Any(c => Reference(c, r)),
        NotNode not => !Reference(not.Operand, r),
        ConditionNode c => c.Field.Field switch
        {
            FilterField.SourceIp => AnyAddress(c, r.SrcAddr),
            FilterField.DestinationIp => AnyAddress(c, r.DstAddr),
            FilterField.Ip => AnyAddress(c, r.SrcAddr) || AnyAddress(c, r.DstAddr),
            FilterField.Port => AnyNumber(c, r.SrcPort) || AnyNumber(c, r.DstPort),
            FilterField.SourcePort => AnyNumber(c, r.SrcPort),
            FilterField.DestinationPort => AnyNumber(c, r.DstPort),
            FilterField.Protocol => AnyNumber(c, r.Protocol),
            FilterField.Vlan => AnyNumber(c, r.Vlan),
            _ => throw new InvalidOperationException(c.FieldName),
        },
        _ => throw new InvalidOperationException(node.GetType().Name),
    };

    private static bool AnyAddress(ConditionNode c, FlowAddress address) => c.Values.Addresses.Any(p => p.Matches(address));

    private static bool AnyNumber(ConditionNode c, ulong value) => c.Values.Numbers.Any(n => value >= n.First && value <= n.Last);
}

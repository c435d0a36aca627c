using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using static FlowWeb.Tests.Rules.TestFlows;

namespace FlowWeb.Tests.Rules;

public sealed class StandardChannelTests
{
    private static readonly ChannelSet AllYes = ChannelSet.FromStandardGroups(new StandardGroupSelection());

    [Fact]
    public void FromStandardGroups_AllYes_OneChannelPerGroupBetweenTotalAndOther()
    {
        Assert.Equal(
            ["Total", "Web", "File Transfer", "Mail", "Chat", "Remote Control", "Infrastructure", "NetBIOS", "Citrix", "Other Protocols", "Other"],
            AllYes.Channels.Select(c => c.Name));
        Assert.Equal([-1, 100, 200, 300, 400, 500, 600, 700, 800, 900, 0], AllYes.Channels.Select(c => c.Id));
        Assert.Equal(0, ChannelSet.TotalIndex);
        Assert.Equal(10, AllYes.OtherIndex);
        Assert.False(AllYes.IsCustom);
        Assert.All(AllYes.Channels, c => Assert.Null(c.Unit));
        Assert.StartsWith("HTTP (TCP 80); HTTPS (TCP/UDP 443)", AllYes.Channels[1].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void FromStandardGroups_WebDetailRestNo_ListsWebProtocols()
    {
        var set = ChannelSet.FromStandardGroups(new StandardGroupSelection(ChannelGroupMode.No).With(StandardChannelGroup.Web, ChannelGroupMode.Detail));

        Assert.Equal(["Total", "HTTP", "HTTPS", "HTTP alternate", "Other"], set.Channels.Select(c => c.Name));
        Assert.Equal([-1, 101, 102, 103, 0], set.Channels.Select(c => c.Id));
        Assert.Equal("TCP/UDP 443", set.Channels[2].Description);
    }

    [Fact]
    public void FromStandardGroups_OtherProtocolsDetail_SplitsTcpAndUdp()
    {
        var set = ChannelSet.FromStandardGroups(new StandardGroupSelection(ChannelGroupMode.No).With(StandardChannelGroup.OtherProtocols, ChannelGroupMode.Detail));

        Assert.Equal(["Total", "Other TCP", "Other UDP", "Other"], set.Channels.Select(c => c.Name));
        Assert.Equal(1, Classify(set, Flow(protocol: 6, srcPort: 40000, dstPort: 50000)));
        Assert.Equal(2, Classify(set, Flow(protocol: 17, srcPort: 40000, dstPort: 50000)));
        Assert.Equal(3, Classify(set, Flow(protocol: 6, srcPort: 40000, dstPort: 443)));
    }

    [Fact]
    public void FromStandardGroups_AllDetail_HasEveryProtocolWithUniqueIds()
    {
        var set = ChannelSet.FromStandardGroups(new StandardGroupSelection(ChannelGroupMode.Detail));

        Assert.Equal(StandardChannelMap.Protocols.Count + 4, set.Channels.Count);
        Assert.Equal(set.Channels.Count, set.Channels.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void FromStandardGroups_AllNo_OnlyTotalAndOther()
    {
        var set = ChannelSet.FromStandardGroups(new StandardGroupSelection(ChannelGroupMode.No));

        Assert.Equal(["Total", "Other"], set.Channels.Select(c => c.Name));
        Assert.Equal(1, Classify(set, Flow(dstPort: 443)));
    }

    [Theory]
    [InlineData(6, 51000, 443, "Web")]
    [InlineData(6, 443, 51000, "Web")]
    [InlineData(17, 51000, 443, "Web")] // QUIC
    [InlineData(6, 50000, 8080, "Web")]
    [InlineData(17, 50000, 53, "Infrastructure")]
    [InlineData(6, 53, 50000, "Infrastructure")]
    [InlineData(1, 0, 2048, "Infrastructure")] // ICMP echo: type and code in the destination port
    [InlineData(58, 0, 32768, "Infrastructure")]
    [InlineData(89, 0, 0, "Infrastructure")]
    [InlineData(17, 68, 67, "Infrastructure")]
    [InlineData(17, 546, 547, "Infrastructure")]
    [InlineData(6, 50000, 21, "File Transfer")]
    [InlineData(17, 50000, 6885, "File Transfer")]
    [InlineData(6, 50000, 993, "Mail")]
    [InlineData(6, 50000, 6667, "Chat")]
    [InlineData(6, 50000, 22, "Remote Control")]
    [InlineData(17, 50000, 3389, "Remote Control")]
    [InlineData(6, 50000, 445, "NetBIOS")]
    [InlineData(17, 137, 137, "NetBIOS")]
    [InlineData(6, 50000, 2598, "Citrix")]
    [InlineData(17, 40000, 50000, "Other Protocols")]
    [InlineData(6, 40000, 50000, "Other Protocols")]
    [InlineData(17, 50000, 22, "Other Protocols")] // SSH is listed for TCP only
    [InlineData(6, 50000, 69, "Other Protocols")] // TFTP is listed for UDP only
    [InlineData(6, 50000, 514, "Other Protocols")] // TCP 514 is rsh, not syslog
    [InlineData(47, 0, 0, "Other")] // GRE
    [InlineData(50, 0, 0, "Other")] // ESP
    [InlineData(132, 50000, 443, "Other")] // SCTP: not TCP or UDP, so its ports do not count
    public void Classify_AllYes_PutsSampleFlowsInTheirGroup(int protocol, int srcPort, int dstPort, string channel)
    {
        var index = Classify(AllYes, Flow(protocol: (byte)protocol, srcPort: (ushort)srcPort, dstPort: (ushort)dstPort));

        Assert.Equal(channel, AllYes.Channels[index].Name);
    }

    [Theory]
    [InlineData(6, 22, 80, "Remote Control")]
    [InlineData(6, 80, 22, "Remote Control")]
    [InlineData(17, 443, 53, "Infrastructure")]
    public void Classify_BothPortsListed_LowerPortDecidesInBothDirections(int protocol, int srcPort, int dstPort, string channel) =>
        Assert.Equal(channel, AllYes.Channels[Classify(AllYes, Flow(protocol: (byte)protocol, srcPort: (ushort)srcPort, dstPort: (ushort)dstPort))].Name);

    [Fact]
    public void Classify_WebDetail_HttpsGoesToItsOwnChannel()
    {
        var set = ChannelSet.FromStandardGroups(new StandardGroupSelection().With(StandardChannelGroup.Web, ChannelGroupMode.Detail));

        Assert.Equal(102, set.Channels[Classify(set, Flow(dstPort: 443))].Id);
        Assert.Equal(101, set.Channels[Classify(set, Flow(srcPort: 80, dstPort: 50123))].Id);
        Assert.Equal(103, set.Channels[Classify(set, Flow(dstPort: 8443))].Id);
        Assert.Equal("Mail", set.Channels[Classify(set, Flow(dstPort: 25))].Name);
    }

    [Fact]
    public void Classify_GroupSetToNo_GoesToOtherNotOtherProtocols()
    {
        var set = ChannelSet.FromStandardGroups(new StandardGroupSelection().With(StandardChannelGroup.Web, ChannelGroupMode.No));

        Assert.DoesNotContain(set.Channels, c => c.Name == "Web");
        Assert.Equal(set.OtherIndex, Classify(set, Flow(dstPort: 443)));
        Assert.Equal("Other Protocols", set.Channels[Classify(set, Flow(dstPort: 40000))].Name);
    }

    [Fact]
    public void Classify_OtherProtocolsNo_UnlistedTcpGoesToOther()
    {
        var set = ChannelSet.FromStandardGroups(new StandardGroupSelection().With(StandardChannelGroup.OtherProtocols, ChannelGroupMode.No));

        Assert.Equal(set.OtherIndex, Classify(set, Flow(srcPort: 40000, dstPort: 50000)));
        Assert.Equal("Infrastructure", set.Channels[Classify(set, Flow(protocol: 17, dstPort: 53))].Name);
    }

    [Fact]
    public void Classify_AllDetail_EveryProtocolOnEachOfItsPortsReachesItsChannel()
    {
        var set = ChannelSet.FromStandardGroups(new StandardGroupSelection(ChannelGroupMode.Detail));
        var checkedFlows = 0;
        foreach (var protocol in StandardChannelMap.Protocols)
        {
            foreach (var (ipProtocol, port) in PortsOf(protocol.Description))
            {
                var asServer = Flow(protocol: ipProtocol, srcPort: 50000, dstPort: port);
                var asClient = Flow(protocol: ipProtocol, srcPort: port, dstPort: 50000);
                Assert.Equal(protocol.ChannelId, set.Channels[Classify(set, asServer)].Id);
                Assert.Equal(protocol.ChannelId, set.Channels[Classify(set, asClient)].Id);
                checkedFlows++;
            }
        }

        Assert.True(checkedFlows > 80, $"only {checkedFlows} ports were checked");
    }

    [Fact]
    public void Classify_ManyFlows_AllocatesNothing()
    {
        var set = ChannelSet.FromStandardGroups(new StandardGroupSelection(ChannelGroupMode.Detail));
        var flows = new[] { Flow(dstPort: 443), Flow(protocol: 17, dstPort: 53), Flow(protocol: 1), Flow(protocol: 47), Flow(dstPort: 40000) };
        var sum = 0;
        foreach (var flow in flows)
        {
            sum += Classify(set, flow);
        }

        Assert.Equal(0, SteadyAllocations.Of(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                sum += set.Classify(in flows[i % flows.Length], Exporter);
            }
        }));
        Assert.True(sum > 0);
    }

    [Fact]
    public void Selection_UnknownGroupOrMode_Throws()
    {
        var selection = new StandardGroupSelection();

        Assert.Throws<ArgumentOutOfRangeException>(() => selection[(StandardChannelGroup)99]);
        Assert.Throws<ArgumentOutOfRangeException>(() => selection[StandardChannelGroup.Web] = (ChannelGroupMode)7);
    }

    [Fact]
    public void IndexOf_KnownAndUnknownIds_FindsTheChannel()
    {
        Assert.Equal(0, AllYes.IndexOf(ChannelIds.Total));
        Assert.Equal(AllYes.OtherIndex, AllYes.IndexOf(ChannelIds.Other));
        Assert.Equal(6, AllYes.IndexOf(600));
        Assert.Equal(-1, AllYes.IndexOf(601));
    }

    [Fact]
    public void StandardChannelsDocument_ListsEveryGroupAndProtocolAsTheCodeDoes()
    {
        var document = File.ReadAllText(Path.Combine(RepositoryRoot(), "FlowWeb.Core", "Channels", "STANDARD_CHANNELS.md"));

        Assert.Contains("not PRTG's map", document, StringComparison.Ordinal);
        foreach (var group in StandardChannelMap.Groups)
        {
            Assert.Contains($"### {group.Name} (id {group.ChannelId})", document, StringComparison.Ordinal);
        }

        foreach (var protocol in StandardChannelMap.Protocols)
        {
            Assert.Contains($"| {protocol.ChannelId} | {protocol.Name} | {protocol.Description} |", document, StringComparison.Ordinal);
        }

        Assert.Contains($"| {StandardChannelMap.OtherTcpChannelId} | Other TCP |", document, StringComparison.Ordinal);
        Assert.Contains($"| {StandardChannelMap.OtherUdpChannelId} | Other UDP |", document, StringComparison.Ordinal);
    }

    private static int Classify(ChannelSet set, FlowRecord record) => set.Classify(in record, Exporter);

    /// <summary>Reads "TCP 80, 8080; UDP 53" / "TCP/UDP 6881-6889" / "IP protocol 1" back into (protocol, port) samples.</summary>
    private static IEnumerable<(byte Protocol, ushort Port)> PortsOf(string description)
    {
        if (description.StartsWith("IP protocol ", StringComparison.Ordinal))
        {
            yield return (byte.Parse(description["IP protocol ".Length..], System.Globalization.CultureInfo.InvariantCulture), 0);
            yield break;
        }

        foreach (var part in description.Split("; "))
        {
            var space = part.IndexOf(' ', StringComparison.Ordinal);
            byte[] transports = part[..space] switch { "TCP" => [6], "UDP" => [17], _ => [6, 17] };
            foreach (var item in part[(space + 1)..].Split(", "))
            {
                var bounds = item.Split('-').Select(p => ushort.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                foreach (var transport in transports)
                {
                    yield return (transport, bounds[0]);
                    yield return (transport, bounds[^1]);
                }
            }
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FlowWeb.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FlowWeb.sln not found above the test output folder.");
    }
}

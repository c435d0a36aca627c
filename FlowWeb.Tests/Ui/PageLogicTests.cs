using FlowWeb.Components.Pages.Sections;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Tests.Ui;

/// <summary>The decisions pages make without rendering: which exporters no sensor takes, the setup commands, the form's round trip.</summary>
public sealed class PageLogicTests
{
    private static readonly ExporterFrame Office = Exporter("192.0.2.1", 9);
    private static readonly ExporterFrame Branch = Exporter("192.0.2.2", 10);

    [Fact]
    public void Unassigned_NoSensorNamesExporter_Listed()
    {
        var sensors = new[] { new SensorDefinition { Name = "office", SenderIp = "192.0.2.1" } };

        var unassigned = SensorRouting.Unassigned([Office, Branch], sensors);

        Assert.Equal([Branch.Address], unassigned.Select(e => e.Address));
    }

    [Fact]
    public void Unassigned_RunningAnySenderSensor_NoneListed_PausedOneDoesNotCount()
    {
        Assert.Empty(SensorRouting.Unassigned([Office, Branch], [new SensorDefinition { Name = "all", SenderIp = "" }]));
        Assert.Equal(2, SensorRouting.Unassigned([Office, Branch], [new SensorDefinition { Name = "all", Paused = true }]).Count);
    }

    [Theory]
    [InlineData(5, "protocol=NetFlowV5")]
    [InlineData(9, "protocol=NetFlowV9")]
    [InlineData(10, "protocol=Ipfix")]
    public void NewSensorLink_ExporterVersion_PicksProtocolAndKeepsSenderAndPort(int version, string protocol)
    {
        var link = SensorRouting.NewSensorLink(Exporter("192.0.2.7", version), 2055);

        Assert.Equal($"sensors/new?sender=192.0.2.7&port=2055&{protocol}", link);
    }

    [Fact]
    public void RouterOs7_Ipfix_EnablesTargetAndIpfixFields()
    {
        var commands = ExporterCommands.RouterOs7("192.0.2.10", 4739, ExpectedProtocol.Ipfix).Split('\n');

        Assert.Equal(
        [
            "/ip traffic-flow set enabled=yes interfaces=all active-flow-timeout=1m inactive-flow-timeout=15s",
            "/ip traffic-flow target add dst-address=192.0.2.10 port=4739 version=ipfix",
            "/ip traffic-flow ipfix set sys-init-time=yes nat-src-address=yes nat-dst-address=yes nat-src-port=yes nat-dst-port=yes",
        ], commands);
    }

    [Theory]
    [InlineData(ExpectedProtocol.NetFlowV9, "version=9")]
    [InlineData(ExpectedProtocol.NetFlowV5, "version=5")]
    [InlineData(ExpectedProtocol.JFlow, "version=9")]
    public void RouterOs6_Protocol_OneTargetLineWithItsVersion(ExpectedProtocol protocol, string version)
    {
        var commands = ExporterCommands.RouterOs6("192.0.2.10", 2055, protocol).Split('\n');

        Assert.Equal(2, commands.Length);
        Assert.Equal($"/ip traffic-flow target add dst-address=192.0.2.10 port=2055 {version}", commands[1]);
    }

    [Fact]
    public void SensorFormModel_UnchangedRoundTrip_SameAggregationSoTheSensorKeepsItsLiveData()
    {
        var stored = new SensorDefinition
        {
            Name = "office",
            Tags = ["wan", "office"],
            ChannelGroups = new Dictionary<StandardChannelGroup, ChannelGroupMode> { [StandardChannelGroup.Web] = ChannelGroupMode.Detail },
            Toplists = [new ToplistDefinition { Id = 7, Name = "By VLAN", Type = ToplistType.Custom, Fields = [ToplistField.Vlan, ToplistField.SourceIp] }],
        };

        var saved = SensorFormModel.From(stored).ToDefinition();

        Assert.True(SensorShape.SameAggregation(stored, saved));
        Assert.Equal(stored.Tags, saved.Tags);
        Assert.Equal([ToplistField.Vlan, ToplistField.SourceIp], saved.Toplists[0].Fields);
    }

    [Fact]
    public void SensorFormModel_GroupSetToNo_OnlyThatGroupListed()
    {
        var model = SensorFormModel.From(new SensorDefinition { Name = "x" });
        model.Groups[StandardChannelGroup.Chat] = ChannelGroupMode.No;
        model.Tags = "a, b  c;a";

        var saved = model.ToDefinition();

        Assert.Equal(new Dictionary<StandardChannelGroup, ChannelGroupMode> { [StandardChannelGroup.Chat] = ChannelGroupMode.No }, saved.ChannelGroups);
        Assert.Equal(["a", "b", "c"], saved.Tags);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.3, 0.5)]
    [InlineData(1, 1)]
    [InlineData(1.01, 2)]
    [InlineData(2100, 2500)]
    [InlineData(7654, 10_000)]
    public void TrafficChart_NiceCeiling_RoundsUpToOneTwoTwoAndAHalfOrFive(double value, double expected) =>
        Assert.Equal(expected, TrafficChart.NiceCeiling(value), 9);

    private static ExporterFrame Exporter(string address, int version) =>
        new(FlowAddress.Parse(address), version, Datagrams: 1, Flows: 1, Octets: 0, Packets: 0, TemplatesKnown: 1, PendingSets: 0, PendingBytes: 0,
            RecordsDecodedFromPending: 0, DecodeErrors: 0, ErrorsByReason: new Dictionary<DecodeStatus, long>(), ErrorsLastMinute: 0, LostFlowsEstimate: 0,
            Reordered: 0, SequenceResets: 0, LastSamplingRate: 1, SamplingByteSwapped: 0, ImplausibleRecords: 0, FirstSeen: DateTimeOffset.UnixEpoch,
            LastSeen: DateTimeOffset.UnixEpoch);
}

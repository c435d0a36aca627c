using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using IE = FlowWeb.Core.Decoding.InformationElements;

namespace FlowWeb.Tests.Encoding;

/// <summary>
/// Issue 16.5: templates carrying both IPv4 and IPv6 address elements with one family zero-filled, and data decoded
/// before the sampling that an options record of the same datagram announces.
/// </summary>
public sealed class DualFamilyAndHeldSamplingTests
{
    private static readonly ushort[] V4Elements =
        [IE.SourceIPv4Address, IE.DestinationIPv4Address, IE.IpNextHopIPv4Address, IE.PostNatSourceIPv4Address, IE.PostNatDestinationIPv4Address];

    private static readonly ushort[] V6Elements =
        [IE.SourceIPv6Address, IE.DestinationIPv6Address, IE.IpNextHopIPv6Address, IE.PostNatSourceIPv6Address, IE.PostNatDestinationIPv6Address];

    /// <summary>A data template without sampling elements of its own: the domain's rate applies.</summary>
    private static readonly FlowTemplate Unsampled = new(256,
        [new(IE.SourceIPv4Address, 4), new(IE.DestinationIPv4Address, 4), new(IE.OctetDeltaCount, 4), new(IE.PacketDeltaCount, 4), new(IE.ProtocolIdentifier, 1)]);

    /// <summary>Both families for source, destination, next hop and post-NAT; IPv4 first or IPv6 first.</summary>
    private static FlowTemplate DualTemplate(bool v6First)
    {
        var fields = new List<TemplateField>();
        for (var i = 0; i < V4Elements.Length; i++)
        {
            TemplateField v4 = new(V4Elements[i], 4), v6 = new(V6Elements[i], 16);
            fields.AddRange(v6First ? [v6, v4] : [v4, v6]);
        }

        fields.AddRange([new(IE.OctetDeltaCount, 4), new(IE.PacketDeltaCount, 4), new(IE.ProtocolIdentifier, 1)]);
        return new FlowTemplate(400, fields);
    }

    [Theory]
    [InlineData(ExportProtocol.Ipfix, false)]
    [InlineData(ExportProtocol.Ipfix, true)]
    [InlineData(ExportProtocol.NetFlowV9, false)]
    [InlineData(ExportProtocol.NetFlowV9, true)]
    public void DualFamilyTemplate_OtherFamilyZeroFilled_TheFilledFamilyWins(ExportProtocol protocol, bool v6First)
    {
        var template = DualTemplate(v6First);
        var v4 = new FlowRecord
        {
            SrcAddr = FlowAddress.Parse("192.0.2.1"), DstAddr = FlowAddress.Parse("198.51.100.2"), NextHop = FlowAddress.Parse("192.0.2.254"),
            PostNatSrcAddr = FlowAddress.Parse("203.0.113.7"), PostNatDstAddr = FlowAddress.Parse("198.51.100.9"), Bytes = 1500, Packets = 3, Protocol = 6,
        };
        var v6 = new FlowRecord
        {
            SrcAddr = FlowAddress.Parse("2001:db8::1"), DstAddr = FlowAddress.Parse("2001:db8:1::2"), NextHop = FlowAddress.Parse("fe80::1"),
            PostNatSrcAddr = FlowAddress.Parse("2001:db8:3::3"), PostNatDstAddr = FlowAddress.Parse("2001:db8:4::4"), Bytes = 900, Packets = 2, Protocol = 17,
        };

        // The exporter zero-fills the family a record does not have: the encoder writes 0.0.0.0 into the IPv4 fields of an
        // IPv6 record by itself; the IPv6 fields of an IPv4 record are zeroed explicitly (it would write ::ffff:a.b.c.d).
        var zeroV6 = new ElementValues();
        foreach (var e in V6Elements)
        {
            zeroV6.SetBytes(e, new byte[16]);
        }

        var decoded = Encode(protocol, template, [v4, v6], [zeroV6, null]);

        Assert.Equal(2, decoded.Length);
        foreach (var (expected, actual) in new[] { (v4, decoded[0]), (v6, decoded[1]) })
        {
            Assert.Equal(expected.SrcAddr, actual.SrcAddr);
            Assert.Equal(expected.DstAddr, actual.DstAddr);
            Assert.Equal(expected.NextHop, actual.NextHop);
            Assert.Equal(expected.PostNatSrcAddr, actual.PostNatSrcAddr);
            Assert.Equal(expected.PostNatDstAddr, actual.PostNatDstAddr);
            Assert.Equal((expected.Bytes, expected.Packets, expected.Protocol), (actual.Bytes, actual.Packets, actual.Protocol));
        }
    }

    [Fact]
    public void DualFamilyTemplate_BothFamiliesZero_IPv4ZeroAddress()
    {
        var template = DualTemplate(v6First: true);
        var zeroV6 = new ElementValues();
        foreach (var e in V6Elements)
        {
            zeroV6.SetBytes(e, new byte[16]);
        }

        var decoded = Encode(ExportProtocol.Ipfix, template, [new FlowRecord { SrcAddr = FlowAddress.Parse("192.0.2.1"), Bytes = 1, Packets = 1 }], [zeroV6]);

        Assert.Equal(FlowAddress.Parse("0.0.0.0"), decoded[0].NextHop);
        Assert.Equal(FlowAddress.Parse("192.0.2.1"), decoded[0].SrcAddr);
    }

    [Theory]
    [InlineData(ExportProtocol.Ipfix)]
    [InlineData(ExportProtocol.NetFlowV9)]
    public void DataBeforeOptionsRecordInOneDatagram_ScaledWithTheAnnouncedRate(ExportProtocol protocol)
    {
        // One datagram: data (template 256), then options data announcing 1-in-100 for the whole domain, then more data.
        var data = Unsampled;
        var options = protocol == ExportProtocol.Ipfix
            ? new FlowTemplate(600, [new(143, 4), new(IE.SamplingInterval, 4), new(IE.SamplingAlgorithm, 1)], scopeFieldCount: 1, isOptions: true)
            : new FlowTemplate(600, [new(1, 4), new(IE.SamplingInterval, 4), new(IE.SamplingAlgorithm, 1)], scopeFieldCount: 1, isOptions: true, scopesAreV9Types: true);
        var records = SampleFlows.Create(6, ipv6: false, data).Skip(2).ToArray();
        var rate = new ElementValues().SetUnsigned(IE.SamplingInterval, 100).SetUnsigned(IE.SamplingAlgorithm, 1);
        var buffer = new byte[8000];
        int length;
        if (protocol == ExportProtocol.Ipfix)
        {
            var message = new IpfixEncoder(Exchange.Domain) { BootTimeMs = SampleFlows.BootMs }.Begin(buffer, SampleFlows.ExportMs);
            Assert.True(message.TryAddTemplates(data, options));
            Assert.Equal(2, message.AddDataRecords(data, records.AsSpan(0, 2)));
            Assert.Equal(1, message.AddOptionsRecords(options, rate));
            Assert.Equal(2, message.AddDataRecords(data, records.AsSpan(2)));
            length = message.Finish();
        }
        else
        {
            var packet = new NetFlowV9Encoder(Exchange.Domain) { BootTimeMs = SampleFlows.BootMs }.Begin(buffer, SampleFlows.ExportMs);
            Assert.True(packet.TryAddTemplates(data, options));
            Assert.Equal(2, packet.AddDataRecords(data, records.AsSpan(0, 2)));
            Assert.Equal(1, packet.AddOptionsRecords(options, rate));
            Assert.Equal(2, packet.AddDataRecords(data, records.AsSpan(2)));
            length = packet.Finish();
        }

        using var collector = new Collector();
        var result = collector.FeedOk(buffer.AsSpan(0, length));

        Assert.Equal((4, 1), (result.Records, result.OptionsRecords));
        Assert.All(collector.Records, r => Assert.Equal(100u, r.SamplingRate));
    }

    [Fact]
    public void DataHeldBeforeItsTemplate_ReleasedInTheDatagramThatAnnouncesSampling_ScaledWithIt()
    {
        // Datagram 1: data for a template the collector does not know yet (held). Datagram 2: the template, an options
        // record with 1-in-50 and more data. Every record, held or not, is scaled 1-in-50.
        var data = Unsampled;
        var options = new FlowTemplate(600, [new(143, 4), new(IE.SamplingInterval, 4)], scopeFieldCount: 1, isOptions: true);
        var records = SampleFlows.Create(6, ipv6: false, data).Skip(2).ToArray();
        var encoder = new IpfixEncoder(Exchange.Domain) { BootTimeMs = SampleFlows.BootMs };
        var first = new byte[4000];
        var m1 = encoder.Begin(first, SampleFlows.ExportMs);
        Assert.Equal(2, m1.AddDataRecords(data, records.AsSpan(0, 2)));
        var firstLength = m1.Finish();
        var second = new byte[4000];
        var m2 = encoder.Begin(second, SampleFlows.ExportMs + 1000);
        Assert.True(m2.TryAddTemplates(data, options));
        Assert.Equal(2, m2.AddDataRecords(data, records.AsSpan(2)));
        Assert.Equal(1, m2.AddOptionsRecords(options, new ElementValues().SetUnsigned(IE.SamplingInterval, 50)));
        var secondLength = m2.Finish();
        using var collector = new Collector();

        var held = collector.Feed(first.AsSpan(0, firstLength));
        var released = collector.FeedOk(second.AsSpan(0, secondLength));

        Assert.Equal((DecodeStatus.TemplateMissing, 1), (held.Status, held.SetsHeld));
        Assert.Equal((4, 2), (released.Records, released.RecordsFromPending));
        Assert.Equal(4, collector.Records.Length);
        Assert.All(collector.Records, r => Assert.Equal(50u, r.SamplingRate));
    }

    private static FlowRecord[] Encode(ExportProtocol protocol, FlowTemplate template, FlowRecord[] records, ElementValues?[] perRecord)
    {
        var buffer = new byte[8000];
        int length;
        if (protocol == ExportProtocol.Ipfix)
        {
            var message = new IpfixEncoder(Exchange.Domain) { BootTimeMs = SampleFlows.BootMs }.Begin(buffer, SampleFlows.ExportMs);
            Assert.True(message.TryAddTemplates(template));
            Assert.Equal(records.Length, message.AddDataRecords(template, records, perRecord));
            length = message.Finish();
        }
        else
        {
            var packet = new NetFlowV9Encoder(Exchange.Domain) { BootTimeMs = SampleFlows.BootMs }.Begin(buffer, SampleFlows.ExportMs);
            Assert.True(packet.TryAddTemplates(template));
            Assert.Equal(records.Length, packet.AddDataRecords(template, records, perRecord));
            length = packet.Finish();
        }

        using var collector = new Collector();
        collector.FeedOk(buffer.AsSpan(0, length));
        return collector.Records;
    }
}

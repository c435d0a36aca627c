using System.Buffers.Binary;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Encoding;

/// <summary>RouterOS 7.x-shaped templates (no public capture exists): v9 256/257 and IPFIX 256/257 with IE 160.</summary>
public sealed class RouterOs7ShapeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ros7Ipfix_VariedRecords_RoundTripAnchoredBySystemInitInRecord(bool ipv6)
    {
        var template = ipv6 ? RouterOsTemplates.Ros7IpfixIPv6 : RouterOsTemplates.Ros7IpfixIPv4;
        var records = SampleFlows.Create(12, ipv6, template);
        var buffer = new byte[IpfixEncoder.MaxMessageLength];
        var message = new IpfixEncoder { BootTimeMs = SampleFlows.BootMs }.Begin(buffer, SampleFlows.ExportMs);
        message.TryAddTemplates(template);
        message.AddDataRecords(template, records);
        using var collector = new Collector();

        collector.FeedOk(buffer.AsSpan(0, message.Finish()));

        var decoded = collector.Records;
        RecordAssert.RoundTrip(records, decoded, template, 10, 0);
        Assert.Contains("SamplingRate", RecordAssert.CarriedBy(template));
        Assert.All(decoded, r => Assert.Equal(FlowTimeSource.SystemInitInRecord, r.TimeSource));
        Assert.True(collector.Batch.TryGetElement(decoded[2], InformationElements.SystemInitTimeMilliseconds, 0, out var init));
        Assert.Equal((ulong)SampleFlows.BootMs, BinaryPrimitives.ReadUInt64BigEndian(init));
        Assert.True(collector.Batch.TryGetElement(decoded[2], InformationElements.SamplingAlgorithm, 0, out var algorithm));
        Assert.Equal(records[2].SamplingRate > 1 ? 1 : 0, algorithm[0]);
    }

    [Fact]
    public void Ros7Ipfix_Template_SystemInitRightAfterStartAndEndUptime()
    {
        foreach (var template in new[] { RouterOsTemplates.Ros7IpfixIPv4, RouterOsTemplates.Ros7IpfixIPv6 })
        {
            var ids = template.Fields.Select(f => f.ElementId).ToList();
            var start = ids.IndexOf(InformationElements.FlowStartSysUpTime);
            Assert.Equal([InformationElements.FlowStartSysUpTime, InformationElements.FlowEndSysUpTime, InformationElements.SystemInitTimeMilliseconds],
                ids.GetRange(start, 3));
            Assert.Equal(256 + (template == RouterOsTemplates.Ros7IpfixIPv6 ? 1 : 0), template.Id);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ros7NetFlowV9_VariedRecords_RoundTripOnHeaderUptime(bool ipv6)
    {
        var template = ipv6 ? RouterOsTemplates.Ros7NetFlowV9IPv6 : RouterOsTemplates.Ros7NetFlowV9IPv4;
        var records = SampleFlows.Create(12, ipv6, template);

        var decoded = Exchange.ViaV9(template, records);

        RecordAssert.RoundTrip(records, decoded, template, 9, Exchange.Domain);
        string[] expected = ["SrcAddr", "DstAddr", "SrcMask", "DstMask", "InIf", "OutIf", "NextHop", "Protocol", "TcpFlags", "SamplingRate",
            "Tos", "SrcPort", "DstPort", "EndMs", "StartMs", "Bytes", "Packets", "SrcMac", "DstMac"];
        Assert.Empty(expected.Except(RecordAssert.CarriedBy(template)));
        Assert.All(decoded, r => Assert.Equal(FlowTimeSource.HeaderUptime, r.TimeSource));
    }

    [Fact]
    public void Ros7NetFlowV9IPv4_Template_CarriesPostNatAddressesAndPorts()
    {
        var carried = RecordAssert.CarriedBy(RouterOsTemplates.Ros7NetFlowV9IPv4);

        Assert.Equal(["PostNatSrcAddr", "PostNatDstAddr", "PostNatSrcPort", "PostNatDstPort"], carried.Where(f => f.StartsWith("PostNat", StringComparison.Ordinal)));
        Assert.Equal(256, RouterOsTemplates.Ros7NetFlowV9IPv4.Id);
    }

    [Fact]
    public void Ros7NetFlowV9_TemplateFlowSet_MatchesRfc3954Layout()
    {
        var buffer = new byte[1472];
        var packet = new NetFlowV9Encoder(sourceId: 0).Begin(buffer, SampleFlows.ExportMs);
        Assert.True(packet.TryAddTemplates(RouterOsTemplates.Ros7NetFlowV9IPv4, RouterOsTemplates.Ros7NetFlowV9IPv6));
        var length = packet.Finish();

        var t4 = RouterOsTemplates.Ros7NetFlowV9IPv4;
        var t6 = RouterOsTemplates.Ros7NetFlowV9IPv6;
        var span = buffer.AsSpan(0, length);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16BigEndian(span[2..]));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(span[20..]));
        Assert.Equal(4 + 8 + (4 * (t4.Fields.Length + t6.Fields.Length)), BinaryPrimitives.ReadUInt16BigEndian(span[22..]));
        Assert.Equal(256, BinaryPrimitives.ReadUInt16BigEndian(span[24..]));
        Assert.Equal(t4.Fields.Length, BinaryPrimitives.ReadUInt16BigEndian(span[26..]));
        Assert.Equal(new TemplateField(60, 1), new TemplateField(BinaryPrimitives.ReadUInt16BigEndian(span[28..]), BinaryPrimitives.ReadUInt16BigEndian(span[30..])));
        Assert.Equal(length, 20 + BinaryPrimitives.ReadUInt16BigEndian(span[22..]));
    }
}

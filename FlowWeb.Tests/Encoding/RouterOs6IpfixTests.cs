using System.Buffers.Binary;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Encoding;

/// <summary>RouterOS 6.39.2 IPFIX templates 258/259 against the real capture (testdata README §1).</summary>
public sealed class RouterOs6IpfixTests
{
    private const long CaptureTemplateExportMs = 1_500_481_084_000;

    [Fact]
    public void TemplateMessage_Ros6Templates_ByteIdenticalToCapture()
    {
        var capture = Collector.Capture("ipfix_test_mikrotik_tpl.dat");
        var encoder = new IpfixEncoder(observationDomainId: 0, sequence: 3891);
        var buffer = new byte[1472];

        var message = encoder.Begin(buffer, CaptureTemplateExportMs);
        Assert.True(message.TryAddTemplates(RouterOsTemplates.Ros6IpfixIPv4, RouterOsTemplates.Ros6IpfixIPv6));
        var length = message.Finish();

        Assert.Equal(Convert.ToHexString(capture), Convert.ToHexString(buffer, 0, length));
        Assert.Equal(3891u, encoder.Sequence);
    }

    [Fact]
    public void Templates_Ros6_RecordLengthsAsRouterOsSends()
    {
        Assert.Equal(51, RouterOsTemplates.Ros6IpfixIPv4.FixedLength);
        Assert.Equal(79, RouterOsTemplates.Ros6IpfixIPv6.FixedLength);
        Assert.Equal(
            ["StartMs", "EndMs", "Packets", "Bytes", "SrcPort", "DstPort", "InIf", "OutIf", "Protocol", "TcpFlags",
             "SrcAddr", "DstAddr", "NextHop", "PostNatSrcAddr", "PostNatDstAddr"],
            RecordAssert.CarriedBy(RouterOsTemplates.Ros6IpfixIPv4));
    }

    [Fact]
    public void CaptureData_AfterEncodedTemplates_DecodesLogstashValues()
    {
        using var collector = new Collector();
        var buffer = new byte[1472];
        var message = new IpfixEncoder(0, 3891).Begin(buffer, CaptureTemplateExportMs);
        message.TryAddTemplates(RouterOsTemplates.Ros6IpfixIPv4, RouterOsTemplates.Ros6IpfixIPv6);
        collector.FeedOk(buffer.AsSpan(0, message.Finish()));

        collector.FeedOk(Collector.Capture("ipfix_test_mikrotik_data258.dat"));
        collector.FeedOk(Collector.Capture("ipfix_test_mikrotik_data259.dat"));

        var records = collector.Records;
        Assert.Equal(46, records.Length);
        var first = records[0];
        Assert.Equal(("10.10.8.197", 123, "192.168.128.17", 123, 17), (first.SrcAddr.ToString(), (int)first.SrcPort, first.DstAddr.ToString(), (int)first.DstPort, (int)first.Protocol));
        Assert.Equal((2ul, 152ul, 13u, 7u), (first.Packets, first.Bytes, first.InIf, first.OutIf));
        Assert.Equal(("192.168.224.1", "192.168.230.216", "192.168.128.17"), (first.NextHop.ToString(), first.PostNatSrcAddr.ToString(), first.PostNatDstAddr.ToString()));
        var last = records[45];
        Assert.Equal(("fe80::ff:fe00:1201", "ff02::1", 5678, 370ul), (last.SrcAddr.ToString(), last.NextHop.ToString(), (int)last.DstPort, last.Bytes));

        // The capture's template message has sequence 3891 and the first data message 3936: the 45 records
        // sent in between were not captured, and the sequence shows it.
        Assert.Equal(3936 - 3891, collector.Stats.LostFlowsEstimate);
    }

    [Theory]
    [InlineData("ipfix_test_mikrotik_data258.dat", 0)]
    [InlineData("ipfix_test_mikrotik_data259.dat", 2)]
    public void CaptureData_DecodedThenEncoded_SameBytesExceptPadding(string file, int garbagePadding)
    {
        var capture = Collector.Capture(file);
        using var collector = new Collector();
        var buffer = new byte[1472];
        var templates = new IpfixEncoder(0, 3891).Begin(buffer, CaptureTemplateExportMs);
        templates.TryAddTemplates(RouterOsTemplates.Ros6IpfixIPv4, RouterOsTemplates.Ros6IpfixIPv6);
        collector.FeedOk(buffer.AsSpan(0, templates.Finish()));
        collector.FeedOk(capture);
        var records = collector.Records;

        // The decoder anchors uptimes on its boot-time estimate; any anchor re-encodes to the same uptimes.
        Assert.True(collector.Batch.TryGetElement(records[0], InformationElements.FlowStartSysUpTime, 0, out var startUptime));
        var template = records[0].TemplateId == 258 ? RouterOsTemplates.Ros6IpfixIPv4 : RouterOsTemplates.Ros6IpfixIPv6;
        var encoder = new IpfixEncoder(0, BinaryPrimitives.ReadUInt32BigEndian(capture.AsSpan(8)))
        {
            BootTimeMs = records[0].StartMs - BinaryPrimitives.ReadUInt32BigEndian(startUptime),
        };
        var message = encoder.Begin(buffer, BinaryPrimitives.ReadUInt32BigEndian(capture.AsSpan(4)) * 1000L);
        Assert.Equal(records.Length, message.AddDataRecords(template, records));
        var length = message.Finish();

        // RouterOS pads the IPv6 set with two garbage bytes (0x6bab); the encoder pads with zeros.
        Assert.Equal(capture.Length, length);
        Assert.Equal(Convert.ToHexString(capture, 0, length - garbagePadding), Convert.ToHexString(buffer, 0, length - garbagePadding));
        Assert.All(buffer.AsSpan(length - garbagePadding, garbagePadding).ToArray(), b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ros6Shape_VariedRecords_RoundTripWithEstimatedBootTime(bool ipv6)
    {
        var template = ipv6 ? RouterOsTemplates.Ros6IpfixIPv6 : RouterOsTemplates.Ros6IpfixIPv4;
        var records = SampleFlows.Create(20, ipv6, template);
        var encoder = new IpfixEncoder { BootTimeMs = SampleFlows.BootMs };
        var buffer = new byte[IpfixEncoder.MaxMessageLength];
        using var collector = new Collector();

        // No IE 160 and no uptime in the IPFIX header: the decoder estimates the boot time from the freshest
        // record (export − its end uptime). Record 0 ends exactly at the export second, so the estimate is exact.
        var message = encoder.Begin(buffer, SampleFlows.ExportMs);
        message.TryAddTemplates(template);
        Assert.Equal(records.Length, message.AddDataRecords(template, records));
        collector.FeedOk(buffer.AsSpan(0, message.Finish()));

        var decoded = collector.Records;
        RecordAssert.RoundTrip(records, decoded, template, 10, 0);
        Assert.All(decoded, r => Assert.Equal(FlowTimeSource.EstimatedBootTime, r.TimeSource));
        Assert.Equal(20u, encoder.Sequence);
    }
}

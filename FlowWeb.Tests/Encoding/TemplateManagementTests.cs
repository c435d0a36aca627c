using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Encoding;

/// <summary>Data that arrives before its template, and IPFIX template withdrawal (RFC 7011 §8.1).</summary>
public sealed class TemplateManagementTests
{
    [Theory]
    [InlineData(ExportProtocol.Ipfix)]
    [InlineData(ExportProtocol.NetFlowV9)]
    public void DataBeforeTemplate_TemplateInLaterPacket_HeldRecordsDecodeIdentical(ExportProtocol protocol)
    {
        var template = protocol == ExportProtocol.Ipfix ? RouterOsTemplates.Ros7IpfixIPv4 : RouterOsTemplates.Ros7NetFlowV9IPv4;
        var records = SampleFlows.Create(10, ipv6: false, template);
        var ipfix = new IpfixEncoder(Exchange.Domain) { BootTimeMs = SampleFlows.BootMs };
        var v9 = new NetFlowV9Encoder(Exchange.Domain) { BootTimeMs = SampleFlows.BootMs };
        var data = new byte[1472];
        var later = new byte[1472];
        int dataLength, laterLength;
        if (protocol == ExportProtocol.Ipfix)
        {
            var first = ipfix.Begin(data, SampleFlows.ExportMs);
            first.AddDataRecords(template, records);
            dataLength = first.Finish();
            var second = ipfix.Begin(later, SampleFlows.ExportMs + 5000);
            second.TryAddTemplates(template);
            laterLength = second.Finish();
        }
        else
        {
            var first = v9.Begin(data, SampleFlows.ExportMs);
            first.AddDataRecords(template, records);
            dataLength = first.Finish();
            var second = v9.Begin(later, SampleFlows.ExportMs + 5000);
            second.TryAddTemplates(template);
            laterLength = second.Finish();
        }

        using var collector = new Collector();
        var held = collector.Feed(data.AsSpan(0, dataLength));
        var released = collector.FeedOk(later.AsSpan(0, laterLength));

        Assert.Equal((DecodeStatus.TemplateMissing, 0, 1), (held.Status, held.Records, held.SetsHeld));
        Assert.Equal((10, 10), (released.Records, released.RecordsFromPending));
        var decoded = collector.Records;
        RecordAssert.RoundTrip(records, decoded, template, (byte)protocol, Exchange.Domain);
        Assert.All(decoded, r => Assert.True((r.Flags & FlowRecordFlags.WasPending) != 0));
        Assert.Equal(0, collector.Stats.LostFlowsEstimate);
    }

    [Fact]
    public void Withdrawal_OneTemplate_CollectorForgetsItAndHoldsLaterData()
    {
        var template = RouterOsTemplates.Ros7IpfixIPv4;
        var other = RouterOsTemplates.Ros7IpfixIPv6;
        var records = SampleFlows.Create(3, ipv6: false, template);
        var encoder = new IpfixEncoder { BootTimeMs = SampleFlows.BootMs };
        var buffer = new byte[1472];
        using var collector = new Collector();
        var first = encoder.Begin(buffer, SampleFlows.ExportMs);
        first.TryAddTemplates(template, other);
        first.AddDataRecords(template, records);
        collector.FeedOk(buffer.AsSpan(0, first.Finish()));

        var withdraw = encoder.Begin(buffer, SampleFlows.ExportMs + 1000);
        Assert.True(withdraw.TryAddWithdrawal(template.Id));
        var length = withdraw.Finish();
        Assert.Equal("000200080100" + "0000", Convert.ToHexString(buffer, 16, 8));
        collector.FeedOk(buffer.AsSpan(0, length));

        Assert.False(collector.Decoder.Templates.TryGet(new TemplateKey(Collector.Exporter, 10, 0, template.Id), out _));
        Assert.True(collector.Decoder.Templates.TryGet(new TemplateKey(Collector.Exporter, 10, 0, other.Id), out _));
        var after = encoder.Begin(buffer, SampleFlows.ExportMs + 2000);
        after.AddDataRecords(template, records);
        var held = collector.Feed(buffer.AsSpan(0, after.Finish()));
        Assert.Equal((0, 1), (held.Records, held.SetsHeld));
    }

    [Fact]
    public void WithdrawAll_DataTemplates_CollectorForgetsEveryDataTemplateButOptions()
    {
        var options = OptionsTemplates.IpfixSystemInit(512);
        var encoder = new IpfixEncoder(9);
        var buffer = new byte[1472];
        using var collector = new Collector();
        var first = encoder.Begin(buffer, SampleFlows.ExportMs);
        first.TryAddTemplates(RouterOsTemplates.Ros7IpfixIPv4, RouterOsTemplates.Ros7IpfixIPv6, options);
        Assert.Equal(3, collector.FeedOk(buffer.AsSpan(0, first.Finish())).TemplatesLearned);

        var withdraw = encoder.Begin(buffer, SampleFlows.ExportMs);
        Assert.True(withdraw.TryAddWithdrawAll());
        collector.FeedOk(buffer.AsSpan(0, withdraw.Finish()));

        Assert.Equal("0002000800020000", Convert.ToHexString(buffer, 16, 8));
        Assert.False(collector.Decoder.Templates.TryGet(new TemplateKey(Collector.Exporter, 10, 9, 256), out _));
        Assert.False(collector.Decoder.Templates.TryGet(new TemplateKey(Collector.Exporter, 10, 9, 257), out _));
        Assert.True(collector.Decoder.Templates.TryGet(new TemplateKey(Collector.Exporter, 10, 9, 512), out _));
    }
}

using System.Buffers.Binary;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Encoding;

/// <summary>Options templates and options data: systemInitTimeMilliseconds and sampler tables, v9 and IPFIX.</summary>
public sealed class OptionsRecordTests
{
    private static readonly FlowTemplate SampledV4 = new(320,
        [new(8, 4), new(12, 4), new(1, 4), new(2, 4), new(InformationElements.SamplerId, 2), new(152, 8), new(153, 8)]);

    [Fact]
    public void IpfixSystemInitOptions_UptimeOnlyRecords_ExactTimesFromOptions()
    {
        var options = OptionsTemplates.IpfixSystemInit(512);
        var template = RouterOsTemplates.Ros6IpfixIPv4;

        // Record 0 (ending exactly at export) is left out: a boot-time estimate would be off, the options value is not.
        var records = SampleFlows.Create(10, ipv6: false, template).AsSpan(1).ToArray();
        var encoder = new IpfixEncoder(3) { BootTimeMs = SampleFlows.BootMs };
        var buffer = new byte[IpfixEncoder.MaxMessageLength];
        var message = encoder.Begin(buffer, SampleFlows.ExportMs);
        Assert.True(message.TryAddTemplates(template, options));
        Assert.Equal(1, message.AddOptionsRecords(options, OptionsTemplates.SystemInitRecord(SampleFlows.BootMs)));
        message.AddDataRecords(template, records);
        using var collector = new Collector();
        collector.Batch.IncludeOptions = true;

        var result = collector.FeedOk(buffer.AsSpan(0, message.Finish()));

        Assert.Equal((9, 1, 2), (result.Records, result.OptionsRecords, result.TemplatesLearned));
        var decoded = collector.Records;
        Assert.True(decoded[0].IsOptions);
        RecordAssert.RoundTrip(records, decoded.AsSpan(1), template, 10, 3);
        Assert.All(decoded.Skip(1), r => Assert.Equal(FlowTimeSource.SystemInitFromOptions, r.TimeSource));
        Assert.Equal(10u, encoder.Sequence);
    }

    [Theory]
    [InlineData(ExportProtocol.Ipfix)]
    [InlineData(ExportProtocol.NetFlowV9)]
    public void SamplerTable_RecordsWithSamplerId_GetTheirSamplerRate(ExportProtocol protocol)
    {
        var options = protocol == ExportProtocol.Ipfix ? OptionsTemplates.IpfixSamplerTable(600) : OptionsTemplates.NetFlowV9SamplerTable(600);
        var table = new ElementValues?[] { OptionsTemplates.SamplerRecord(1, 100), OptionsTemplates.SamplerRecord(2, 1000) };
        var records = SampleFlows.Create(6, ipv6: false, SampledV4);
        var samplers = records.Select((_, i) => (ElementValues?)new ElementValues().SetUnsigned(InformationElements.SamplerId, (ulong)(1 + (i % 2)))).ToArray();
        var buffer = new byte[4000];
        int length;
        if (protocol == ExportProtocol.Ipfix)
        {
            var message = new IpfixEncoder(Exchange.Domain).Begin(buffer, SampleFlows.ExportMs);
            Assert.True(message.TryAddTemplates(options, SampledV4));
            Assert.Equal(2, message.AddOptionsRecords(options, table));
            Assert.Equal(6, message.AddDataRecords(SampledV4, records, samplers));
            length = message.Finish();
        }
        else
        {
            var packet = new NetFlowV9Encoder(Exchange.Domain).Begin(buffer, SampleFlows.ExportMs);
            Assert.True(packet.TryAddTemplates(options, SampledV4));
            Assert.Equal(2, packet.AddOptionsRecords(options, table));
            Assert.Equal(6, packet.AddDataRecords(SampledV4, records, samplers));
            length = packet.Finish();
            Assert.Equal(2 + 2 + 6, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2)));
        }

        using var collector = new Collector();
        var result = collector.FeedOk(buffer.AsSpan(0, length));

        Assert.Equal((6, 2), (result.Records, result.OptionsRecords));
        var decoded = collector.Records;
        RecordAssert.RoundTrip(records, decoded, SampledV4, (byte)protocol, Exchange.Domain);
        Assert.Equal([100u, 1000u, 100u, 1000u, 100u, 1000u], decoded.Select(r => r.SamplingRate));
    }

    [Fact]
    public void V9OptionsTemplate_ScopeLengthsInBytes_AndPaddedFlowSet()
    {
        var options = OptionsTemplates.NetFlowV9SamplerTable(600);
        var buffer = new byte[200];
        var packet = new NetFlowV9Encoder().Begin(buffer, SampleFlows.ExportMs);

        Assert.True(packet.TryAddTemplates(options));
        var length = packet.Finish();

        // flowset 1, length 28 (26 + 2 padding); template 600, scope length 4 and option length 12, in bytes.
        Assert.Equal(20 + 28, length);
        Assert.Equal("0001001C" + "0258" + "0004" + "000C" + "00010004" + "00300002" + "00310001" + "00320004" + "0000",
            Convert.ToHexString(buffer, 20, 28));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2)));
    }
}

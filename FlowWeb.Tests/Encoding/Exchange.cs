using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Encoding;

/// <summary>Encodes a template and records into one v9 packet or IPFIX message and decodes it with the real decoder.</summary>
internal static class Exchange
{
    public const uint Domain = 7;

    public static FlowRecord[] Roundtrip(ExportProtocol protocol, FlowTemplate template, FlowRecord[] records) =>
        protocol == ExportProtocol.Ipfix ? ViaIpfix(template, records) : ViaV9(template, records);

    public static FlowRecord[] ViaIpfix(FlowTemplate template, FlowRecord[] records)
    {
        var buffer = new byte[IpfixEncoder.MaxMessageLength];
        var message = new IpfixEncoder(Domain) { BootTimeMs = SampleFlows.BootMs }.Begin(buffer, SampleFlows.ExportMs);
        Assert.True(message.TryAddTemplates(template));
        Assert.Equal(records.Length, message.AddDataRecords(template, records));
        return Decode(buffer.AsSpan(0, message.Finish()));
    }

    public static FlowRecord[] ViaV9(FlowTemplate template, FlowRecord[] records)
    {
        var buffer = new byte[ushort.MaxValue];
        var packet = new NetFlowV9Encoder(Domain) { BootTimeMs = SampleFlows.BootMs }.Begin(buffer, SampleFlows.ExportMs);
        Assert.True(packet.TryAddTemplates(template));
        Assert.Equal(records.Length, packet.AddDataRecords(template, records));
        return Decode(buffer.AsSpan(0, packet.Finish()));
    }

    private static FlowRecord[] Decode(ReadOnlySpan<byte> datagram)
    {
        using var collector = new Collector();
        var result = collector.Feed(datagram);
        Assert.Equal(DecodeStatus.Ok, result.Status);
        return collector.Records;
    }
}

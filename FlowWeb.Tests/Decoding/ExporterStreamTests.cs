using FlowWeb.Core.Decoding;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;

namespace FlowWeb.Tests.Decoding;

/// <summary>
/// One exporter address, several exporters: the decoder books each datagram on the stream of its local port, version
/// and observation domain, so Discovered exporters can show a row per exporter (issue 12, item 7).
/// </summary>
public sealed class ExporterStreamTests
{
    private static readonly FlowAddress Exporter = FlowAddress.Parse("192.0.2.1");
    private static readonly long Boot = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();

    [Fact]
    public void Decode_SeveralVersionsDomainsAndPorts_BooksEachOnItsOwnStream()
    {
        var decoder = new FlowDecoder();
        Send(decoder, new FlowExporterSimulator(ExportProtocol.NetFlowV5, Boot, observationDomainId: 0x0309), 2055, records: 3);
        Send(decoder, new FlowExporterSimulator(ExportProtocol.NetFlowV9, Boot, RouterOsTemplates.Ros7NetFlowV9IPv4, observationDomainId: 1), 2055, records: 2);
        Send(decoder, new FlowExporterSimulator(ExportProtocol.NetFlowV9, Boot, RouterOsTemplates.Ros7NetFlowV9IPv4, observationDomainId: 2), 2055, records: 4);
        Send(decoder, new FlowExporterSimulator(ExportProtocol.Ipfix, Boot, RouterOsTemplates.Ros7IpfixIPv4, observationDomainId: 7), 2055, records: 1);
        Send(decoder, new FlowExporterSimulator(ExportProtocol.Ipfix, Boot, RouterOsTemplates.Ros7IpfixIPv4, observationDomainId: 7), 4739, records: 5);

        var frame = ExporterFrame.Of(Assert.Single(decoder.Exporters));
        var streams = frame.Streams.Select(s => (s.LocalPort, s.Version, s.DomainText, s.Datagrams, s.Flows)).ToList();
        Assert.Equal(
            [
                (2055, 5, "engine 3/9", 1L, 3L),
                (2055, 9, "source id 1", 1L, 2L),
                (2055, 9, "source id 2", 1L, 4L),
                (2055, 10, "domain 7", 1L, 1L),
                (4739, 10, "domain 7", 1L, 5L),
            ],
            streams);
        Assert.Equal(frame.Flows, frame.Streams.Sum(s => s.Flows));
        Assert.Equal(frame.Datagrams, frame.Streams.Sum(s => s.Datagrams));
    }

    [Fact]
    public void Decode_DomainIdChangingInEveryDatagram_KeepsAtMostTheCapAndCountsEveryDatagram()
    {
        var decoder = new FlowDecoder();
        for (uint domain = 0; domain < 200; domain++)
        {
            Send(decoder, new FlowExporterSimulator(ExportProtocol.NetFlowV5, Boot, observationDomainId: domain), 2055, records: 1);
        }

        var frame = ExporterFrame.Of(Assert.Single(decoder.Exporters));
        Assert.Equal(ExporterStreams.MaxStreams, frame.Streams.Count);
        Assert.Equal(200, frame.Streams.Sum(s => s.Datagrams));
        Assert.Equal(200 - ExporterStreams.MaxStreams + 1, frame.Streams[^1].Datagrams);
    }

    [Fact]
    public void Decode_BrokenDatagramAfterAGoodOne_CountsTheErrorOnTheStream()
    {
        var decoder = new FlowDecoder();
        var datagram = Send(decoder, new FlowExporterSimulator(ExportProtocol.NetFlowV9, Boot, RouterOsTemplates.Ros7NetFlowV9IPv4, observationDomainId: 4), 2055, records: 2);

        // The same header, the flowset cut in the middle: the header names the stream, the body fails.
        using var batch = new FlowBatch();
        var result = decoder.Decode(Exporter, datagram.AsSpan(0, datagram.Length - 7), batch, 2055);
        Assert.NotEqual(DecodeStatus.Ok, result.Status);

        var stream = Assert.Single(ExporterFrame.Of(Assert.Single(decoder.Exporters)).Streams);
        Assert.Equal((2L, 1L), (stream.Datagrams, stream.DecodeErrors));
    }

    private static byte[] Send(FlowDecoder decoder, FlowExporterSimulator exporter, int port, int records)
    {
        var flows = Enumerable.Range(0, records)
            .Select(i => new FlowRecord
            {
                SrcAddr = FlowAddress.Parse($"10.0.0.{i + 1}"),
                DstAddr = FlowAddress.Parse("192.0.2.80"),
                SrcPort = (ushort)(40000 + i),
                DstPort = 443,
                Protocol = 6,
                Bytes = 1000,
                Packets = 2,
                StartMs = Boot + 1000,
                EndMs = Boot + 2000,
            })
            .ToArray();
        var buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];
        var length = exporter.WriteDatagram(flows, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), buffer, out var consumed);
        Assert.Equal(records, consumed);
        using var batch = new FlowBatch();
        Assert.Equal(DecodeStatus.Ok, decoder.Decode(Exporter, buffer.AsSpan(0, length), batch, port).Status);
        return buffer[..length];
    }
}

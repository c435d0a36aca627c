using System.Buffers.Binary;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Encoding;

public sealed class NetFlowV5EncoderTests
{
    /// <summary>v5 field widths, as a template, so that sample values can be cut to them.</summary>
    private static readonly FlowTemplate V5Widths = new(0,
    [
        new(8, 4), new(12, 4), new(15, 4), new(10, 2), new(14, 2), new(2, 4), new(1, 4), new(7, 2), new(11, 2),
        new(6, 1), new(4, 1), new(5, 1), new(16, 2), new(17, 2), new(9, 1), new(13, 1),
    ]);

    [Fact]
    public void Encode_VariedRecords_EveryV5FieldDecodesBack()
    {
        var records = SampleFlows.Create(30, ipv6: false, V5Widths);
        var encoder = new NetFlowV5Encoder
        {
            BootTimeMs = SampleFlows.BootMs, FlowSequence = 1000, EngineType = 1, EngineId = 2,
            SamplingMode = NetFlowV5SamplingMode.Deterministic, SamplingInterval = 100,
        };
        var buffer = new byte[2000];

        var length = encoder.Encode(records, SampleFlows.ExportMs + 250, buffer, out var written);

        Assert.Equal(30, written);
        Assert.Equal(24 + (30 * 48), length);
        using var collector = new Collector();
        collector.FeedOk(buffer.AsSpan(0, length));
        var decoded = collector.Records;
        RecordAssert.AllSame(records, decoded, RecordAssert.V5Fields);
        Assert.All(decoded, r =>
        {
            Assert.Equal(5, r.Version);
            Assert.Equal(100u, r.SamplingRate);
            Assert.Equal((1u << 8) | 2u, r.ObservationDomain);
            Assert.Equal(FlowTimeSource.HeaderUptime, r.TimeSource);
        });
        Assert.Equal((1 << 14) | 100, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(22)));
        Assert.Equal(1030u, encoder.FlowSequence);
    }

    [Fact]
    public void Encode_MoreThan30Records_Writes30AndCountsFlowsInSequence()
    {
        var records = SampleFlows.Create(45, ipv6: false, V5Widths);
        var encoder = new NetFlowV5Encoder { BootTimeMs = SampleFlows.BootMs };
        var buffer = new byte[4000];

        var first = encoder.Encode(records, SampleFlows.ExportMs, buffer, out var written);
        var secondSequence = encoder.FlowSequence;
        var second = encoder.Encode(records.AsSpan(written), SampleFlows.ExportMs, buffer.AsSpan(first), out var written2);

        Assert.Equal((30, 15), (written, written2));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(16)));
        Assert.Equal(30u, secondSequence);
        Assert.Equal(30u, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(first + 16)));
        Assert.Equal(24 + (15 * 48), second);
    }

    [Fact]
    public void Encode_BufferForTwoRecords_WritesTwo()
    {
        var records = SampleFlows.Create(5, ipv6: false);
        var encoder = new NetFlowV5Encoder();

        var length = encoder.Encode(records, SampleFlows.ExportMs, new byte[24 + 100], out var written);

        Assert.Equal((24 + 96, 2), (length, written));
        Assert.Equal(0, encoder.Encode(records, SampleFlows.ExportMs, new byte[60], out written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Encode_UptimeWrappedPast32Bits_TimesStillExact()
    {
        // 60 days of uptime is more than 2^32 ms: sysUptime and FIRST/LAST wrap together.
        var records = SampleFlows.Create(10, ipv6: false, V5Widths, maxAgeMs: 600_000);
        var encoder = new NetFlowV5Encoder { BootTimeMs = SampleFlows.ExportMs - (60L * 86_400_000) };
        var buffer = new byte[1000];

        var length = encoder.Encode(records, SampleFlows.ExportMs, buffer, out _);

        using var collector = new Collector();
        collector.FeedOk(buffer.AsSpan(0, length));
        RecordAssert.AllSame(records, collector.Records, ["StartMs", "EndMs"]);
    }

    [Fact]
    public void Encode_MikrotikCaptureDecoded_ReencodesSameBytes()
    {
        var capture = Collector.Capture("netflow5_test_microtik.dat");
        using var collector = new Collector();
        collector.FeedOk(capture);
        var exportMs = (BinaryPrimitives.ReadUInt32BigEndian(capture.AsSpan(8)) * 1000L) + (BinaryPrimitives.ReadUInt32BigEndian(capture.AsSpan(12)) / 1_000_000);
        var encoder = new NetFlowV5Encoder
        {
            BootTimeMs = exportMs - BinaryPrimitives.ReadUInt32BigEndian(capture.AsSpan(4)),
            FlowSequence = BinaryPrimitives.ReadUInt32BigEndian(capture.AsSpan(16)),
        };
        var buffer = new byte[capture.Length];

        var length = encoder.Encode(collector.Records, exportMs, buffer, out _);

        // unix_nsecs is 514932000 in the capture; the encoder works in milliseconds and writes 514000000.
        Assert.Equal(capture.Length, length);
        Assert.Equal(capture.AsSpan(0, 12).ToArray(), buffer.AsSpan(0, 12).ToArray());
        Assert.Equal(capture.AsSpan(16).ToArray(), buffer.AsSpan(16).ToArray());
        Assert.Equal(514_000_000u, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(12)));
    }

    [Fact]
    public void Sequence_OnePacketDropped_LostFlowsEstimateIsItsFlowCount()
    {
        var records = SampleFlows.Create(30, ipv6: false, V5Widths);
        var encoder = new NetFlowV5Encoder { BootTimeMs = SampleFlows.BootMs };
        var buffer = new byte[1500];
        using var collector = new Collector();

        for (var packet = 0; packet < 4; packet++)
        {
            var count = packet == 1 ? 17 : 30;
            var length = encoder.Encode(records.AsSpan(0, count), SampleFlows.ExportMs + (packet * 1000), buffer, out _);
            if (packet != 1)
            {
                collector.FeedOk(buffer.AsSpan(0, length));
            }
        }

        Assert.Equal(17, collector.Stats.LostFlowsEstimate);
        Assert.Equal(90, collector.Stats.Flows);
    }
}

using System.Buffers.Binary;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Encoding;

public sealed class FlowExporterSimulatorTests
{
    [Fact]
    public void Ros6Ipfix_MixedFamilies_FullDatagramsUnderMaxAndEveryRecordBack()
    {
        var v4 = SampleFlows.Create(300, ipv6: false, RouterOsTemplates.Ros6IpfixIPv4);
        var v6 = SampleFlows.Create(200, ipv6: true, RouterOsTemplates.Ros6IpfixIPv6, seed: 2);
        var records = Interleave(v4, v6);
        var exporter = RouterOsExporters.Ros6Ipfix(SampleFlows.BootMs);
        var buffer = new byte[65_535];
        var lengths = new List<int>();
        using var collector = new Collector();

        var datagrams = exporter.ExportAll(records, SampleFlows.ExportMs, buffer, d =>
        {
            lengths.Add(d.Length);
            collector.FeedOk(d);
        });

        Assert.Equal(datagrams, lengths.Count);
        Assert.All(lengths, l => Assert.InRange(l, 1, FlowExporterSimulator.DefaultMaxDatagramSize));

        // Full: no datagram but the last leaves room for a set header, the largest record (79) and padding.
        Assert.All(lengths.SkipLast(1), l => Assert.True(FlowExporterSimulator.DefaultMaxDatagramSize - l < 4 + 79 + 3, $"datagram of {l} bytes is not full"));
        var decoded = collector.Records;
        Assert.Equal(records.Length, decoded.Length);
        for (var i = 0; i < records.Length; i++)
        {
            var template = records[i].SrcAddr.IsIPv4 ? RouterOsTemplates.Ros6IpfixIPv4 : RouterOsTemplates.Ros6IpfixIPv6;
            RecordAssert.Same(records[i], decoded[i], RecordAssert.CarriedBy(template), i);
            Assert.Equal(template.Id, decoded[i].TemplateId);
        }

        Assert.Equal((uint)records.Length, exporter.Ipfix!.Sequence);
        Assert.Equal(0, collector.Stats.LostFlowsEstimate);
    }

    [Theory]
    [InlineData(ExportProtocol.Ipfix)]
    [InlineData(ExportProtocol.NetFlowV9)]
    public void TemplateRefresh_Every20Packets_TemplatesInPackets0And20And40(ExportProtocol protocol)
    {
        var exporter = protocol == ExportProtocol.Ipfix ? RouterOsExporters.Ros7Ipfix(SampleFlows.BootMs) : RouterOsExporters.Ros7NetFlowV9(SampleFlows.BootMs);
        var records = SampleFlows.Create(3, ipv6: false);
        var buffer = new byte[1472];
        var withTemplates = new List<int>();

        for (var packet = 0; packet < 45; packet++)
        {
            exporter.WriteDatagram(records, SampleFlows.ExportMs + (packet * 1000), buffer, out _);
            if (HasTemplateSet(buffer, protocol))
            {
                withTemplates.Add(packet);
            }
        }

        Assert.Equal([0, 20, 40], withTemplates);
    }

    [Fact]
    public void TemplateRefresh_ByTimeOnly_TemplatesWhenIntervalElapsed()
    {
        var exporter = RouterOsExporters.Ros7Ipfix(SampleFlows.BootMs);
        exporter.TemplateRefreshPackets = 0;
        exporter.TemplateRefreshInterval = TimeSpan.FromMinutes(1);
        var records = SampleFlows.Create(3, ipv6: false);
        var buffer = new byte[1472];
        var withTemplates = new List<int>();

        for (var packet = 0; packet < 15; packet++)
        {
            exporter.WriteDatagram(records, SampleFlows.ExportMs + (packet * 10_000), buffer, out _);
            if (HasTemplateSet(buffer, ExportProtocol.Ipfix))
            {
                withTemplates.Add(packet);
            }
        }

        Assert.Equal([0, 6, 12], withTemplates);
    }

    public static TheoryData<string> Exporters() => ["ros6-ipfix", "ros7-ipfix", "ros7-v9", "v5"];

    [Theory]
    [MemberData(nameof(Exporters))]
    public void DatagramDropped_LostFlowsEstimateIsItsRecordCount(string kind)
    {
        var exporter = kind switch
        {
            "ros6-ipfix" => RouterOsExporters.Ros6Ipfix(SampleFlows.BootMs),
            "ros7-ipfix" => RouterOsExporters.Ros7Ipfix(SampleFlows.BootMs),
            "ros7-v9" => RouterOsExporters.Ros7NetFlowV9(SampleFlows.BootMs),
            _ => RouterOsExporters.NetFlowV5(SampleFlows.BootMs),
        };
        var template = exporter.DataTemplates.Count > 0 ? exporter.DataTemplates[0] : null;
        var records = SampleFlows.Create(400, ipv6: false, template).AsSpan();
        var buffer = new byte[1472];
        using var collector = new Collector();

        // Templates alone first, so that every data packet holds the same number of records (v9 loss is
        // packets × mean records per packet).
        var first = exporter.WriteDatagram([], SampleFlows.ExportMs, buffer, out _);
        if (first > 0)
        {
            collector.FeedOk(buffer.AsSpan(0, first));
        }

        var dropped = 0;
        var delivered = 0;
        for (var packet = 0; packet < 8; packet++)
        {
            var length = exporter.WriteDatagram(records, SampleFlows.ExportMs + (packet * 1000), buffer, out var consumed);
            records = records[consumed..];
            if (packet == 4)
            {
                dropped = consumed;
                continue;
            }

            delivered += consumed;
            collector.FeedOk(buffer.AsSpan(0, length));
        }

        Assert.True(dropped > 1);
        Assert.Equal(dropped, collector.Stats.LostFlowsEstimate);
        Assert.Equal(delivered, collector.Stats.Flows);
    }

    [Fact]
    public void OptionsRecords_SentWithTemplates_AnchorRos6UptimesAndCountInSequence()
    {
        var exporter = RouterOsExporters.Ros6Ipfix(SampleFlows.BootMs);
        exporter.OptionsTemplate = OptionsTemplates.IpfixSystemInit(512);
        exporter.OptionsRecords.Add(OptionsTemplates.SystemInitRecord(SampleFlows.BootMs));
        var records = SampleFlows.Create(10, ipv6: false, RouterOsTemplates.Ros6IpfixIPv4).AsSpan(1).ToArray();
        var buffer = new byte[1472];
        using var collector = new Collector();

        var length = exporter.WriteDatagram(records, SampleFlows.ExportMs, buffer, out var consumed);
        var result = collector.FeedOk(buffer.AsSpan(0, length));

        Assert.Equal((9, 9, 1, 3), (consumed, result.Records, result.OptionsRecords, result.TemplatesLearned));
        RecordAssert.RoundTrip(records, collector.Records, RouterOsTemplates.Ros6IpfixIPv4, 10, 0);
        Assert.All(collector.Records, r => Assert.Equal(FlowTimeSource.SystemInitFromOptions, r.TimeSource));
        Assert.Equal(10u, exporter.Ipfix!.Sequence);
    }

    [Theory]
    [MemberData(nameof(Exporters))]
    public void WriteDatagram_SteadyState_AllocatesNothing(string kind)
    {
        var exporter = kind switch
        {
            "ros6-ipfix" => RouterOsExporters.Ros6Ipfix(SampleFlows.BootMs),
            "ros7-ipfix" => RouterOsExporters.Ros7Ipfix(SampleFlows.BootMs),
            "ros7-v9" => RouterOsExporters.Ros7NetFlowV9(SampleFlows.BootMs),
            _ => RouterOsExporters.NetFlowV5(SampleFlows.BootMs),
        };
        var records = Interleave(SampleFlows.Create(40, ipv6: false), SampleFlows.Create(40, ipv6: true, seed: 2));
        var buffer = new byte[1472];
        for (var i = 0; i < 25; i++)
        {
            exporter.WriteDatagram(records, SampleFlows.ExportMs + i, buffer, out _);
        }

        // Includes template refreshes (every 20 packets) and both families.
        var bytes = 0L;
        var next = SampleFlows.ExportMs + 25;
        Assert.Equal(0, SteadyAllocations.Of(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                bytes += exporter.WriteDatagram(records, next++, buffer, out _);
            }
        }));
        Assert.True(bytes > 100 * 1000);
    }

    [Fact]
    public void MaxDatagramSize_TooSmallForTemplates_Throws()
    {
        var exporter = RouterOsExporters.Ros7NetFlowV9(SampleFlows.BootMs);
        exporter.MaxDatagramSize = 100;
        var buffer = new byte[1472];

        Assert.Throws<InvalidOperationException>(() => exporter.WriteDatagram(SampleFlows.Create(1, ipv6: false), SampleFlows.ExportMs, buffer, out _));
    }

    private static bool HasTemplateSet(byte[] datagram, ExportProtocol protocol) => protocol == ExportProtocol.Ipfix
        ? BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(16)) == IpfixEncoder.TemplateSetId
        : BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(20)) == NetFlowV9Encoder.TemplateFlowSetId;

    /// <summary>IPv4 and IPv6 records in runs of 1..12, starting with IPv4 record 0 (which ends at the export time and anchors the boot-time estimate).</summary>
    private static FlowRecord[] Interleave(FlowRecord[] v4, FlowRecord[] v6)
    {
        var random = new Random(3);
        var result = new List<FlowRecord>(v4.Length + v6.Length);
        int i = 0, j = 0;
        var ipv4 = true;
        while (i < v4.Length || j < v6.Length)
        {
            var run = random.Next(1, 13);
            for (var k = 0; k < run; k++)
            {
                if (ipv4 && i < v4.Length)
                {
                    result.Add(v4[i++]);
                }
                else if (!ipv4 && j < v6.Length)
                {
                    result.Add(v6[j++]);
                }
            }

            ipv4 = !ipv4;
        }

        return [.. result];
    }
}

using System.Buffers.Binary;
using FlowWeb.Core.Encoding;

namespace FlowWeb.Tests.Encoding;

/// <summary>Sequence numbers as each protocol defines them, and the decoder's loss estimate when a packet is dropped.</summary>
public sealed class SequenceTests
{
    [Fact]
    public void Ipfix_Sequence_CountsDataAndOptionsRecordsNotTemplates()
    {
        var template = RouterOsTemplates.Ros7IpfixIPv4;
        var options = OptionsTemplates.IpfixSystemInit(512);
        var records = SampleFlows.Create(5, ipv6: false, template);
        var encoder = new IpfixEncoder(sequence: uint.MaxValue - 2);
        var buffer = new byte[1472];

        var first = encoder.Begin(buffer, SampleFlows.ExportMs);
        first.TryAddTemplates(template, options);
        first.Finish();
        Assert.Equal(uint.MaxValue - 2, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(8)));
        Assert.Equal(uint.MaxValue - 2, encoder.Sequence);

        var second = encoder.Begin(buffer, SampleFlows.ExportMs);
        second.AddOptionsRecords(options, OptionsTemplates.SystemInitRecord(SampleFlows.BootMs));
        second.AddDataRecords(template, records);
        Assert.Equal(6, second.DataRecords);
        second.Finish();

        // modulo 2^32
        Assert.Equal(3u, encoder.Sequence);
    }

    [Fact]
    public void V9_Sequence_CountsPacketsAndCountFieldCountsAllRecords()
    {
        var template = RouterOsTemplates.Ros7NetFlowV9IPv4;
        var records = SampleFlows.Create(5, ipv6: false, template);
        var encoder = new NetFlowV9Encoder(sourceId: 42, sequence: 100);
        var buffer = new byte[1472];

        var first = encoder.Begin(buffer, SampleFlows.ExportMs);
        first.TryAddTemplates(template, RouterOsTemplates.Ros7NetFlowV9IPv6);
        first.AddDataRecords(template, records);
        first.Finish();

        Assert.Equal(2 + 5, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2)));
        Assert.Equal(100u, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(12)));
        Assert.Equal(42u, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(16)));
        Assert.Equal(101u, encoder.Sequence);
    }

    [Fact]
    public void Ipfix_MessageDropped_LostFlowsEstimateIsItsRecordCount()
    {
        var template = RouterOsTemplates.Ros7IpfixIPv4;
        var records = SampleFlows.Create(20, ipv6: false, template);
        var encoder = new IpfixEncoder { BootTimeMs = SampleFlows.BootMs };
        var buffer = new byte[1472];
        using var collector = new Collector();
        int[] perMessage = [10, 7, 13, 10];

        for (var i = 0; i < perMessage.Length; i++)
        {
            var message = encoder.Begin(buffer, SampleFlows.ExportMs + (i * 1000));
            if (i == 0)
            {
                message.TryAddTemplates(template);
            }

            Assert.Equal(perMessage[i], message.AddDataRecords(template, records.AsSpan(0, perMessage[i])));
            var length = message.Finish();
            if (i != 1)
            {
                collector.FeedOk(buffer.AsSpan(0, length));
            }
        }

        Assert.Equal(7, collector.Stats.LostFlowsEstimate);
        Assert.Equal(33, collector.Stats.Flows);
    }

    [Fact]
    public void V9_PacketDropped_LostFlowsEstimateIsOnePacketOfRecords()
    {
        var template = RouterOsTemplates.Ros7NetFlowV9IPv4;
        var records = SampleFlows.Create(12, ipv6: false, template);
        var encoder = new NetFlowV9Encoder { BootTimeMs = SampleFlows.BootMs };
        var buffer = new byte[1472];
        using var collector = new Collector();

        // v9 counts packets: the decoder turns a one-packet gap into records with its mean records per packet.
        for (var i = 0; i < 5; i++)
        {
            var packet = encoder.Begin(buffer, SampleFlows.ExportMs + (i * 1000));
            if (i == 0)
            {
                packet.TryAddTemplates(template);
            }

            packet.AddDataRecords(template, records);
            var length = packet.Finish();
            if (i != 2)
            {
                collector.FeedOk(buffer.AsSpan(0, length));
            }
        }

        Assert.Equal(12, collector.Stats.LostFlowsEstimate);
        Assert.Equal(48, collector.Stats.Flows);
    }
}

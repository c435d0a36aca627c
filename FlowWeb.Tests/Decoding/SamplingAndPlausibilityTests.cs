using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Decoding.TestData;
using static FlowWeb.Tests.Decoding.TestData.PacketBuilder;

namespace FlowWeb.Tests.Decoding;

/// <summary>Sampling rate sources (protocols.md §4.5, §2.3 item 1) and implausible counters (§2.3 item 5).</summary>
public sealed class SamplingAndPlausibilityTests
{
    private static readonly FlowAddress Exporter = FlowAddress.Parse("192.0.2.99");

    private static FlowRecord[] Decode(FlowDecoder decoder, params byte[][] packets)
    {
        using var batch = new FlowBatch();
        foreach (var p in packets)
        {
            decoder.Decode(Exporter, p, batch);
        }

        return batch.Records.ToArray();
    }

    private static byte[] OneV5(ushort sampling) => V5(sampling, 0, 10_000, 1_700_000_000, V5Record("10.0.0.1", "10.0.0.2", 3, 180, 9_000, 9_500));

    [Theory]
    [InlineData(0x0000, 1u)] // no sampling
    [InlineData(0x4064, 100u)] // mode 1 (deterministic) / 100: Graylog's netflow5.pcap
    [InlineData(0x03E8, 1000u)] // mode 0 with interval 1000: Juniper MX80
    [InlineData(0x8032, 50u)] // mode 2 (random) / 50
    public void V5_HeaderSamplingField_RateIsTheLow14Bits(int field, uint rate)
    {
        var records = Decode(Captures.NewDecoder(), OneV5((ushort)field));
        Assert.Equal(rate, Assert.Single(records).SamplingRate);
    }

    [Fact]
    public void V9_SamplerOptionsTable_GivesEachRecordItsSamplersRate()
    {
        // Cisco-style: options template (scope System) with FLOW_SAMPLER_ID / MODE / RANDOM_INTERVAL, then data with FLOW_SAMPLER_ID.
        var options = Set(1, V9OptionsTemplate(256, [(1, 4)], [(48, 1), (49, 1), (50, 4)]));
        var table = Set(256, Cat(U32(0), U8(7), U8(2), U32(1000)), Cat(U32(0), U8(8), U8(2), U32(64)), new byte[2]);
        var template = Set(0, Template(300, (8, 4), (12, 4), (2, 4), (1, 4), (48, 1)));
        var data = Set(300,
            Cat(Ip("10.0.0.1"), Ip("10.0.0.2"), U32(1), U32(60), U8(7)),
            Cat(Ip("10.0.0.1"), Ip("10.0.0.3"), U32(1), U32(60), U8(8)),
            Cat(Ip("10.0.0.1"), Ip("10.0.0.4"), U32(1), U32(60), U8(9)));
        var records = Decode(Captures.NewDecoder(), V9(1, 1000, 1_700_000_000, 0, options, table, template), V9(2, 2000, 1_700_000_001, 0, data));

        Assert.Equal([1000u, 64u, 1u], records.Select(r => r.SamplingRate));
    }

    [Fact]
    public void RouterOs6_LittleEndianSamplingIntervalInDataRecords_IsReadSwappedAndFlagged()
    {
        // RouterOS 6 (goflow2#113, fastnetmon#985): samplingInterval (34) in the data template, little-endian: 2222 = AE 08 00 00.
        var template = Set(0, Template(256, (8, 4), (12, 4), (2, 4), (1, 4), (34, 4)));
        var data = Set(256,
            Cat(Ip("10.0.0.1"), Ip("10.0.0.2"), U32(1), U32(60), [0xAE, 0x08, 0x00, 0x00]),
            Cat(Ip("10.0.0.1"), Ip("10.0.0.3"), U32(1), U32(60), U32(100)));
        var decoder = Captures.NewDecoder();
        var records = Decode(decoder, V9(1, 1000, 1_700_000_000, 0, template, data));

        Assert.Equal(2222u, records[0].SamplingRate);
        Assert.True(records[0].Flags.HasFlag(FlowRecordFlags.SamplingByteSwapped));
        Assert.Equal(100u, records[1].SamplingRate);
        Assert.False(records[1].Flags.HasFlag(FlowRecordFlags.SamplingByteSwapped));
        Assert.Equal(1, decoder.StatisticsOf(Exporter)!.SamplingByteSwapped);
    }

    [Fact]
    public void SetSamplingOverride_ReplacesWhatPacketsSay_AndZeroClearsIt()
    {
        var decoder = Captures.NewDecoder();
        var swapped = V9(1, 1000, 1_700_000_000, 0,
            Set(0, Template(256, (8, 4), (12, 4), (2, 4), (1, 4), (34, 4))),
            Set(256, Cat(Ip("10.0.0.1"), Ip("10.0.0.2"), U32(1), U32(60), [0xAE, 0x08, 0x00, 0x00])));

        decoder.SetSamplingOverride(Exporter, 512);
        Assert.Equal(512u, Decode(decoder, OneV5(0x4064))[0].SamplingRate);
        Assert.Equal(512u, Decode(decoder, swapped)[0].SamplingRate);

        decoder.SetSamplingOverride(Exporter, 0);
        Assert.Equal(100u, Decode(decoder, OneV5(0x4064))[0].SamplingRate);
    }

    [Fact]
    public void IpfixOptionsSamplingInterval_AppliesToTheDomainsLaterRecords()
    {
        // Juniper MX240 announces samplingInterval 1000 in an options record without sampler id.
        var decoder = Captures.NewDecoder();
        using var batch = new FlowBatch();
        decoder.Decode(Exporter, Captures.Read("logstash-codec-netflow/ipfix_test_juniper_mx240_junos151r6s3_opttpl512.dat"), batch);
        decoder.Decode(Exporter, Captures.Read("logstash-codec-netflow/ipfix_test_juniper_mx240_junos151r6s3_data512.dat"), batch);
        var data = Ipfix(1_527_865_914, 669, 524288,
            Set(2, Template(600, (8, 4), (12, 4), (2, 4), (1, 4))),
            Set(600, Cat(Ip("10.0.0.1"), Ip("10.0.0.2"), U32(1), U32(1500))));
        var records = Decode(decoder, data);
        Assert.Equal(1000u, Assert.Single(records).SamplingRate);
    }

    [Theory]
    [InlineData(1ul, 2_000_000_000ul, true)] // ~2 GB in one packet (RouterOS 7.12, fastnetmon#1000)
    [InlineData(100ul, 50ul, true)] // fewer bytes than packets
    [InlineData(1_500_000_000ul, 96_000_000_000ul, true)] // 1.5 G packets in one second
    [InlineData(10ul, 6_000ul, false)]
    [InlineData(1ul, 65_535ul, false)]
    public void ImplausibleCounters_AreFlaggedAndCounted(ulong packets, ulong bytes, bool implausible)
    {
        var decoder = Captures.NewDecoder();
        var packet = V9(1, 10_000, 1_700_000_000, 0,
            Set(0, Template(256, (8, 4), (12, 4), (2, 8), (1, 8), (22, 4), (21, 4))),
            Set(256, Cat(Ip("10.0.0.1"), Ip("10.0.0.2"), U64(packets), U64(bytes), U32(9_000), U32(9_500))));
        var r = Assert.Single(Decode(decoder, packet));

        Assert.Equal(implausible, r.Flags.HasFlag(FlowRecordFlags.Implausible));
        Assert.Equal((packets, bytes), (r.Packets, r.Bytes));
        Assert.Equal(implausible ? 1 : 0, decoder.StatisticsOf(Exporter)!.ImplausibleRecords);
    }

    [Fact]
    public void ImplausibleCounters_InV5_AreFlaggedToo()
    {
        var decoder = Captures.NewDecoder();
        var records = Decode(decoder, V5(0, 0, 10_000, 1_700_000_000,
            V5Record("10.0.0.1", "10.0.0.2", 1, 2_000_000_000, 9_000, 9_500),
            V5Record("10.0.0.1", "10.0.0.3", 3, 180, 9_000, 9_500)));

        Assert.True(records[0].Flags.HasFlag(FlowRecordFlags.Implausible));
        Assert.False(records[1].Flags.HasFlag(FlowRecordFlags.Implausible));
        Assert.Equal(1, decoder.StatisticsOf(Exporter)!.ImplausibleRecords);
    }

    [Fact]
    public void RealCaptures_HaveNoImplausibleRecords()
    {
        foreach (var group in CaptureCatalog.All)
        {
            using var run = CaptureRun.Decode(group);
            Assert.All(run.Packets.SelectMany(p => p.Flows), r => Assert.False(r.Flags.HasFlag(FlowRecordFlags.Implausible), group.Name));
        }
    }
}

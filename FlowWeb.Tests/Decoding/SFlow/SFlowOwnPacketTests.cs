using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Decoding.SFlow;

/// <summary>
/// sFlow cases the two switch captures do not have, built with FlowWeb's own sFlow encoder: IPv6, expanded samples,
/// QinQ, ICMPv6, headers cut short, discarded and multiple-output interfaces, MPLS, VXLAN, the IPv4/IPv6 data records,
/// extended router and gateway data, an IPv6 agent.
/// </summary>
public sealed class SFlowOwnPacketTests
{
    private static readonly FlowAddress Agent = FlowAddress.Parse("198.51.100.7");

    private static SFlowFlowSample DecodeOne(SFlowSampleSpec spec, FlowAddress? agent = null)
    {
        using var h = new SFlowHarness();
        var result = h.Decode(new SFlowEncoder(agent ?? Agent).Encode([spec]));
        Assert.Equal(DecodeStatus.Ok, result.Status);
        Assert.Equal(SFlowDatagram.Version, result.Version);
        var sample = Assert.Single(h.Samples.Flows);
        Assert.Equal(sample.Record, Assert.Single(h.Records));
        return sample;
    }

    [Fact]
    public void Decode_IPv6TcpHeader_GivesAddressesPortsFlagsAndTrafficClass()
    {
        var s = DecodeOne(new SFlowSampleSpec
        {
            Packet = new SFlowSampledPacket
            {
                SrcAddr = FlowAddress.Parse("2001:db8::1"), DstAddr = FlowAddress.Parse("2001:db8:ffff::2"),
                Protocol = 6, SrcPort = 51000, DstPort = 443, TcpFlags = 0x12, Tos = 0xB8, FrameLength = 1000,
            },
            SamplingRate = 2048,
        });

        Assert.Equal(FlowAddress.Parse("2001:db8::1"), s.Record.SrcAddr);
        Assert.Equal(FlowAddress.Parse("2001:db8:ffff::2"), s.Record.DstAddr);
        Assert.Equal((6, 51000, 443, 0x12, 0xB8), (s.Record.Protocol, s.Record.SrcPort, s.Record.DstPort, s.Record.TcpFlags, s.Record.Tos));
        Assert.Equal(0x86DD, s.EtherType);
        Assert.Equal(1000u - 4 - 14, s.IpLength);
        Assert.Equal((1000ul, 1ul, 2048u), (s.Record.Bytes, s.Record.Packets, s.Record.SamplingRate));
        Assert.False(s.Has(SFlowSampleParts.HeaderCutShort));
    }

    [Fact]
    public void Decode_ExpandedSample_ReadsWideSourceAndInterfacesAndInternal()
    {
        var s = DecodeOne(new SFlowSampleSpec
        {
            Expanded = true, SourceIdType = 0, SourceIdIndex = 0x0200_0001, SamplingRate = 4096,
            Input = new SFlowInterface(SFlowInterfaceFormat.Index, 0x5000_0001),
            Output = new SFlowInterface(SFlowInterfaceFormat.Index, SFlowInterface.Internal),
        });

        Assert.True(s.Expanded);
        Assert.Equal(0x0200_0001u, s.SourceIdIndex);
        Assert.Equal(0x5000_0001u, s.Record.InIf);
        Assert.True(s.Output.IsInternal);
        Assert.Equal(SFlowInterface.Internal, s.Record.OutIf);
        Assert.Equal(4096u, s.Record.SamplingRate);
    }

    [Fact]
    public void Decode_QinQ_KeepsTheOuterVlanAndReachesTheTransport()
    {
        var s = DecodeOne(new SFlowSampleSpec { Packet = new SFlowSampledPacket { VlanTags = [100, 200, 300], Protocol = 17, SrcPort = 5353, DstPort = 53 } });

        Assert.True(s.Has(SFlowSampleParts.VlanTag));
        Assert.Equal(100, s.Record.Vlan);
        Assert.Equal((17, 5353, 53), (s.Record.Protocol, s.Record.SrcPort, s.Record.DstPort));
        Assert.Equal(FlowAddress.Parse("198.51.100.1"), s.Record.DstAddr);
    }

    [Fact]
    public void Decode_IcmpV6_GivesTypeAndCodeAsNetFlowDoes()
    {
        var s = DecodeOne(new SFlowSampleSpec
        {
            Packet = new SFlowSampledPacket
            {
                SrcAddr = FlowAddress.Parse("2001:db8::1"), DstAddr = FlowAddress.Parse("2001:db8::2"), Protocol = 58, IcmpType = 128, IcmpCode = 0, FrameLength = 118,
            },
        });

        Assert.True(s.Has(SFlowSampleParts.Icmp));
        Assert.False(s.Has(SFlowSampleParts.Ports));
        Assert.Equal((128, 0), (s.IcmpType, s.IcmpCode));
        Assert.Equal(128 * 256, s.Record.DstPort);
        Assert.Equal(58, s.Record.Protocol);
    }

    [Theory]
    [InlineData(8, false, false, false)] // inside the MAC addresses
    [InlineData(20, true, false, false)] // MACs and EtherType, IPv4 cut
    [InlineData(36, true, true, false)] // IPv4 whole, TCP ports cut
    [InlineData(40, true, true, true)] // ports, flags cut
    public void Decode_HeaderCutShort_KeepsWhatItHoldsAndSaysSo(int headerBytes, bool macs, bool ip, bool ports)
    {
        var s = DecodeOne(new SFlowSampleSpec { Packet = new SFlowSampledPacket { HeaderBytes = headerBytes } });

        Assert.True(s.Has(SFlowSampleParts.HeaderCutShort));
        Assert.Equal((uint)headerBytes, s.HeaderLength);
        Assert.Equal(macs, s.Has(SFlowSampleParts.Macs));
        Assert.Equal(ip, s.Has(SFlowSampleParts.Ip));
        Assert.Equal(ports, s.Has(SFlowSampleParts.Ports));
        Assert.False(s.Has(SFlowSampleParts.TcpFlags));
        Assert.Equal(1518ul, s.Record.Bytes);
    }

    [Fact]
    public void Decode_DiscardedOutput_FlagsTheRecordDropped()
    {
        var s = DecodeOne(new SFlowSampleSpec { Output = new SFlowInterface(SFlowInterfaceFormat.Discarded, 258) });
        using var h = new SFlowHarness();

        Assert.Equal(SFlowInterfaceFormat.Discarded, s.Output.Format);
        Assert.Equal(258u, s.Output.Value);
        Assert.Equal(0u, s.Record.OutIf);
        Assert.Equal(FlowRecordFlags.Dropped, s.Record.Flags & FlowRecordFlags.Dropped);
        var json = Json(s);
        Assert.Equal("discarded", json["outIfFormat"]!.GetValue<string>());
        Assert.Equal(258, json["discardReason"]!.GetValue<int>());
        Assert.False(json.ContainsKey("outIf"));
    }

    [Fact]
    public void Decode_MultipleOutputs_GivesNoSingleInterface()
    {
        var s = DecodeOne(new SFlowSampleSpec { Output = new SFlowInterface(SFlowInterfaceFormat.Multiple, 7) });

        Assert.Equal(SFlowInterfaceFormat.Multiple, s.Output.Format);
        Assert.Equal(7u, s.Output.Value);
        Assert.Equal(0u, s.Record.OutIf);
        Assert.Equal(FlowRecordFlags.None, s.Record.Flags & FlowRecordFlags.Dropped);
        var json = Json(s);
        Assert.Equal("multiple", json["outIfFormat"]!.GetValue<string>());
        Assert.Equal(7, json["outIfCount"]!.GetValue<int>());
    }

    [Fact]
    public void Decode_MplsLabels_AreSkippedToTheIpPacket()
    {
        var s = DecodeOne(new SFlowSampleSpec { Packet = new SFlowSampledPacket { MplsLabels = [16004, 24001, 3] } });

        Assert.True(s.Has(SFlowSampleParts.Mpls));
        Assert.Equal(0x8847, s.EtherType);
        Assert.Equal((FlowAddress.Parse("192.0.2.1"), (byte)6, (ushort)443), (s.Record.SrcAddr, s.Record.Protocol, s.Record.DstPort));
    }

    [Fact]
    public void Decode_Vxlan_DescribesTheOuterPacket()
    {
        var s = DecodeOne(new SFlowSampleSpec { Packet = new SFlowSampledPacket { Protocol = 17, SrcPort = 61000, DstPort = 4789 } });

        Assert.True(s.Has(SFlowSampleParts.Vxlan));
        Assert.Equal((17, 4789), (s.Record.Protocol, s.Record.DstPort));
    }

    [Theory]
    [InlineData("203.0.113.9", "192.0.2.77")]
    [InlineData("2001:db8::9", "2001:db8::77")]
    public void Decode_SampledIpRecordWithoutHeader_GivesTheFlowFromTheRecord(string src, string dst)
    {
        using var h = new SFlowHarness();
        var spec = new SFlowSampleSpec { Packet = new SFlowSampledPacket { SrcAddr = FlowAddress.Parse(src), DstAddr = FlowAddress.Parse(dst), SrcPort = 1234, DstPort = 22, FrameLength = 200 }, SampledIpRecord = true };
        var datagram = new SFlowEncoder(Agent).Encode([spec]);

        // Keep only the IPv4/IPv6 data record: an agent that sends no raw header (its header record is cut out here).
        var withoutHeader = RemoveFirstRecord(datagram);
        Assert.Equal(DecodeStatus.Ok, h.Decode(withoutHeader).Status);
        var s = Assert.Single(h.Samples.Flows);
        Assert.False(s.Has(SFlowSampleParts.HeaderRecord));
        Assert.True(s.Has(FlowAddress.Parse(src).IsIPv4 ? SFlowSampleParts.IPv4Record : SFlowSampleParts.IPv6Record));
        Assert.Equal((FlowAddress.Parse(src), FlowAddress.Parse(dst), (ushort)1234, (ushort)22), (s.Record.SrcAddr, s.Record.DstAddr, s.Record.SrcPort, s.Record.DstPort));
        Assert.Equal(s.IpLength, s.Record.Bytes);
    }

    [Fact]
    public void Decode_RouterAndGatewayRecords_GiveNextHopMasksAndAsNumbers()
    {
        var s = DecodeOne(new SFlowSampleSpec
        {
            Switch = (10, 20),
            Router = (FlowAddress.Parse("192.0.2.254"), 24, 16),
            Gateway = new SFlowGatewaySpec(FlowAddress.Parse("192.0.2.253"), 64500, 64501, 64502, [64502, 3356, 15169]) { Communities = [0xFDE8_0001] },
        });

        Assert.Equal(FlowAddress.Parse("192.0.2.254"), s.Record.NextHop);
        Assert.Equal((24, 16), (s.Record.SrcMask, s.Record.DstMask));
        Assert.Equal((64501u, 15169u, 64500u, 64502u, 3), (s.Record.SrcAs, s.Record.DstAs, s.RouterAs, s.SrcPeerAs, s.AsPathLength));
        Assert.Equal((10u, 20u), (s.SrcVlan, s.DstVlan));
        Assert.Equal(10, s.Record.Vlan);
    }

    [Fact]
    public void Decode_GatewayWithLocalSourceAndDestination_GivesTheRoutersAs()
    {
        var s = DecodeOne(new SFlowSampleSpec { Gateway = new SFlowGatewaySpec(FlowAddress.Parse("2001:db8::fe"), 64500, 0, 0, []) });

        Assert.Equal((64500u, 64500u), (s.Record.SrcAs, s.Record.DstAs));
        Assert.Equal(FlowAddress.Parse("2001:db8::fe"), s.Record.NextHop);
    }

    [Fact]
    public void Decode_IPv6Agent_IsTheSamplesExporter()
    {
        var agent = FlowAddress.Parse("2001:db8:1::7");
        var s = DecodeOne(new SFlowSampleSpec(), agent);

        Assert.Equal(agent, s.Agent);
    }

    [Fact]
    public void Decode_CountersSample_KeepsEveryCounterPerInterface()
    {
        using var h = new SFlowHarness();
        var encoder = new SFlowEncoder(Agent);
        var first = Counters(7, 1_000, 2_000);
        var later = Counters(7, 5_000, 9_000) with { InErrors = 3, FcsErrors = 2, Expanded = true };
        Assert.Equal(DecodeStatus.Ok, h.Decode(encoder.Encode([], [first, Counters(8, 1, 2)])).Status);
        Assert.Equal(DecodeStatus.Ok, h.Decode(encoder.Encode([], [later])).Status);

        Assert.Empty(h.Records);
        Assert.Equal(3, h.Samples.Counters.Count);
        var got = h.Samples.Counters[2];
        Assert.True(got.HasGeneric && got.HasEthernet && got.Expanded);
        Assert.Equal((7u, 10_000_000_000ul, 5_000ul, 9_000ul, 3u, 2u, 3u), (got.IfIndex, got.IfSpeed, got.InOctets, got.OutOctets, got.InErrors, got.FcsErrors, got.IfStatus));
        var agent = Assert.Single(h.Stats.SFlow!.Agents);
        Assert.Equal([7u, 8u], agent.Interfaces().Select(i => i.IfIndex));
        Assert.Equal(5_000ul, agent.Interfaces()[0].InOctets);
        Assert.Equal(3, agent.CountersSamples);
    }

    internal static SFlowInterfaceCounters Counters(uint ifIndex, ulong inOctets, ulong outOctets) => new()
    {
        IfIndex = ifIndex, IfType = 6, IfSpeed = 10_000_000_000, IfDirection = 1, IfStatus = 3, InOctets = inOctets, OutOctets = outOctets,
        InUcastPkts = 10, OutUcastPkts = 20, HasGeneric = true, HasEthernet = true,
    };

    private static System.Text.Json.Nodes.JsonObject Json(SFlowFlowSample s)
    {
        var recorder = new SFlowSampleRecorder();
        recorder.FlowSample(s);
        return recorder.Json[0];
    }

    /// <summary>The datagram with the first flow record of its only flow sample taken out (lengths and counts fixed).</summary>
    private static byte[] RemoveFirstRecord(byte[] datagram)
    {
        const int samplesAt = 28, sampleLengthAt = samplesAt + 4, sampleAt = samplesAt + 8, countAt = sampleAt + 28, firstRecordAt = countAt + 4;
        var recordLength = 8 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(firstRecordAt + 4));
        var result = datagram.AsSpan(0, firstRecordAt).ToArray().Concat(datagram.AsSpan(firstRecordAt + recordLength).ToArray()).ToArray();
        var sampleLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(result.AsSpan(sampleLengthAt));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(sampleLengthAt), sampleLength - (uint)recordLength);
        var count = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(result.AsSpan(countAt));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(countAt), count - 1);
        return result;
    }
}

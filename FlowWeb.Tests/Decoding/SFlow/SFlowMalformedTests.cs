using System.Buffers.Binary;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Decoding.SFlow;

/// <summary>Every way an sFlow datagram can be wrong gives a counted status, never an exception, and keeps the samples that are sound.</summary>
public sealed class SFlowMalformedTests
{
    private static readonly FlowAddress Agent = FlowAddress.Parse("198.51.100.9");

    private static byte[] ThreeSamples() => new SFlowEncoder(Agent).Encode([new SFlowSampleSpec(), new SFlowSampleSpec(), new SFlowSampleSpec()]);

    /// <summary>Offset of the n-th sample's (data_format, length) pair in a datagram from an IPv4 agent.</summary>
    private static int SampleAt(byte[] d, int n)
    {
        var at = 28;
        for (var i = 0; i < n; i++)
        {
            at += 8 + (int)BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(at + 4));
        }

        return at;
    }

    [Fact]
    public void Decode_UnknownAgentAddressType_IsRefusedAndCounted()
    {
        using var h = new SFlowHarness();
        var d = ThreeSamples();
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(4), 7);

        var result = h.Decode(d);

        Assert.Equal(DecodeStatus.SflowBadAddressType, result.Status);
        Assert.Empty(h.Records);
        Assert.Equal(1, h.Stats.ErrorCount(DecodeStatus.SflowBadAddressType));
    }

    [Fact]
    public void Decode_SampleCountBeyondTheDatagram_KeepsTheSamplesThatAreThere()
    {
        using var h = new SFlowHarness();
        var d = ThreeSamples();
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(24), 1_000_000);

        var result = h.Decode(d);

        Assert.Equal(DecodeStatus.SflowSampleCountMismatch, result.Status);
        Assert.Equal(3, h.Records.Length);
    }

    [Fact]
    public void Decode_SampleLengthPastTheEnd_StopsThereAndKeepsTheEarlierSamples()
    {
        using var h = new SFlowHarness();
        var d = ThreeSamples();
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(SampleAt(d, 1) + 4), 0xFFFF_FFF0);

        var result = h.Decode(d);

        Assert.Equal(DecodeStatus.SflowBadSampleLength, result.Status);
        Assert.Single(h.Records);
    }

    [Fact]
    public void Decode_RecordLengthPastItsSample_SkipsOnlyThatSample()
    {
        using var h = new SFlowHarness();
        var d = ThreeSamples();
        var firstRecordLength = SampleAt(d, 1) + 8 + 32 + 4;
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(firstRecordLength), 0x7FFF_0000);

        var result = h.Decode(d);

        Assert.Equal(DecodeStatus.SflowBadRecordLength, result.Status);
        Assert.Equal(2, h.Records.Length);
        Assert.Equal(1, h.Stats.ErrorCount(DecodeStatus.SflowBadRecordLength));
    }

    [Fact]
    public void Decode_TwoBadSamples_CountsBoth()
    {
        using var h = new SFlowHarness();
        var d = ThreeSamples();
        foreach (var n in new[] { 0, 2 })
        {
            BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(SampleAt(d, n) + 8 + 32 + 4), 0x7FFF_0000);
        }

        var result = h.Decode(d);

        Assert.Equal(DecodeStatus.SflowBadRecordLength, result.Status);
        Assert.Single(h.Records);
        Assert.Equal(2, h.Stats.ErrorCount(DecodeStatus.SflowBadRecordLength));
    }

    [Fact]
    public void Decode_UnknownSampleAndRecordFormats_AreSkippedAndCounted()
    {
        using var h = new SFlowHarness();
        var d = ThreeSamples();
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(SampleAt(d, 0)), (4413u << 12) | 1); // a vendor sample
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(SampleAt(d, 1) + 8 + 32), (9u << 12) | 1); // a vendor flow record

        var result = h.Decode(d);

        Assert.Equal(DecodeStatus.Ok, result.Status);
        Assert.Equal(2, h.Records.Length);
        var agent = Assert.Single(h.Stats.SFlow!.Agents);
        Assert.Equal((1L, 1L), (agent.UnknownSamples, agent.UnknownRecords));
        Assert.False(h.Samples.Flows[0].Has(SFlowSampleParts.HeaderRecord));
    }

    [Fact]
    public void Decode_Sflow2And4_AreUnsupportedVersions()
    {
        using var h = new SFlowHarness();
        var d = ThreeSamples();
        BinaryPrimitives.WriteUInt32BigEndian(d, 4);

        Assert.Equal(DecodeStatus.UnsupportedVersion, h.Decode(d).Status);
    }

    [Fact]
    public void Decode_MoreAgentsThanKept_RefusesTheNewOnes()
    {
        using var h = new SFlowHarness();
        for (var i = 0; i < SFlowExporter.MaxAgents; i++)
        {
            Assert.Equal(DecodeStatus.Ok, h.Decode(new SFlowEncoder(Agent, subAgent: (uint)i).Encode([new SFlowSampleSpec()])).Status);
        }

        var refused = h.Decode(new SFlowEncoder(Agent, subAgent: 999).Encode([new SFlowSampleSpec()]));

        Assert.Equal(DecodeStatus.SflowAgentLimit, refused.Status);
        Assert.Empty(h.Records);
        Assert.Equal(SFlowExporter.MaxAgents, h.Stats.SFlow!.Agents.Count);
    }

    [Fact]
    public void Decode_ManyInterfacesAndSources_StayWithinTheirCaps()
    {
        using var h = new SFlowHarness();
        var encoder = new SFlowEncoder(Agent);
        for (var batch = 0; batch < 22; batch++)
        {
            var counters = Enumerable.Range(batch * 50, 50).Select(i => SFlowOwnPacketTests.Counters((uint)i + 1, 1, 1)).ToArray();
            var flows = Enumerable.Range(batch * 50, 50).Select(i => new SFlowSampleSpec { SourceIdIndex = (uint)i + 1, Packet = null }).ToArray();
            h.Decode(encoder.Encode(flows, counters));
        }

        var agent = Assert.Single(h.Stats.SFlow!.Agents);
        Assert.Equal(SFlowAgent.MaxInterfaces, agent.Interfaces().Count);
        Assert.Equal(1100 - SFlowAgent.MaxInterfaces, agent.InterfacesRefused);
        Assert.Equal(1100 - SFlowAgent.MaxSources, agent.SourcesRefused);
        Assert.Equal(1100, h.Stats.Flows);
    }

    [Fact]
    public void Decode_WarmDecoder_AllocatesNothingPerDatagram()
    {
        var decoder = new FlowDecoder();
        var encoder = new SFlowEncoder(Agent);
        var datagrams = Enumerable.Range(0, 64).Select(_ => encoder.Encode(
            [new SFlowSampleSpec(), new SFlowSampleSpec { Expanded = true, Gateway = new SFlowGatewaySpec(Agent, 1, 2, 3, [4, 5]) }],
            [SFlowOwnPacketTests.Counters(1, 10, 20)])).ToArray();
        using var batch = new FlowBatch();
        for (var round = 0; round < 2; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var d in datagrams)
            {
                batch.Clear();
                decoder.Decode(Agent, d, batch);
            }

            if (round == 1)
            {
                Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        }

        Assert.Equal(256, decoder.StatisticsOf(Agent)!.Flows);
    }
}

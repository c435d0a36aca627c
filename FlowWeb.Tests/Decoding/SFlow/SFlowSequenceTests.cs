using FlowWeb.Core.Decoding;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Decoding.SFlow;

/// <summary>sFlow's loss accounting: datagram sequence per sub-agent, sample sequence per data source, sample pools and the agent's drop counters.</summary>
public sealed class SFlowSequenceTests
{
    private static readonly FlowAddress Agent = FlowAddress.Parse("198.51.100.8");

    private static SFlowSampleSpec[] Samples(int count, uint rate = 1000, uint drops = 0) =>
        [.. Enumerable.Range(0, count).Select(_ => new SFlowSampleSpec { SamplingRate = rate, Drops = drops })];

    [Fact]
    public void Decode_DatagramLostOnTheWay_CountsItAndItsSamples()
    {
        using var h = new SFlowHarness();
        var encoder = new SFlowEncoder(Agent);
        h.Decode(encoder.Encode(Samples(4)));
        _ = encoder.Encode(Samples(5)); // never arrives
        h.Decode(encoder.Encode(Samples(3)));

        var agent = Assert.Single(h.Stats.SFlow!.Agents);
        Assert.Equal(2, agent.Datagrams);
        Assert.Equal(1, agent.LostDatagrams);
        Assert.Equal(5, agent.LostSamples);
        Assert.Equal(5, h.Stats.LostFlowsEstimate);
        Assert.Equal(7, agent.FlowSamples);

        // The pool counts every packet the sampler saw, including those the lost samples stood for.
        Assert.Equal((7 + 5 - 1) * 1000, agent.PoolPackets);
    }

    [Fact]
    public void Decode_LateDatagram_GivesBackWhatItsGapHadCountedLost()
    {
        using var h = new SFlowHarness();
        var encoder = new SFlowEncoder(Agent);
        var first = encoder.Encode(Samples(2));
        var second = encoder.Encode(Samples(2));
        var third = encoder.Encode(Samples(2));
        h.Decode(first);
        h.Decode(third);
        var agent = Assert.Single(h.Stats.SFlow!.Agents);
        Assert.Equal((1L, 2L), (agent.LostDatagrams, agent.LostSamples));

        h.Decode(second);

        Assert.Equal((0L, 0L, 1L), (agent.LostDatagrams, agent.LostSamples, agent.LateDatagrams));
        Assert.Equal(0, h.Stats.LostFlowsEstimate);
        Assert.Equal(1, h.Stats.Reordered);
    }

    [Fact]
    public void Decode_AgentDropsAndSamplePool_AreCountedFromTheirIncrease()
    {
        using var h = new SFlowHarness();
        var encoder = new SFlowEncoder(Agent);
        h.Decode(encoder.Encode(Samples(1, rate: 512, drops: 40)));
        h.Decode(encoder.Encode(Samples(2, rate: 512, drops: 46)));

        var agent = Assert.Single(h.Stats.SFlow!.Agents);
        Assert.Equal(6, agent.AgentDrops);
        Assert.Equal(2 * 512, agent.PoolPackets);
        Assert.Equal(512u, agent.LastSamplingRate);
        Assert.Equal(0, agent.LostSamples);
    }

    [Fact]
    public void Decode_AgentReboot_IsARestartNotLoss()
    {
        using var h = new SFlowHarness();
        var before = new SFlowEncoder(Agent) { DatagramSequence = 5000, UptimeMs = 600_000 };
        before.SetSampleSequence(0, 1, 90_000);
        h.Decode(before.Encode(Samples(3)));
        h.Decode(before.Encode(Samples(3)));

        var after = new SFlowEncoder(Agent) { DatagramSequence = 1, UptimeMs = 4_000 };
        h.Decode(after.Encode(Samples(3)));
        after.UptimeMs = 5_000;
        h.Decode(after.Encode(Samples(3)));

        var agent = Assert.Single(h.Stats.SFlow!.Agents);
        Assert.Equal(1, agent.Restarts);
        Assert.Equal((0L, 0L, 0L), (agent.LostDatagrams, agent.LostSamples, agent.LateDatagrams));
        Assert.Equal(1, h.Stats.SequenceResets);
    }

    [Fact]
    public void Decode_UptimeWrapsInSequence_IsNoRestart()
    {
        using var h = new SFlowHarness();
        var encoder = new SFlowEncoder(Agent) { UptimeMs = 0xFFFF_F000 };
        h.Decode(encoder.Encode(Samples(1)));
        encoder.UptimeMs = 0x1000;
        h.Decode(encoder.Encode(Samples(1)));

        var agent = Assert.Single(h.Stats.SFlow!.Agents);
        Assert.Equal((0L, 0L, 0L), (agent.Restarts, agent.LostDatagrams, agent.LateDatagrams));
    }

    [Fact]
    public void Decode_TwoSubAgentsAndSources_AreFollowedApart()
    {
        using var h = new SFlowHarness();
        var a = new SFlowEncoder(Agent, subAgent: 0);
        var b = new SFlowEncoder(Agent, subAgent: 1);
        h.Decode(a.Encode([new SFlowSampleSpec { SourceIdIndex = 1 }, new SFlowSampleSpec { SourceIdIndex = 2 }]));
        h.Decode(b.Encode([new SFlowSampleSpec { SourceIdIndex = 1 }]));
        h.Decode(a.Encode([new SFlowSampleSpec { SourceIdIndex = 2 }, new SFlowSampleSpec { SourceIdIndex = 1 }]));
        h.Decode(b.Encode([new SFlowSampleSpec { SourceIdIndex = 1 }]));

        Assert.Equal(2, h.Stats.SFlow!.Agents.Count);
        Assert.All(h.Stats.SFlow.Agents, agent => Assert.Equal((0L, 0L), (agent.LostDatagrams, agent.LostSamples)));
        Assert.Equal(6, h.Stats.Flows);
    }
}

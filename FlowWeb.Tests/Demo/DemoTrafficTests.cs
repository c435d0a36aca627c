using FlowWeb.Core.Demo;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Demo;

/// <summary>The demo office's traffic: varied, new every second, bounded, and following the time of day.</summary>
public sealed class DemoTrafficTests
{
    private const long StartMs = 1_740_823_200_000; // 2025-03-01T10:00:00Z

    [Fact]
    public void Next_PeakActivity_NeverMoreThanThePeakRateOrTheSpan()
    {
        var traffic = new DemoTraffic(seed: 1, peakFlowsPerSecond: 300);
        var records = new FlowRecord[1000];
        var small = new FlowRecord[50];

        for (var second = 0; second < 300; second++)
        {
            var count = traffic.Next(StartMs + (second * 1000L), activity: 1, records);
            Assert.InRange(count, 200, 300);
            Assert.InRange(traffic.Next(StartMs + (second * 1000L) + 500, activity: 1, small), 1, 50);
        }
    }

    [Fact]
    public void Next_OneMinute_ManyServicesBothFamiliesAndDirectionsWithinRecentSeconds()
    {
        var records = Minute(seed: 2, activity: 0.8, out var seconds);

        var services = records.Select(r => (r.Protocol, Port: Math.Min(r.SrcPort, r.DstPort))).ToHashSet();
        foreach (var expected in new (byte, ushort)[] { (6, 443), (17, 443), (6, 80), (17, 53), (17, 123), (6, 993), (6, 587), (6, 22), (6, 3389), (1, 0) })
        {
            Assert.Contains(expected, services);
        }

        Assert.Contains(records, r => !r.SrcAddr.IsIPv4);
        Assert.Contains(records, r => r.InIf == 2 && r.OutIf == 1);
        Assert.Contains(records, r => r.InIf == 1 && r.OutIf == 2);
        Assert.All(seconds, s => Assert.All(s.Records, r =>
        {
            Assert.InRange(r.EndMs, s.NowMs - 1000, s.NowMs);
            Assert.InRange(r.StartMs, s.NowMs - 21_000, r.EndMs);
            Assert.True(r.Bytes >= 40 && r.Packets >= 1, "every record carries traffic");
        }));
    }

    [Fact]
    public void Next_ConsecutiveSeconds_NewConversationsEachSecond()
    {
        Minute(seed: 3, activity: 0.5, out var seconds);

        for (var i = 1; i < seconds.Count; i++)
        {
            var before = seconds[i - 1].Records.Select(Conversation).ToHashSet();
            Assert.True(seconds[i].Records.Count(r => !before.Contains(Conversation(r))) > seconds[i].Records.Length / 2, $"second {i} repeats the one before");
        }
    }

    [Fact]
    public void Next_OneMinute_HeavyTalkersCarryMostBytes()
    {
        var records = Minute(seed: 4, activity: 0.8, out _);

        var byHost = records.GroupBy(r => r.SrcAddr.IsIPv4 && (r.SrcAddr.IPv4Value >> 8) == 0xC0A858 ? r.SrcAddr : r.DstAddr)
            .Select(g => g.Sum(r => (double)r.Bytes)).OrderDescending().ToList();
        Assert.True(byHost[0] > byHost.Sum() / 5, "the top host should carry a large share of the traffic");
        Assert.True(byHost.Count > 30, "many LAN hosts should talk");
    }

    [Fact]
    public void Next_QuietAndBusyHours_RateFollowsActivity()
    {
        var quiet = Minute(seed: 5, activity: DemoTraffic.Activity(TimeSpan.FromHours(3.5)), out _).Length;
        var busy = Minute(seed: 5, activity: DemoTraffic.Activity(TimeSpan.FromHours(15)), out _).Length;

        Assert.True(busy > 4 * quiet, $"busy hour {busy} records, quiet hour {quiet}");
    }

    [Fact]
    public void Activity_OverADay_LowAtNightHighInTheAfternoonWithinBounds()
    {
        var day = Enumerable.Range(0, 144).Select(i => DemoTraffic.Activity(TimeSpan.FromMinutes(i * 10))).ToList();

        Assert.All(day, a => Assert.InRange(a, 0.1, 1));
        Assert.True(DemoTraffic.Activity(TimeSpan.FromHours(3.5)) < 0.15);
        Assert.True(DemoTraffic.Activity(TimeSpan.FromHours(15)) > 0.85);
        Assert.True(DemoTraffic.Activity(TimeSpan.FromHours(20.5)) > DemoTraffic.Activity(TimeSpan.FromHours(23)) + 0.2, "evening bump");
    }

    [Fact]
    public void Next_SameSeed_SameRecords()
    {
        Assert.Equal(Minute(seed: 6, activity: 0.6, out _), Minute(seed: 6, activity: 0.6, out _));
    }

    private static (FlowAddress, ushort, FlowAddress, ushort) Conversation(FlowRecord r) => (r.SrcAddr, r.SrcPort, r.DstAddr, r.DstPort);

    private static FlowRecord[] Minute(int seed, double activity, out List<(long NowMs, FlowRecord[] Records)> seconds)
    {
        var traffic = new DemoTraffic(seed, peakFlowsPerSecond: 300);
        var buffer = new FlowRecord[300];
        seconds = [];
        for (var second = 0; second < 60; second++)
        {
            var now = StartMs + (second * 1000L);
            var count = traffic.Next(now, activity, buffer);
            seconds.Add((now, buffer[..count]));
        }

        return [.. seconds.SelectMany(s => s.Records)];
    }
}

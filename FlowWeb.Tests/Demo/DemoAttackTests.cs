using FlowWeb.Api;
using FlowWeb.Core.Demo;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;

namespace FlowWeb.Tests.Demo;

/// <summary>Demo mode's staged attack: its schedule and settings, and the whole app detecting it through the real collector.</summary>
public sealed class DemoAttackTests
{
    [Fact]
    public async Task DemoMode_AttackEveryFewSeconds_DetectedAsUdpFloodOnTheWanAddressAndEnds()
    {
        using var factory = new FlowWebFactory();
        factory.Settings["Demo:Enabled"] = "true";
        factory.Settings["Demo:Seed"] = "3";
        factory.Settings["Demo:PeakFlowsPerSecond"] = "50";
        factory.Settings["Demo:AttackEveryMinutes"] = "0.25";
        factory.Settings["Demo:AttackSeconds"] = "8";
        factory.Settings["Detection:EndAfterSeconds"] = "3";
        using var client = factory.CreateClient();
        var sensor = Assert.Single(await client.GetAsync<SensorResponse[]>("/api/sensors"));

        var attacks = await Poll.UntilAsync(() => client.GetAsync<AttackResponse[]>($"/api/attacks?sensorId={sensor.Id}"),
            list => list.Any(a => !a.Ongoing), TimeSpan.FromSeconds(90),
            list => string.Join("; ", list.Select(a => $"{a.Victim} {a.Type} ongoing={a.Ongoing}")));
        var attack = attacks.First(a => !a.Ongoing);
        Assert.Equal(("198.51.100.2", AttackType.UdpFlood, AttackDirection.Incoming), (attack.Victim, attack.Type, attack.Direction));
        // 150,000 packets/s, sent once a second in one burst. Detection counts by arrival, so when the receive path
        // stalls across a second's end (a loaded CI machine: 300,001 once in a fresh-clone run), one burst arrives
        // late, in the same second as the next, and that second reads two bursts (and the office's own packets).
        Assert.InRange(attack.PeakPacketsPerSecond, 100_000, 310_000);
        Assert.True(attack.End - attack.Start >= TimeSpan.FromSeconds(5), $"{attack.Start} to {attack.End}");
        Assert.Contains("/ip route add dst-address=198.51.100.2/32", attack.Mitigation, StringComparison.Ordinal);
    }

    [Fact]
    public void DemoAttack_Schedule_FirstWithinAMinuteThenEveryInterval()
    {
        const long start = 1_750_000_000_000;
        var attack = new DemoAttack(everyMinutes: 10, seconds: 120, start, seed: 1);
        var records = new FlowRecord[DemoAttack.RecordsPerSecond];
        Assert.Equal(0, attack.Next(start + 59_000, records));
        Assert.Equal(DemoAttack.RecordsPerSecond, attack.Next(start + 60_000, records));
        Assert.All(records, r => Assert.Equal((DemoAttack.Victim, (byte)17), (r.DstAddr, r.Protocol)));
        Assert.True(attack.IsOn(start + 179_000));
        Assert.False(attack.IsOn(start + 180_000));
        Assert.True(attack.IsOn(start + 660_000));

        var quick = new DemoAttack(everyMinutes: 0.25, seconds: 8, start, seed: 1);
        Assert.Equal([false, true, true, false, true], new long[] { 14_000, 15_000, 22_000, 23_000, 30_000 }.Select(t => quick.IsOn(start + t)));
    }

    [Theory]
    [InlineData(-1, 120, "Demo:AttackEveryMinutes must be 0 (off)")]
    [InlineData(1, 60, "Demo:AttackSeconds (60) must be shorter than Demo:AttackEveryMinutes")]
    [InlineData(10, 2, "Demo:AttackSeconds must be 3 to 3600")]
    public void DemoOptions_BadAttackSettings_NamedByKey(double every, int seconds, string expected)
    {
        var problems = new DemoOptions { AttackEveryMinutes = every, AttackSeconds = seconds }.Validate().ToList();
        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
        Assert.Empty(new DemoOptions { AttackEveryMinutes = 0 }.Validate());
    }
}

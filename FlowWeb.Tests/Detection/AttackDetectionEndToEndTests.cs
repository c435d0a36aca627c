using System.Net;
using System.Net.Sockets;
using FlowWeb.Api;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Detection;

/// <summary>
/// The whole app, real NetFlow v9 over UDP from the project's encoder: every attack of the list, IPv4 and
/// IPv6 at once, mixed into ordinary traffic, unsampled and at 1:1000 — each must be reported through the API with
/// its victim, type and direction, and end when it stops; nothing else may be reported.
/// </summary>
public sealed class AttackDetectionEndToEndTests
{
    [Theory]
    [InlineData(1u)]
    [InlineData(1000u)]
    public async Task EveryAttack_BothFamilies_DetectedWithVictimAndTypeAndEnded(uint samplingRate)
    {
        using var factory = new FlowWebFactory();
        factory.Settings["Detection:EndAfterSeconds"] = "3";
        using var client = factory.CreateClient();
        var sensors = factory.Services.GetRequiredService<SensorService>();
        var sensor = new SensorDefinition
        {
            Name = $"edge 1:{samplingRate}",
            Port = factory.UdpPort,
            Detection = new SensorDetectionSettings { ProtectedNetworks = AttackScenario.ProtectedNetworks },
        };
        var saved = await sensors.SaveSensorAsync(sensor);
        Assert.True(saved.Saved, string.Join("; ", saved.Errors));

        var scenarios = AttackScenario.All(ipv6: false, samplingRate).Concat(AttackScenario.All(ipv6: true, samplingRate)).ToList();
        using var driver = new AttackDriver(factory.UdpPort, client, sensor.Id, samplingRate);
        await driver.AttackUntilReportedAsync(scenarios);

        // Ordinary traffic goes on; the attacks stop and must end within EndAfterSeconds plus a tick or two.
        var attacks = await driver.QuietUntilAsync(list => list.Length >= scenarios.Count && list.All(a => !a.Ongoing), TimeSpan.FromSeconds(20));

        foreach (var scenario in scenarios)
        {
            var attack = Assert.Single(attacks, a => a.Victim == scenario.Victim);
            Assert.True(scenario.Type == attack.Type, $"{scenario.Victim}: expected {scenario.Type}, reported {attack.Type} ({attack.Vector})");
            Assert.Equal(scenario.Direction, attack.Direction);
            Assert.NotNull(attack.End);
            Assert.InRange(attack.End!.Value - attack.Start, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(driver.AttackSeconds + 5));
            Assert.Equal(samplingRate, (uint)attack.SamplingRateMax);
            Assert.Contains("/ip", attack.Mitigation, StringComparison.Ordinal);
        }

        Assert.Equal(scenarios.Count, attacks.Length);
        var ntp = Assert.Single(attacks, a => a.Type == AttackType.NtpAmplification && !a.Victim.Contains(':', StringComparison.Ordinal));
        Assert.Equal(123, ntp.ReflectorPort);
        Assert.Contains($"src-port=123 dst-address={ntp.Victim}", ntp.Mitigation, StringComparison.Ordinal);
        var carpet = Assert.Single(attacks, a => a.Victim == "198.51.100.0/24");
        Assert.Equal(AttackType.UdpFlood, carpet.Vector);

        // Each attack is an alarm while it lasts (notification rules can act on attack start and end).
        var store = factory.Services.GetRequiredService<FlowWeb.Core.Alerts.AlertStore>();
        IReadOnlyList<FlowWeb.Core.Alerts.AlertEvent> events = [];
        var until = DateTime.UtcNow.AddSeconds(10); // the alert log is written a moment after the alarm changes
        while (true)
        {
            events = await store.QueryAsync(new FlowWeb.Core.Alerts.AlertQuery { SensorId = sensor.Id, Kind = FlowWeb.Core.Alerts.AlertKind.Attack, Count = 1000 });
            if (events.Count(e => e.Phase == FlowWeb.Core.Alerts.AlertPhase.Cleared) >= scenarios.Count || DateTime.UtcNow > until)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal(scenarios.Count, events.Count(e => e.Phase == FlowWeb.Core.Alerts.AlertPhase.Cleared));
        Assert.Equal(scenarios.Count, events.Count(e => e.Phase == FlowWeb.Core.Alerts.AlertPhase.Started));
        Assert.Contains(events, e => e.Phase == FlowWeb.Core.Alerts.AlertPhase.Started && e.Subject == ntp.Victim && e.Severity == FlowWeb.Core.Alerts.AlertSeverity.Error);

        var detail = await client.GetAsync<AttackResponse>($"/api/attacks/{ntp.Id}");
        Assert.NotEmpty(detail.Series);
        Assert.NotEmpty(detail.SampleFlows);
        Assert.All(detail.SampleFlows, f => Assert.Equal(123, f.SourcePort));
        Assert.True(detail.DistinctSources > 50, $"distinct sources {detail.DistinctSources}");
    }
}

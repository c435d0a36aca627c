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
    /// <summary>Attacks go on until all are reported (a busy machine may smear a second's datagrams), at most this long.</summary>
    private const int MaxAttackSeconds = 30;

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
        using var router = new RouterSender(factory.UdpPort);
        var started = DateTimeOffset.UtcNow;
        var seconds = 0;
        for (; seconds < MaxAttackSeconds; seconds++)
        {
            var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var records = NormalTraffic.Second(seconds, nowMs, ipv6: false, samplingRate).Concat(NormalTraffic.Second(seconds, nowMs, ipv6: true, samplingRate));
            foreach (var scenario in scenarios)
            {
                records = records.Concat(scenario.Records(seconds, nowMs));
            }

            await router.SendAsync([.. records.OrderBy(r => r.SrcAddr.Low ^ r.DstAddr.Low)]);
            var ongoing = await client.GetAsync<AttackResponse[]>($"/api/attacks?active=true&sensorId={sensor.Id}");
            if (seconds >= 4 && scenarios.All(s => ongoing.Any(a => a.Victim == s.Victim)))
            {
                break;
            }

            // Paced by the clock, not by sleeps: a second's sending that ran late does not push the next one later.
            var next = started.AddSeconds(seconds + 1) - DateTimeOffset.UtcNow;
            if (next > TimeSpan.Zero)
            {
                await Task.Delay(next);
            }
        }

        var attackSeconds = seconds;

        // Ordinary traffic goes on (once a second); the attacks stop and must end within EndAfterSeconds plus a tick or two.
        var lastNormal = DateTimeOffset.UtcNow;
        var attacks = await Poll.UntilAsync(
            async () =>
            {
                if (DateTimeOffset.UtcNow - lastNormal >= TimeSpan.FromSeconds(1))
                {
                    lastNormal = DateTimeOffset.UtcNow;
                    await router.SendAsync([.. NormalTraffic.Second(++seconds, lastNormal.ToUnixTimeMilliseconds(), ipv6: false, samplingRate)]);
                }

                return await client.GetAsync<AttackResponse[]>($"/api/attacks?sensorId={sensor.Id}");
            },
            list => list.Length >= scenarios.Count && list.All(a => !a.Ongoing),
            TimeSpan.FromSeconds(20),
            list => string.Join("; ", list.Select(a => $"{a.Victim} {a.Type} {a.Direction} ongoing={a.Ongoing}")));

        foreach (var scenario in scenarios)
        {
            var attack = Assert.Single(attacks, a => a.Victim == scenario.Victim);
            Assert.True(scenario.Type == attack.Type, $"{scenario.Victim}: expected {scenario.Type}, reported {attack.Type} ({attack.Vector})");
            Assert.Equal(scenario.Direction, attack.Direction);
            Assert.NotNull(attack.End);
            Assert.InRange(attack.End!.Value - attack.Start, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(attackSeconds + 5));
            Assert.Equal(samplingRate, (uint)attack.SamplingRateMax);
            Assert.Contains("/ip", attack.Mitigation, StringComparison.Ordinal);
        }

        Assert.Equal(scenarios.Count, attacks.Length);
        var ntp = Assert.Single(attacks, a => a.Type == AttackType.NtpAmplification && !a.Victim.Contains(':', StringComparison.Ordinal));
        Assert.Equal(123, ntp.ReflectorPort);
        Assert.Contains($"src-port=123 dst-address={ntp.Victim}", ntp.Mitigation, StringComparison.Ordinal);
        var carpet = Assert.Single(attacks, a => a.Victim == "198.51.100.0/24");
        Assert.Equal(AttackType.UdpFlood, carpet.Vector);

        var detail = await client.GetAsync<AttackResponse>($"/api/attacks/{ntp.Id}");
        Assert.NotEmpty(detail.Series);
        Assert.NotEmpty(detail.SampleFlows);
        Assert.All(detail.SampleFlows, f => Assert.Equal(123, f.SourcePort));
        Assert.True(detail.DistinctSources > 50, $"distinct sources {detail.DistinctSources}");
    }

    /// <summary>A RouterOS 7 NetFlow v9 exporter on 127.0.0.1 (IPv4 and IPv6 templates).</summary>
    private sealed class RouterSender(int port) : IDisposable
    {
        private readonly UdpClient _client = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly FlowExporterSimulator _exporter = RouterOsExporters.Ros7NetFlowV9(DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds());
        private readonly byte[] _buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];

        public async Task SendAsync(FlowRecord[] records)
        {
            var destination = new IPEndPoint(IPAddress.Loopback, port);
            var datagrams = new List<byte[]>();
            _exporter.ExportAll(records, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _buffer, d => datagrams.Add(d.ToArray()));
            foreach (var datagram in datagrams)
            {
                await _client.SendAsync(datagram, destination);
            }
        }

        public void Dispose() => _client.Dispose();
    }
}

using System.Net;
using System.Net.Sockets;
using FlowWeb.Api;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Api;

namespace FlowWeb.Tests.Detection;

/// <summary>
/// Plays attacks at an app as a RouterOS 7 NetFlow v9 exporter on 127.0.0.1 would export them, with ordinary
/// traffic mixed in, one second's records at a time paced by the clock, until every attack is reported ongoing
/// through the API (a busy machine may smear a second's datagrams, so this waits on the answer, not on a count).
/// </summary>
internal sealed class AttackDriver(int port, HttpClient client, Guid sensorId, uint samplingRate) : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly FlowExporterSimulator _exporter = RouterOsExporters.Ros7NetFlowV9(DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds());
    private readonly byte[] _buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];
    private int _second;
    private DateTimeOffset _lastNormal;

    /// <summary>Seconds of attack traffic sent by the last <see cref="AttackUntilReportedAsync"/>.</summary>
    public int AttackSeconds { get; private set; }

    public Task AttackUntilReportedAsync(IReadOnlyList<AttackScenario> scenarios, int minSeconds = 4, int maxSeconds = 30) =>
        AttackUntilAsync(scenarios, async () =>
        {
            var ongoing = await client.GetAsync<AttackResponse[]>($"/api/attacks?active=true&sensorId={sensorId}");
            return scenarios.All(s => ongoing.Any(a => a.Victim == s.Victim));
        }, minSeconds, maxSeconds);

    /// <summary>
    /// Plays the attacks a second at a time until <paramref name="done"/> (asked after each second, from the
    /// <paramref name="minSeconds"/>th on) or for <paramref name="maxSeconds"/>; the caller asserts what it waited for.
    /// </summary>
    public async Task AttackUntilAsync(IReadOnlyList<AttackScenario> scenarios, Func<Task<bool>> done, int minSeconds, int maxSeconds)
    {
        var started = DateTimeOffset.UtcNow;
        for (AttackSeconds = 1; AttackSeconds <= maxSeconds; AttackSeconds++)
        {
            var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var records = Normal(nowMs);
            foreach (var scenario in scenarios)
            {
                records.AddRange(scenario.Records(_second, nowMs));
            }

            _second++;
            await SendAsync([.. records.OrderBy(r => r.SrcAddr.Low ^ r.DstAddr.Low)]);
            if (AttackSeconds >= minSeconds && await done())
            {
                return;
            }

            var next = started.AddSeconds(AttackSeconds) - DateTimeOffset.UtcNow;
            if (next > TimeSpan.Zero)
            {
                await Task.Delay(next);
            }
        }
    }

    /// <summary>Ordinary traffic only (at most once a second) while waiting for <paramref name="done"/>.</summary>
    public Task<AttackResponse[]> QuietUntilAsync(Func<AttackResponse[], bool> done, TimeSpan timeout) =>
        Poll.UntilAsync(
            async () =>
            {
                if (DateTimeOffset.UtcNow - _lastNormal >= TimeSpan.FromSeconds(1))
                {
                    await SendAsync([.. Normal(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())]);
                    _second++;
                }

                return await client.GetAsync<AttackResponse[]>($"/api/attacks?sensorId={sensorId}");
            },
            done,
            timeout,
            list => string.Join("; ", list.Select(a => $"{a.Victim} {a.Type} {a.Direction} ongoing={a.Ongoing}")));

    private List<FlowRecord> Normal(long nowMs)
    {
        _lastNormal = DateTimeOffset.UtcNow;
        return [.. NormalTraffic.Second(_second, nowMs, ipv6: false, samplingRate), .. NormalTraffic.Second(_second, nowMs, ipv6: true, samplingRate)];
    }

    private async Task SendAsync(FlowRecord[] records)
    {
        var destination = new IPEndPoint(IPAddress.Loopback, port);
        var datagrams = new List<byte[]>();
        _exporter.ExportAll(records, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _buffer, d => datagrams.Add(d.ToArray()));
        foreach (var datagram in datagrams)
        {
            await _udp.SendAsync(datagram, destination);
        }
    }

    public void Dispose() => _udp.Dispose();
}

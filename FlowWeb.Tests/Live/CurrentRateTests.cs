using FlowWeb.Core.Channels;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Time.Testing;
using static FlowWeb.Tests.Collection.CollectorHarness;

namespace FlowWeb.Tests.Live;

/// <summary>
/// Issue 12 item 1: a sensor's "now" is within 10 % of a steady load's true rate two minutes after the load began,
/// for exporters with a 60 s and a 15 s active timeout and for sensors that spread records over their time span or
/// book them at arrival. The load is a router's flow cache (200 concurrent connections, 15 s inactive timeout) sent
/// as NetFlow v5 over real UDP; the collector's clock is a fake one moved a second at a time, with a frame each second.
/// </summary>
public sealed class CurrentRateTests
{
    private const double TrueBitsPerSecond = 100e6;

    [Theory]
    [InlineData(60, 1)]
    [InlineData(60, 0)]
    [InlineData(15, 1)]
    [InlineData(15, 0)]
    public async Task SteadyLoad_TwoMinutesIn_NowWithinTenPercentOfTheTrueRate(int exporterActiveSeconds, int sensorActiveMinutes)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var harness = await LiveHarness.StartAsync(clock);
        var port = FreeUdpPort();
        var sensor = await harness.AddSensorAsync(new SensorDefinition
        {
            Name = "Steady", Port = port, SenderIp = "127.0.0.2", Protocol = ExpectedProtocol.NetFlowV5, ActiveFlowTimeoutMinutes = sensorActiveMinutes,
        });
        var startMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var cache = new SteadyFlowCache(TrueBitsPerSecond, 200, TimeSpan.FromSeconds(exporterActiveSeconds), TimeSpan.FromSeconds(15), startMs, seed: exporterActiveSeconds);
        var router = RouterOsExporters.NetFlowV5(startMs - 3_600_000);
        var buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];
        var readings = new List<double>();

        for (var second = 1; second <= 150; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var records = cache.Export(nowMs);
            if (records.Count > 0)
            {
                var datagrams = new List<byte[]>();
                router.ExportAll([.. records], nowMs, buffer, d => datagrams.Add(d.ToArray()));
                var before = harness.Collector.Sensor(sensor.Id)!.FlowsAccepted;
                Send("127.0.0.2", port, datagrams);
                await WaitUntilAsync(() => harness.Collector.Sensor(sensor.Id)!.FlowsAccepted == before + records.Count, $"{records.Count} records of second {second}");
            }

            var frame = harness.Tick();
            if (second >= 120)
            {
                readings.Add(frame.Sensor(sensor.Id)!.Snapshot.Channels.Single(c => c.ChannelId == ChannelIds.Total).BitsPerSecond);
            }
        }

        Assert.All(readings, now => Assert.InRange(now, TrueBitsPerSecond * 0.9, TrueBitsPerSecond * 1.1));
    }
}

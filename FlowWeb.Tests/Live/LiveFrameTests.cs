using System.Globalization;
using System.Text.RegularExpressions;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Time.Testing;
using static FlowWeb.Tests.Collection.CollectorHarness;

namespace FlowWeb.Tests.Live;

/// <summary>
/// The live frames: what readers get comes from one immutable frame per tick, a frame holds what readers asked for
/// (and only that), and no reader ever waits for the receive threads' locks.
/// </summary>
public sealed class LiveFrameTests
{
    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static List<FlowRecord> Flows(int count, ulong bytes = 1000, int firstPort = 1024) =>
        [.. Enumerable.Range(0, count).Select(i => Flow("10.0.0." + ((i % 200) + 1), "192.0.2." + ((i % 7) + 1), (ushort)(firstPort + i), 443, 6, bytes, 2, NowMs))];

    private static async Task<(LiveHarness Harness, SensorDefinition Sensor, int Port)> StartWithSensorAsync(FakeTimeProvider? clock = null)
    {
        var harness = await LiveHarness.StartAsync(clock);
        var port = FreeUdpPort();
        var sensor = await harness.AddSensorAsync(new SensorDefinition
        {
            Name = "Frames", Port = port, SenderIp = "127.0.0.2", Protocol = ExpectedProtocol.NetFlowV5, ActiveFlowTimeoutMinutes = 0,
        });
        return (harness, sensor, port);
    }

    private static async Task SendAndWaitAsync(LiveHarness harness, SensorDefinition sensor, int port, List<FlowRecord> flows)
    {
        var before = harness.Collector.Sensor(sensor.Id)!.FlowsAccepted;
        Send("127.0.0.2", port, V5(flows));
        await WaitUntilAsync(() => harness.Collector.Sensor(sensor.Id)!.FlowsAccepted == before + flows.Count, $"{flows.Count} more flows counted");
    }

    [Fact]
    public async Task Tick_FlowsReceived_FrameHasCountersCurrentSeriesAndExporter()
    {
        var (harness, sensor, port) = await StartWithSensorAsync();
        await using var _ = harness;
        await SendAndWaitAsync(harness, sensor, port, Flows(60));

        var frame = harness.Tick();

        var s = frame.Sensor(sensor.Id)!;
        Assert.Equal((60L, 60_000.0), (s.Snapshot.FlowsAccepted, s.Snapshot.Bytes));
        Assert.Equal(60_000, s.Series.BytesPerSecond[ChannelSet.TotalIndex].Sum(), 6);
        Assert.Equal(SensorInterest.Minimal.SeriesSeconds, s.Series.Seconds);
        var exporter = frame.Exporter(FlowAddress.Parse("127.0.0.2"))!;
        Assert.Equal((2L, 60L, 5), (exporter.Datagrams, exporter.Flows, exporter.Version));
        Assert.Equal(frame, harness.Live.Frame);
        Assert.Empty(s.Tail);
        Assert.All(s.Toplists, t => Assert.Empty(t.Running.Rows));
    }

    [Fact]
    public async Task Frame_MoreFlowsAfterIt_ReaderKeepsAnUnchangingCopy()
    {
        var (harness, sensor, port) = await StartWithSensorAsync();
        await using var _ = harness;
        await SendAndWaitAsync(harness, sensor, port, Flows(30));
        var first = harness.Tick();

        await SendAndWaitAsync(harness, sensor, port, Flows(30));

        // Between ticks the published frame stands still whatever the receive thread does.
        Assert.Same(first, harness.Live.Frame);
        Assert.Equal(30, harness.Live.Frame.Sensor(sensor.Id)!.Snapshot.FlowsAccepted);
        var second = harness.Tick();
        Assert.Equal((30L, 60L), (first.Sensor(sensor.Id)!.Snapshot.FlowsAccepted, second.Sensor(sensor.Id)!.Snapshot.FlowsAccepted));
        Assert.Equal(first.Sequence + 1, second.Sequence);
    }

    [Fact]
    public async Task Series_LongerThanAnyoneAskedBefore_NextFrameHasIt()
    {
        var (harness, sensor, port) = await StartWithSensorAsync();
        await using var _ = harness;
        await SendAndWaitAsync(harness, sensor, port, Flows(30));
        harness.Tick();

        var early = harness.Live.Series(sensor.Id, 600)!;
        harness.Tick();
        var later = harness.Live.Series(sensor.Id, 600)!;

        Assert.Equal(SensorInterest.Minimal.SeriesSeconds, early.Seconds);
        Assert.Equal(600, later.Seconds);
        Assert.Equal(30_000, later.BytesPerSecond[ChannelSet.TotalIndex].Sum(), 6);
    }

    [Fact]
    public async Task TailAndToplists_OnlyWhileSomeoneReadsThem_SmallTableRowsEveryTick()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (harness, sensor, port) = await StartWithSensorAsync(clock);
        await using var _ = harness;
        await SendAndWaitAsync(harness, sensor, port, Flows(20));
        harness.Tick();
        Assert.Empty(harness.Live.Tail(sensor.Id, 100));                       // nobody watched: nothing was kept
        Assert.Empty(harness.Live.Toplist(sensor.Id, 2)!.Value.Running.Rows);  // rows are read from the next tick on

        harness.Tick();
        Assert.Equal(1000, harness.Live.Toplist(sensor.Id, 2)!.Value.Running.Rows[0].Bytes);
        await SendAndWaitAsync(harness, sensor, port, Flows(20, bytes: 5000, firstPort: 2000));
        harness.Tick();

        // A table of a few dozen keys is read every tick a page watches it: new keys show at once, with their count.
        Assert.Equal(20, harness.Live.Tail(sensor.Id, 100).Count);
        var connections = harness.Live.Toplist(sensor.Id, 2)!.Value.Running;
        Assert.Equal(Math.Min(40, sensor.Toplists.Single(t => t.Id == 2).Count), connections.Rows.Count);
        Assert.All(connections.Rows.Take(20), r => Assert.Equal(5000, r.Bytes));
        Assert.Equal((40L, 40), (connections.TotalFlows, connections.DistinctKeys));
    }

    [Fact]
    public async Task Toplists_LargeTable_RowsAndKeyCountEveryFewSecondsTotalsEveryTick()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (harness, sensor, port) = await StartWithSensorAsync(clock);
        await using var _ = harness;

        // 6,000 connections: a table of 8,192 slots or more, past what is cheap to scan every tick.
        const int Large = 6000;
        var many = Enumerable.Range(0, Large)
            .Select(i => Flow($"10.1.{i / 250}.{(i % 250) + 1}", "192.0.2.1", (ushort)(1024 + i), 443, 6, 1000, 2, NowMs)).ToList();
        await SendAndWaitAsync(harness, sensor, port, many);
        harness.Tick();
        harness.Live.Toplist(sensor.Id, 2);
        harness.Tick();
        Assert.Equal((1000L, Large), (harness.Live.Toplist(sensor.Id, 2)!.Value.Running.Rows[0].Bytes, harness.Live.Toplist(sensor.Id, 2)!.Value.Running.DistinctKeys));

        await SendAndWaitAsync(harness, sensor, port, Flows(20, bytes: 5000, firstPort: 2000));
        harness.Tick();

        // Rows of a large table are a scan: read again only after a few seconds, and the key count with them; totals every tick.
        var stale = harness.Live.Toplist(sensor.Id, 2)!.Value.Running;
        Assert.Equal((1000L, Large, Large + 20L), (stale.Rows[0].Bytes, stale.DistinctKeys, stale.TotalFlows));
        clock.Advance(LiveInterest.ToplistRefresh);
        harness.Tick();

        // (The second batch may land on another receive thread's shard: a row is then an upper bound, by up to the
        // other shard's floor of 1,000 bytes, and the key count at least the larger shard's.)
        var fresh = harness.Live.Toplist(sensor.Id, 2)!.Value.Running;
        Assert.All(fresh.Rows.Take(20), r => Assert.InRange(r.Bytes, 5000, 6000));
        Assert.All(fresh.Rows.Skip(20), r => Assert.InRange(r.Bytes, 1000, 2000));
        Assert.InRange(fresh.DistinctKeys, Large, Large + 20);
    }

    [Fact]
    public async Task Readers_ReceiveThreadHoldsEveryLock_ReadsDoNotWait()
    {
        var (harness, sensor, port) = await StartWithSensorAsync();
        await using var _ = harness;
        harness.Live.Series(sensor.Id, 300);
        harness.Live.Tail(sensor.Id, 10);
        harness.Live.Toplist(sensor.Id, 2);
        harness.Tick();
        await SendAndWaitAsync(harness, sensor, port, Flows(30));
        var frame = harness.Tick();

        // A receive thread stuck inside its decoder and its sensor: pages, the API and metrics still answer at once.
        using var release = new ManualResetEventSlim();
        var held = new ManualResetEventSlim();
        var receiveThread = new Thread(() =>
        {
            var shards = harness.Collector.Sensor(sensor.Id)!.ShardLocks();
            foreach (var shard in shards)
            {
                shard.Enter();
            }

            try
            {
                harness.Collector.ReadDecoder(_ =>
                {
                    held.Set();
                    release.Wait(TimeSpan.FromSeconds(30));
                    return 0;
                });
            }
            finally
            {
                foreach (var shard in shards)
                {
                    shard.Exit();
                }
            }
        });
        receiveThread.Start();
        held.Wait();
        try
        {
            var reads = Task.Run(async () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    Assert.NotNull(harness.Live.Series(sensor.Id, 300));
                    Assert.NotEmpty(harness.Live.Tail(sensor.Id, 10));
                    Assert.NotNull(harness.Live.Toplist(sensor.Id, 2));
                    Assert.NotNull(await harness.Live.SnapshotAsync(sensor.Id));
                    Assert.NotEmpty(harness.Live.Exporters());
                    Assert.Contains($"flowweb_sensor_flows_total{{sensor=\"Frames\",sensor_id=\"{sensor.Id}\"}} 30", harness.Metrics.Render(harness.Live.Frame), StringComparison.Ordinal);
                }
            });
            var finished = await Task.WhenAny(reads, Task.Delay(TimeSpan.FromSeconds(20)));
            Assert.True(finished == reads, "a reader waited for the receive thread");
            await reads;
            Assert.Same(frame, harness.Live.Frame);
        }
        finally
        {
            release.Set();
            receiveThread.Join();
        }
    }

    [Fact]
    public async Task LockWaitMetric_ReceiveThreadBlockedBehindTheTick_LongestWaitReported()
    {
        var (harness, sensor, port) = await StartWithSensorAsync();
        await using var _ = harness;
        await SendAndWaitAsync(harness, sensor, port, Flows(30));
        Assert.Equal(TimeSpan.Zero, harness.Tick().Listeners.Single(l => l.Port == port).LongestLockWait);

        // Hold the shard's lock as a (slow) tick would while a datagram arrives: the receive thread waits for it.
        // The lock is held until the receive thread has the datagram in hand (on a busy machine it may take longer than
        // the 300 ms to be scheduled at all), then 300 ms more. Up to three tries: in one full run of the suite in
        // three the first hold was not seen. Likely why: the port has a receive thread per core, each sender's socket
        // (a new source port per send) may reach another one, and a thread makes its shard of the sensor at its first
        // datagram, so a shard not made yet has no lock to hold (a wait never recorded still fails all three).
        var listener = harness.Collector.Listeners.Single(l => l.Port == port);
        var waited = TimeSpan.Zero;
        LiveFrame frame = harness.Live.Frame;
        for (var attempt = 0; attempt < 3 && waited < TimeSpan.FromMilliseconds(200); attempt++)
        {
            var sensorNow = harness.Collector.Sensor(sensor.Id)!;
            // Every shard's lock: the port has a receive thread per core, and the kernel picks the one the exporter's datagrams reach.
            var shards = sensorNow.ShardLocks();
            var received = listener.Datagrams + 1;
            var accepted = sensorNow.FlowsAccepted + 30;
            var slowTick = new Thread(() =>
            {
                foreach (var shard in shards)
                {
                    shard.Enter();
                }

                try
                {
                    Send("127.0.0.2", port, V5(Flows(30)));
                    SpinWait.SpinUntil(() => listener.Datagrams >= received, TimeSpan.FromSeconds(30));
                    Thread.Sleep(300);
                }
                finally
                {
                    foreach (var shard in shards)
                    {
                        shard.Exit();
                    }
                }
            });
            slowTick.Start();
            slowTick.Join();

            await WaitUntilAsync(() => harness.Collector.Sensor(sensor.Id)!.FlowsAccepted >= accepted, "the held datagram counted");
            frame = harness.Tick();
            waited = frame.Listeners.Single(l => l.Port == port).LongestLockWait;
        }

        Assert.InRange(waited, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));
        var metrics = harness.Metrics.Render(frame);
        Assert.Contains($"flowweb_receive_lock_wait_max_seconds{{port=\"{port}\"}} 0.", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockWait_OfASecondOrMore_LoggedNamingThePortAndTheSensor()
    {
        // One receive thread: its shard of the sensor exists once the first datagram is counted, so holding it holds the thread.
        await using var harness = await LiveHarness.StartAsync(receiveThreads: 1);
        var port = FreeUdpPort();
        var sensor = await harness.AddSensorAsync(new SensorDefinition
        {
            Name = "Held", Port = port, SenderIp = "127.0.0.2", Protocol = ExpectedProtocol.NetFlowV5, ActiveFlowTimeoutMinutes = 0,
        });
        await SendAndWaitAsync(harness, sensor, port, Flows(30));
        Assert.DoesNotContain(harness.Logs.Events, e => e.Message.Contains("waited", StringComparison.Ordinal));

        var listener = harness.Collector.Listeners.Single(l => l.Port == port);
        var aggregator = harness.Collector.Sensor(sensor.Id)!;
        var shard = Assert.Single(aggregator.ShardLocks());
        var received = listener.Datagrams + 1;
        var accepted = aggregator.FlowsAccepted + 30;
        var hold = PortListener.LongWait + TimeSpan.FromMilliseconds(200);
        var slowTick = new Thread(() =>
        {
            shard.Enter();
            try
            {
                Send("127.0.0.2", port, V5(Flows(30)));
                SpinWait.SpinUntil(() => listener.Datagrams >= received, TimeSpan.FromSeconds(30));
                Thread.Sleep(hold);
            }
            finally
            {
                shard.Exit();
            }
        });
        slowTick.Start();
        slowTick.Join();
        await WaitUntilAsync(() => aggregator.FlowsAccepted >= accepted, "the held datagram counted");

        // The receive thread logs once the datagram is counted.
        await WaitUntilAsync(() => harness.Logs.Events.Any(e => e.Message.Contains("waited", StringComparison.Ordinal)), "the long wait logged");
        var warning = Assert.Single(harness.Logs.Events, e => e.Message.Contains("waited", StringComparison.Ordinal));
        Assert.Equal(Serilog.Events.LogEventLevel.Warning, warning.Level);
        Assert.Matches($@"^UDP {port}: a receive thread waited \d+ ms for the lock of sensor 'Held'; datagrams queued in the socket meanwhile", warning.Message);
        var milliseconds = int.Parse(Regex.Match(warning.Message, @"waited (\d+) ms").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(milliseconds, (int)PortListener.LongWait.TotalMilliseconds, 30_000);
        Assert.InRange(harness.Tick().Listeners.Single(l => l.Port == port).LongestLockWait, PortListener.LongWait, TimeSpan.FromSeconds(30));
    }
}

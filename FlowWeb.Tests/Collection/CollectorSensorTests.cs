using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using static FlowWeb.Tests.Collection.CollectorHarness;

namespace FlowWeb.Tests.Collection;

public sealed class CollectorSensorTests : IDisposable
{
    private readonly CollectorHarness _harness = new();
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public void Dispose() => _harness.Dispose();

    private static readonly ushort[] Ports = [53, 80, 443, 22, 25, 12345];
    private static readonly byte[] Protocols = [6, 17, 1];

    private static List<FlowRecord> RandomFlows(int seed, int count, string sourcePrefix = "10.0.0.")
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Flow(
            sourcePrefix + random.Next(1, 20), "192.0.2." + random.Next(1, 30),
            (ushort)random.Next(1024, 1100), Ports[random.Next(Ports.Length)],
            Protocols[random.Next(Protocols.Length)], (ulong)random.Next(40, 100_000), (ulong)random.Next(1, 100), Now - 1000))];
    }

    [Fact]
    public async Task Sensors_TwoOnOnePort_AreSplitBySenderAddress()
    {
        var port = FreeUdpPort();
        var a = await _harness.AddSensorAsync(new SensorDefinition { Name = "A", Port = port, SenderIp = "127.0.0.2", Protocol = ExpectedProtocol.NetFlowV5 });
        var b = await _harness.AddSensorAsync(new SensorDefinition { Name = "B", Port = port, SenderIp = "127.0.0.3", Protocol = ExpectedProtocol.NetFlowV5 });
        var fromA = RandomFlows(1, 90);
        var fromB = RandomFlows(2, 60);

        Send("127.0.0.2", port, V5(fromA));
        Send("127.0.0.3", port, V5(fromB));
        var runtimeA = _harness.Collector.Sensor(a.Id)!;
        var runtimeB = _harness.Collector.Sensor(b.Id)!;
        await WaitUntilAsync(() => runtimeA.FlowsAccepted == 90 && runtimeB.FlowsAccepted == 60, $"90 flows at A and 60 at B: {runtimeA.FlowsAccepted}/{runtimeA.Datagrams} {runtimeB.FlowsAccepted}/{runtimeB.Datagrams} faults {_harness.Status.DecoderFaults} dg {_harness.Status.Datagrams} owns {_harness.Collector.OwnsPort(port)} err {_harness.Collector.PortError(port)} listeners {string.Join(",", _harness.Collector.Listeners.Select(l => $"{l.Port}:{l.Datagrams}:{l.LocalEndPoint}"))} decoder {string.Join(",", _harness.Decoder.Exporters.Select(e => $"{e.Address} {e.Datagrams} {e.Flows} {e.DecodeErrors}"))}");

        Assert.Equal(fromA.Sum(r => (double)r.Bytes), runtimeA.Bytes);
        Assert.Equal(fromB.Sum(r => (double)r.Bytes), runtimeB.Bytes);
        await Task.Delay(100);
        Assert.Equal(90, runtimeA.FlowsAccepted);
        Assert.Equal(60, runtimeB.FlowsAccepted);
    }

    [Fact]
    public async Task ClosingAPort_WakesItsReceiveThreads_WithoutCountingADatagramFromNoOne()
    {
        var port = FreeUdpPort();
        var sensor = await _harness.AddSensorAsync(new SensorDefinition { Name = "Closed soon", Port = port });
        Send("127.0.0.2", port, V5(RandomFlows(4, 30)));
        var runtime = _harness.Collector.Sensor(sensor.Id)!;
        await WaitUntilAsync(() => runtime.FlowsAccepted == 30, "30 flows");
        Assert.Equal(1, _harness.Status.Datagrams);

        // Closing the socket wakes a waiting receive with an empty message from no sender: that is not a datagram.
        Assert.True(await _harness.Service.DeleteSensorAsync(sensor.Id));
        await WaitUntilAsync(() => !_harness.Collector.OwnsPort(port), "the port closed");
        await Task.Delay(200);

        Assert.Equal(1, _harness.Status.Datagrams);
        Assert.DoesNotContain(_harness.Decoder.Exporters, e => e.DecodeErrors > 0);
    }

    [Fact]
    public async Task Filters_IncludeAndExclude_CountOnlyMatchingFlows()
    {
        var port = FreeUdpPort();
        var sensor = await _harness.AddSensorAsync(new SensorDefinition
        {
            Name = "UDP but not DNS", Port = port, IncludeFilter = "Protocol[UDP]", ExcludeFilter = "DestinationPort[53]",
        });
        var flows = RandomFlows(3, 150);
        var expected = flows.Where(f => f.Protocol == 17 && f.DstPort != 53).ToList();

        Send("127.0.0.2", port, V5(flows));
        var runtime = _harness.Collector.Sensor(sensor.Id)!;
        await WaitUntilAsync(() => runtime.FlowsAccepted + runtime.FlowsFiltered == 150, "150 flows seen");

        Assert.Equal(expected.Count, runtime.FlowsAccepted);
        Assert.Equal(150 - expected.Count, runtime.FlowsFiltered);
        Assert.Equal(expected.Sum(r => (double)r.Bytes), runtime.Bytes);
    }

    [Fact]
    public async Task Channels_CustomDefinition_FirstMatchWinsAndOtherTakesTheRest()
    {
        var port = FreeUdpPort();
        var sensor = await _harness.AddSensorAsync(new SensorDefinition
        {
            Name = "Custom", Port = port, ActiveFlowTimeoutMinutes = 0,
            CustomChannels = "#1:DNS\nPort[53]\n#2:Web\nPort[80,443]\n#3:Also DNS\nProtocol[UDP] and Port[53]",
        });
        var flows = RandomFlows(4, 120);

        Send("127.0.0.2", port, V5(flows));
        var runtime = _harness.Collector.Sensor(sensor.Id)!;
        await WaitUntilAsync(() => runtime.FlowsAccepted == 120, "120 flows");

        var totals = ChannelTotals(runtime, 10);
        double Sum(Func<FlowRecord, bool> p) => flows.Where(p).Sum(f => (double)f.Bytes);
        Assert.Equal(Sum(_ => true), totals[ChannelIds.Total], 3);
        Assert.Equal(Sum(f => f.DstPort == 53 || f.SrcPort == 53), totals[1], 3);
        Assert.Equal(Sum(f => f.DstPort is 80 or 443 || f.SrcPort is 80 or 443), totals[2], 3);
        Assert.Equal(0, totals[3], 3);
        Assert.Equal(Sum(f => f.DstPort is not (53 or 80 or 443) && f.SrcPort is not (53 or 80 or 443)), totals[ChannelIds.Other], 3);
    }

    [Fact]
    public async Task DrainToHistory_CalledTwice_RunningPeriodsAndMinutesHandedOverOnce()
    {
        var port = FreeUdpPort();
        var sensor = await _harness.AddSensorAsync(new SensorDefinition { Name = "Drained", Port = port, ActiveFlowTimeoutMinutes = 0 });
        var flows = RandomFlows(5, 40);
        Send("127.0.0.2", port, V5(flows));
        var runtime = _harness.Collector.Sensor(sensor.Id)!;
        await WaitUntilAsync(() => runtime.FlowsAccepted == 40, "40 flows");
        var periods = new List<(ToplistType Type, ToplistPeriodResult Period)>();
        var minuteBytes = 0.0;
        _harness.Collector.ToplistPeriodClosed += (_, toplist, period) => periods.Add((toplist.Type, period));
        _harness.Collector.MinutesClosed += (_, minutes) => minuteBytes += minutes.Where(m => m.ChannelId == ChannelIds.Total).Sum(m => m.Bytes);

        // A host may stop twice at once; shutdown drains each time.
        _harness.Collector.DrainToHistory();
        _harness.Collector.DrainToHistory();

        Assert.Equal(sensor.Toplists.Count, periods.Count);
        // Top IP books a flow once for each of its two hosts.
        Assert.All(periods, p => Assert.Equal(flows.Sum(f => (long)f.Bytes) * (p.Type == ToplistType.TopIp ? 2 : 1), p.Period.TotalBytes));
        Assert.Equal(flows.Sum(f => (double)f.Bytes), minuteBytes, 3);
    }

    [Fact]
    public async Task Toplists_EveryType_MatchBruteForce()
    {
        var port = FreeUdpPort();
        var toplists = ToplistDefinition.Defaults().Append(new ToplistDefinition
        {
            Id = 7, Name = "By destination port and protocol", Type = ToplistType.Custom, Fields = [ToplistField.DestinationPort, ToplistField.Protocol],
        }).ToList();
        var sensor = await _harness.AddSensorAsync(new SensorDefinition { Name = "Toplists", Port = port, Toplists = toplists });
        var flows = RandomFlows(5, 600);

        Send("127.0.0.2", port, V5(flows));
        var runtime = _harness.Collector.Sensor(sensor.Id)!;
        await WaitUntilAsync(() => runtime.FlowsAccepted == 600, "600 flows");

        foreach (var definition in toplists)
        {
            var keys = new ToplistKeys(definition.Type, definition.Fields);
            var expected = new Dictionary<ToplistKey, (long Bytes, long Packets)>();
            var buffer = new ToplistKey[2];
            foreach (var f in flows)
            {
                var n = keys.KeysOf(f, buffer);
                for (var i = 0; i < n; i++)
                {
                    var (b, p) = expected.GetValueOrDefault(buffer[i]);
                    expected[buffer[i]] = (b + (long)f.Bytes, p + (long)f.Packets);
                }
            }

            var (running, _) = runtime.ReadToplist(definition.Id, count: 10_000)!.Value;
            Assert.False(running.Approximate);
            Assert.Equal(expected.Count, running.Rows.Count);
            foreach (var row in running.Rows)
            {
                Assert.Equal(expected[row.Key], (row.Bytes, row.Packets));
            }

            var top10 = runtime.ReadToplist(definition.Id, count: 10)!.Value.Running.Rows.Select(r => r.Bytes);
            Assert.Equal(expected.Values.Select(v => v.Bytes).OrderDescending().Take(10), top10);
        }
    }

    [Fact]
    public async Task Sampling_AutomaticFromHeaderAndFixedOverride_ScaleCounters()
    {
        var port = FreeUdpPort();
        var automatic = await _harness.AddSensorAsync(new SensorDefinition { Name = "Auto", Port = port, SenderIp = "127.0.0.2" });
        var fixedRate = await _harness.AddSensorAsync(new SensorDefinition
        {
            Name = "Fixed", Port = port, SenderIp = "127.0.0.3", SamplingMode = SamplingMode.Fixed, SamplingRate = 10,
        });
        var flows = RandomFlows(6, 30);

        Send("127.0.0.2", port, V5(flows, samplingInterval: 100));
        Send("127.0.0.3", port, V5(flows, samplingInterval: 100));
        var a = _harness.Collector.Sensor(automatic.Id)!;
        var f = _harness.Collector.Sensor(fixedRate.Id)!;
        await WaitUntilAsync(() => a.FlowsAccepted == 30 && f.FlowsAccepted == 30, "30 flows each");

        var raw = flows.Sum(r => (double)r.Bytes);
        Assert.Equal(raw * 100, a.Bytes);
        Assert.Equal(raw * 10, f.Bytes);
        Assert.Equal(flows.Sum(r => (double)r.Packets) * 100, a.Packets);
    }

    [Fact]
    public async Task ActiveTimeout_SpreadsARecordOverItsInterval_OrBooksItAtArrivalWhenZero()
    {
        var port = FreeUdpPort();
        var spread = await _harness.AddSensorAsync(new SensorDefinition { Name = "Spread", Port = port, SenderIp = "127.0.0.2", ActiveFlowTimeoutMinutes = 1 });
        var atArrival = await _harness.AddSensorAsync(new SensorDefinition { Name = "Arrival", Port = port, SenderIp = "127.0.0.3", ActiveFlowTimeoutMinutes = 0 });
        var endMs = (Now / 1000 * 1000) - 2000;
        var flow = Flow("10.0.0.1", "192.0.2.1", 40000, 443, 6, bytes: 20_000, packets: 20, endMs: endMs, durationMs: 19_000);

        Send("127.0.0.2", port, V5([flow]));
        Send("127.0.0.3", port, V5([flow]));
        var s = _harness.Collector.Sensor(spread.Id)!;
        var z = _harness.Collector.Sensor(atArrival.Id)!;
        await WaitUntilAsync(() => s.FlowsAccepted == 1 && z.FlowsAccepted == 1, "the flow at both sensors");

        var spreadTotal = s.ReadChannels(60, DateTimeOffset.UtcNow).BytesPerSecond[ChannelSet.TotalIndex];
        var nonZero = spreadTotal.Where(v => v > 0).ToList();
        Assert.Equal(20, nonZero.Count);
        Assert.All(nonZero, v => Assert.Equal(1000, v, 6));
        var arrivalTotal = z.ReadChannels(60, DateTimeOffset.UtcNow).BytesPerSecond[ChannelSet.TotalIndex];
        Assert.Equal(20_000, Assert.Single(arrivalTotal, v => v > 0), 6);
    }

    [Fact]
    public async Task Sensors_AddedAndRemovedAtRunTime_OpenAndCloseTheirSocket()
    {
        var port = FreeUdpPort();
        Assert.True(CanBind(port));

        var sensor = await _harness.AddSensorAsync(new SensorDefinition { Name = "Runtime", Port = port });
        Assert.True(_harness.Collector.OwnsPort(port));
        Assert.False(CanBind(port));

        Assert.True(await _harness.Service.DeleteSensorAsync(sensor.Id));
        Assert.False(_harness.Collector.OwnsPort(port));
        Assert.True(CanBind(port));
        Assert.True(_harness.Collector.OwnsPort(_harness.DefaultPort));
    }

    [Fact]
    public async Task Sensor_OnAPortHeldByAnotherProgram_IsRejectedNamingThePort()
    {
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        other.Bind(new IPEndPoint(IPAddress.Any, 0));
        var taken = ((IPEndPoint)other.LocalEndPoint!).Port;

        var result = await _harness.Service.SaveSensorAsync(new SensorDefinition { Name = "Clash", Port = taken, IncludeFilter = "Port[99999]" });

        Assert.False(result.Saved);
        Assert.Contains(result.Errors, e => e.Field == "Port" && e.Message.Contains($"{taken} is in use", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Field == "IncludeFilter");
        Assert.Empty(await _harness.Service.ListSensorsAsync());
    }

    [Fact]
    public async Task Discovery_UnknownExporterOnTheDefaultPort_IsListed()
    {
        Send("127.0.0.7", _harness.DefaultPort, V5(RandomFlows(7, 45)));

        await WaitUntilAsync(() => _harness.Decoder.StatisticsOf(FlowAddress.Parse("127.0.0.7"))?.Flows == 45, "the exporter with 45 flows");
        var stats = _harness.Decoder.StatisticsOf(FlowAddress.Parse("127.0.0.7"))!;
        Assert.Equal(5, stats.Version);
        Assert.Equal(2, stats.Datagrams);
        Assert.Equal(2, _harness.Collector.Listeners.Single(l => l.Port == _harness.DefaultPort).Unrouted);
    }

    [Fact]
    public async Task MalformedDatagrams_AreCountedWithoutDisturbingOtherExporters()
    {
        var port = FreeUdpPort();
        var sensor = await _harness.AddSensorAsync(new SensorDefinition { Name = "Good", Port = port, SenderIp = "127.0.0.2" });
        var good = V5(RandomFlows(8, 300));
        var random = new Random(9);
        var garbage = Enumerable.Range(0, 50).Select(i => i % 2 == 0 ? good[0][..(i + 3)] : RandomBytes(random, 10 + i)).ToList();

        for (var i = 0; i < good.Count; i++)
        {
            Send("127.0.0.4", port, garbage.Skip(i * 5).Take(5));
            Send("127.0.0.2", port, [good[i]]);
        }

        var runtime = _harness.Collector.Sensor(sensor.Id)!;
        await WaitUntilAsync(() => runtime.FlowsAccepted == 300, "all 300 good flows");
        // Datagrams failing their header checks make no exporter entry and are counted in the shared counters; the
        // others (a v9 header with garbage after it) are counted on the sender's entry. Every one is counted once.
        var address = FlowAddress.Parse("127.0.0.4");
        long Attributed() => _harness.Decoder.StatisticsOf(address)?.Datagrams ?? 0;
        long Unattributed() => _harness.Decoder.Limits.UnattributedErrorsByReason().Values.Sum();
        await WaitUntilAsync(() => Attributed() + Unattributed() == 50, "the 50 malformed datagrams");
        var bad = _harness.Decoder.StatisticsOf(address);
        Assert.Equal(bad?.Datagrams ?? 0, bad?.DecodeErrors ?? 0);
        Assert.Equal(0, bad?.Flows ?? 0);
        Assert.Equal(0, _harness.Decoder.StatisticsOf(FlowAddress.Parse("127.0.0.2"))!.DecodeErrors);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        bytes[0] = 0;
        bytes[1] = (byte)random.Next(0, 12);
        return bytes;
    }

    /// <summary>Bytes per channel id over the last <paramref name="seconds"/> seconds.</summary>
    private static Dictionary<int, double> ChannelTotals(SensorAggregator runtime, int seconds)
    {
        var series = runtime.ReadChannels(seconds, DateTimeOffset.UtcNow);
        return runtime.Channels.Channels.Select((c, i) => (c.Id, Sum: series.BytesPerSecond[i].Sum())).ToDictionary(x => x.Id, x => x.Sum);
    }
}

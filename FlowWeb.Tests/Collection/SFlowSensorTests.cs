using System.Text.Json;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Capture;
using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using static FlowWeb.Tests.Collection.CollectorHarness;

namespace FlowWeb.Tests.Collection;

/// <summary>
/// End to end: the two switch captures' sFlow datagrams sent over UDP on 127.0.0.1 to sFlow sensors, whose totals and
/// every default toplist must equal what tshark's reading of the same samples gives (rate packets and frame length ×
/// rate bytes per sample).
/// </summary>
public sealed class SFlowSensorTests : IDisposable
{
    private readonly CollectorHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private static List<byte[]> Datagrams(string file) =>
        [.. PcapReader.Read(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "captures", "sflow", file)), out _).Select(d => d.Payload)];

    /// <summary>
    /// tshark's flow samples as flow records: the truth the sensor is checked against. Two conventions are FlowWeb's:
    /// ICMP type and code in the destination port, and no ports for GRE (tshark prints the tunnelled packet's).
    /// </summary>
    private static List<FlowRecord> Truth(string file)
    {
        var records = new List<FlowRecord>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "TestData", "expected", "sflow-" + Path.ChangeExtension(file, ".jsonl"))))
        {
            var e = JsonDocument.Parse(line).RootElement;
            if (e.GetProperty("sampleType").GetString() == "counters")
            {
                continue;
            }

            var protocol = e.TryGetProperty("protocol", out var p) ? p.GetByte() : (byte)0;
            var gre = protocol == 47;
            records.Add(new FlowRecord
            {
                SrcAddr = e.TryGetProperty("srcAddr", out var s) ? FlowAddress.Parse(s.GetString()!) : default,
                DstAddr = e.TryGetProperty("dstAddr", out var d) ? FlowAddress.Parse(d.GetString()!) : default,
                Protocol = protocol,
                SrcPort = !gre && e.TryGetProperty("srcPort", out var sp) ? sp.GetUInt16() : (ushort)0,
                DstPort = e.TryGetProperty("icmpType", out var t) ? (ushort)((t.GetInt32() << 8) | e.GetProperty("icmpCode").GetInt32())
                    : !gre && e.TryGetProperty("dstPort", out var dp) ? dp.GetUInt16() : (ushort)0,
                Bytes = e.GetProperty("frameLength").GetUInt64() * e.GetProperty("samplingRate").GetUInt64(),
                Packets = e.GetProperty("samplingRate").GetUInt64(),
            });
        }

        return records;
    }

    [Theory]
    [InlineData("switch-2011.pcap", "127.0.0.2")]
    [InlineData("switch-10g-2021.pcap", "127.0.0.3")]
    public async Task SFlowSensor_SwitchCaptureOverUdp_TotalsAndToplistsMatchTshark(string file, string sender)
    {
        var port = FreeUdpPort();
        var sensor = await _harness.AddSensorAsync(new SensorDefinition { Name = file, Port = port, SenderIp = sender, Protocol = ExpectedProtocol.SFlow });
        var truth = Truth(file);
        var datagrams = Datagrams(file);

        Send(sender, port, datagrams);
        var runtime = _harness.Collector.Sensor(sensor.Id)!;
        await WaitUntilAsync(() => runtime.FlowsAccepted == truth.Count, $"{truth.Count} samples (have {runtime.FlowsAccepted} from {runtime.Datagrams} datagrams)", 20_000);

        Assert.Equal(datagrams.Count, runtime.Datagrams);
        Assert.Equal(truth.Sum(r => (double)r.Bytes), runtime.Bytes);
        Assert.Equal(1 << SFlowDatagram.Version, runtime.ReadCounters().VersionsSeen);
        foreach (var definition in ToplistDefinition.Defaults())
        {
            var keys = new ToplistKeys(definition.Type, definition.Fields);
            var expected = new Dictionary<ToplistKey, (long Bytes, long Packets)>();
            var buffer = new ToplistKey[2];
            foreach (var r in truth)
            {
                var n = keys.KeysOf(r, buffer);
                for (var i = 0; i < n; i++)
                {
                    var (b, p) = expected.GetValueOrDefault(buffer[i]);
                    expected[buffer[i]] = (b + (long)r.Bytes, p + (long)r.Packets);
                }
            }

            var (running, _) = runtime.ReadToplist(definition.Id, count: 100_000)!.Value;
            Assert.False(running.Approximate);
            Assert.Equal(expected.Count, running.Rows.Count);
            Assert.All(running.Rows, row => Assert.Equal(expected[row.Key], (row.Bytes, row.Packets)));
        }

        // The agent's interface counters from the counters samples, kept on the exporter.
        var agent = Assert.Single(_harness.Decoder.StatisticsOf(FlowAddress.Parse(sender))!.SFlow!.Agents);
        Assert.NotEmpty(agent.Interfaces());
        Assert.Equal(0, agent.LostDatagrams);
    }
}

using System.Diagnostics;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Collection;

/// <summary>
/// Runs the receive path once, before any port opens, on datagrams of its own: NetFlow v5, v9 and IPFIX in
/// RouterOS's shapes, IPv4 and IPv6, decoded by a decoder of its own and counted by a sensor and a detector nobody
/// sees (default toplists and thresholds), then dropped. Every method is compiled at its first call, on the thread
/// that makes it; without this the first datagrams paid for compiling the decoder, the toplists and detection on the
/// receive thread itself. On a fresh server's first heavy load (IPFIX at 1.3 M flows/s, the benchmark's workload)
/// the socket queue then reached 29 of its 32 MiB in the first half second, where a load after a short earlier one
/// stayed under 4 MiB: the loss-free rate of a freshly started collector was set by its first second. What this
/// cannot warm is each real table's growth to its size, which is memory the real load has to take.
/// </summary>
internal static class CollectorWarmUp
{
    /// <summary>Records per export protocol: enough for the tables to grow a few times, a few milliseconds once compiled.</summary>
    public const int RecordsPerProtocol = 3000;

    /// <summary>Keys a warm-up toplist counts exactly: a third of <see cref="RecordsPerProtocol"/>, so that most lists purge.</summary>
    public const int PurgingToplistCapacity = 1000;

    /// <summary>
    /// What a warm-up did: datagrams decoded (and how many failed), records in them, records the sensor accepted, and
    /// its toplists that filled and purged (approximate).
    /// </summary>
    public readonly record struct Result(TimeSpan Took, int Datagrams, int Failed, long Records, long Accepted, int PurgedToplists);

    public static Result Run(AggregationOptions aggregation, DetectionOptions detection, TimeProvider time)
    {
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        var nowSecond = now.ToUnixTimeSeconds();
        var nowMs = now.ToUnixTimeMilliseconds();
        var sensor = new SensorDefinition { Name = "warm-up" };
        var detector = new SensorDetector(sensor.Id, sensor.Name, new DetectionConfig(detection, sensor.Detection), time, () => 0);
        // Toplists small enough to fill: their purge and admission filter are then compiled here too, not on the receive
        // thread when a real table first fills (on the benchmark's workload, a few seconds into the first load).
        var options = aggregation.Clone();
        options.ToplistCapacity = Math.Min(aggregation.ToplistCapacity, PurgingToplistCapacity);
        var aggregator = new SensorAggregator(sensor, options, nowSecond, 1, [DetectionObserverFactory.Standalone(detector, nowSecond)]);
        var decoder = new FlowDecoder(time: time);
        using var batch = new FlowBatch();
        var buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];
        var records = Records(nowMs);
        var exporter = FlowAddress.FromIPv4(0x7F00_0001);
        var bootMs = nowMs - 86_400_000;
        int datagrams = 0, failed = 0;
        long decoded = 0;
        foreach (var simulator in new[]
        {
            RouterOsExporters.NetFlowV5(bootMs), RouterOsExporters.Ros7NetFlowV9(bootMs), RouterOsExporters.Ros7Ipfix(bootMs), RouterOsExporters.Ros6Ipfix(bootMs),
        })
        {
            // v5 carries IPv4 only; the others both families.
            var these = simulator.Protocol == ExportProtocol.NetFlowV5 ? records.Where(r => r.SrcAddr.IsIPv4 && r.DstAddr.IsIPv4).ToArray() : records;
            simulator.ExportAll(these, nowMs, buffer, datagram =>
            {
                batch.Clear();
                var result = decoder.Decode(exporter, datagram, batch);
                datagrams++;
                failed += result.Status == DecodeStatus.Ok ? 0 : 1;
                decoded += result.Records;
                aggregator.Ingest(batch, now);
            });
        }

        // The detection tick, as the collector's tick runs it: the finished second handed over and evaluated.
        var reading = aggregator.Tick(now.AddSeconds(1), new SensorInterest(60, Tail: true, ToplistRows: 10));
        detector.Tick(nowSecond + 2);
        return new Result(Stopwatch.GetElapsedTime(started), datagrams, failed, decoded, reading.Counters.FlowsAccepted,
            reading.Toplists.Count(t => t.Running.Approximate));
    }

    /// <summary>
    /// A mix like the one the collector sees: TCP (some SYN-only), UDP (some from DNS and NTP ports), ICMP, one in eight
    /// IPv6, sources spread over 10.0.0.0/8, a few busy destinations and many light ones, short and long flows.
    /// </summary>
    private static FlowRecord[] Records(long nowMs)
    {
        var random = new Random(2055);
        var records = new FlowRecord[RecordsPerProtocol];
        for (var i = 0; i < records.Length; i++)
        {
            var ipv6 = i % 8 == 7;
            var source = 0x0A00_0000u | (uint)random.Next(1 << 24);
            var destination = 0xC612_0000u | (uint)(i % 4 == 0 ? random.Next(8) : random.Next(1 << 16));
            var protocol = (byte)(i % 20 == 0 ? 1 : i % 4 == 1 ? 17 : 6);
            var packets = (ulong)(1 + random.Next(i % 16 == 0 ? 5000 : 20));
            var durationMs = i % 5 == 0 ? random.Next(2000, 60_000) : random.Next(1000);
            records[i] = new FlowRecord
            {
                SrcAddr = ipv6 ? new FlowAddress(0x2001_0DB8_0000_0000UL, source) : FlowAddress.FromIPv4(source),
                DstAddr = ipv6 ? new FlowAddress(0x2001_0DB8_0001_0000UL, destination) : FlowAddress.FromIPv4(destination),
                SrcPort = (ushort)(protocol == 17 && i % 3 == 0 ? (i % 2 == 0 ? 53 : 123) : random.Next(1024, 65536)),
                DstPort = (ushort)(protocol == 1 ? 0 : i % 2 == 0 ? 443 : random.Next(1, 65536)),
                Protocol = protocol,
                TcpFlags = (ushort)(protocol == 6 ? (i % 3 == 0 ? 0x02 : 0x1B) : 0),
                Packets = packets,
                Bytes = packets * (ulong)random.Next(40, 1500),
                StartMs = nowMs - durationMs,
                EndMs = nowMs,
                InIf = 1,
                OutIf = 2,
            };
        }

        return records;
    }
}

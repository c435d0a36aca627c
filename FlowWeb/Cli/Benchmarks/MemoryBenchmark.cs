using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench memory [--sensors 1,10,25,50] [--rate 200000] [--seconds 20]</c>: peak memory of the whole server against
/// the number of sensors. For each count N it starts this build's server as a child process (scratch data folder,
/// reverse DNS off) with N sensors on one port, each pinned to its own exporter address (127.0.1.1 ... 127.0.1.N),
/// and sends NetFlow v9 from N sockets bound to those addresses: the collector benchmark's high-cardinality records
/// (random sources, Zipf destinations), a different draw per exporter, at the given total rate for a bounded time.
/// Prints per N: flows sent and accepted, the child's peak resident memory (VmHWM), and the toplist memory the
/// budget reports (<c>Aggregation:MemoryBudgetBytes</c>).
/// </summary>
internal static class MemoryBenchmark
{
    private const int PacketsPerExporter = 2048;

    public static Command Create(CliConsole console)
    {
        var sensors = CliOptions.WholeNumbers("--sensors", "Sensor counts to measure, each with as many exporters", [1, 10, 25, 50], 1, 200);
        var rate = CliOptions.WholeNumber("--rate", "Flows per second sent in total", 200_000, 1_000, 2_000_000);
        var seconds = CliOptions.WholeNumber("--seconds", "Seconds to send per sensor count", 20, 2, 120);
        var command = new Command("memory", "Peak resident memory of the server against the number of sensors (one exporter each, high-cardinality v9 over loopback).")
        {
            sensors, rate, seconds,
        };
        command.SetAction((parse, token) => RunAsync(console.Out, parse.GetRequiredValue(sensors), parse.GetValue(rate), parse.GetValue(seconds), token));
        return command;
    }

    public static async Task<int> RunAsync(TextWriter stdout, int[] counts, int rate, int seconds, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"memory benchmark: server child per sensor count, {rate:N0} flows/s for {seconds} s over loopback, {PacketsPerExporter * 30:N0} distinct records per exporter; load average {File.ReadAllText("/proc/loadavg").Trim()}")).ConfigureAwait(false);
        await stdout.WriteLineAsync("sensors  flows sent  accepted  peak RSS  toplist memory (used / limit)  refusals").ConfigureAwait(false);
        foreach (var n in counts)
        {
            var exporters = Enumerable.Range(0, n).Select(Datagrams).ToList();
            var row = await MeasureAsync(n, exporters, rate, seconds, token).ConfigureAwait(false);
            await stdout.WriteLineAsync(row).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<string> MeasureAsync(int n, List<List<(byte[] Bytes, int Records)>> exporters, int rate, int seconds, CancellationToken token)
    {
        var sensors = Enumerable.Range(0, n).SelectMany(i => (string[])[
            $"--Sensors:{i}:Name=exporter {i + 1}", $"--Sensors:{i}:Port={{port}}", $"--Sensors:{i}:SenderIp={Exporter(i)}"]);
        await using var server = await ServerChild.StartAsync(sensors, token).ConfigureAwait(false);
        var sent = Send(exporters, server.Port, rate, seconds);
        await Task.Delay(TimeSpan.FromSeconds(3), token).ConfigureAwait(false);
        var metrics = await server.MetricsAsync(token).ConfigureAwait(false);
        var accepted = ServerChild.Sum(metrics, "flowweb_sensor_flows_total{");
        var used = ServerChild.Sum(metrics, "flowweb_toplist_memory_bytes{measure=\"used\"}");
        var limit = ServerChild.Sum(metrics, "flowweb_toplist_memory_bytes{measure=\"limit\"}");
        var refusals = ServerChild.Sum(metrics, "flowweb_toplist_memory_refusals_total");
        var peak = server.PeakResidentBytes();
        return string.Create(CultureInfo.InvariantCulture,
            $"{n,7}  {sent,10:N0}  {accepted,8:N0}  {peak / 1048576.0,5:0} MB  {used / 1048576.0,6:0} MB / {limit / 1048576.0:0} MB  {refusals,8:N0}");
    }

    /// <summary>Exporter <paramref name="index"/>'s datagrams: its own draw of the benchmark workload, as RouterOS 7 sends v9.</summary>
    private static List<(byte[] Bytes, int Records)> Datagrams(int index)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var exporter = RouterOsExporters.Ros7NetFlowV9(now - 86_400_000);
        var records = new FlowblastWorkload(PacketsPerExporter, seed: 100 + index).Records;
        foreach (ref var r in records.AsSpan())
        {
            (r.StartMs, r.EndMs) = (now - 2_000, now - 1_000);
        }

        return IngestSender.Encode(exporter, records, now);
    }

    private static string Exporter(int index) => $"127.0.1.{index + 1}";

    /// <summary>Round-robin over the exporters, paced to <paramref name="rate"/> flows/s, for at most <paramref name="seconds"/>.</summary>
    private static long Send(List<List<(byte[] Bytes, int Records)>> exporters, int port, int rate, int seconds)
    {
        var sockets = exporters.Select((_, i) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { SendBufferSize = 1 << 20 };
            socket.Bind(new IPEndPoint(IPAddress.Parse(Exporter(i)), 0));
            socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
            return socket;
        }).ToList();
        try
        {
            var recordsPerDatagram = exporters.Average(e => e.Average(d => d.Records));
            var perMs = rate / recordsPerDatagram / 1000;
            var total = (long)(rate * (double)seconds / recordsPerDatagram);
            var clock = Stopwatch.StartNew();
            long sent = 0, flows = 0;
            while (sent < total && clock.Elapsed.TotalSeconds < seconds * 2)
            {
                var due = Math.Min(total, (long)(clock.Elapsed.TotalMilliseconds * perMs) + 1);
                for (; sent < due; sent++)
                {
                    var e = (int)(sent % exporters.Count);
                    var datagrams = exporters[e];
                    var datagram = datagrams[(int)(sent / exporters.Count % datagrams.Count)];
                    sockets[e].Send(datagram.Bytes);
                    flows += datagram.Records;
                }

                Thread.Sleep(1);
            }

            return flows;
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }
}

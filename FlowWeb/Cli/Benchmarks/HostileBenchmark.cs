using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench hostile [--scale N] [--seconds S]</c>: the whole server as a child process (<see cref="ServerChild"/>: its own
/// SQLite file, template persistence and history on) with the default caps and one sensor expecting a legitimate
/// RouterOS-shaped v9 exporter (127.0.0.2, 2,000 flows/s). Each attack of <see cref="HostileTraffic"/> is sent over and
/// over from forged loopback sources for <c>S</c> seconds (60 by default, so template persistence saves at least
/// twice) at <c>--attack-rate</c> (4 MiB/s by default: ten times the issue's withdrawal storm is 44 KB/s and its
/// exporter flood was a 320 KB burst) while the exporter keeps sending, and the benchmark prints per attack: attack bytes/s, the legitimate
/// exporter's lost flows, the server's peak resident memory so far, and the bytes the server wrote to disk per
/// minute during the attack (<c>write_bytes</c> of /proc/PID/io: database, journal and logs; forged sources are
/// never proven, so their templates should cost nothing).
/// </summary>
internal static class HostileBenchmark
{
    private const int LegitFlowsPerSecond = 2000;

    public static Command Create(CliConsole console)
    {
        var scale = CliOptions.WholeNumber("--scale", "Attack size: 1 = the issue's sizes scaled to run in seconds; 10 = ten times", 1, 1, 10);
        var seconds = CliOptions.WholeNumber("--seconds", "Seconds each attack is kept up (repeated)", 60, 5, 600);
        var rate = CliOptions.WholeNumber("--attack-rate", "Attack bytes per second (0 = as fast as the sender goes)", 4 * 1024 * 1024, 0, int.MaxValue);
        var command = new Command("hostile", "Attacks of issue 11 (exporter flood, template flood, withdrawal storm, held-data amplification, oversized templates) against the whole server while a legitimate exporter sends: attack bytes/s, its loss, peak RSS, disk bytes written per minute.")
        {
            scale, seconds, rate,
        };
        command.SetAction((parse, token) => RunAsync(console.Out, parse.GetValue(scale), parse.GetValue(seconds), parse.GetValue(rate), token));
        return command;
    }

    public static async Task<int> RunAsync(TextWriter stdout, int scale, int seconds, int attackRate, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        await using var server = await ServerChild.StartAsync(["--Sensors:0:Name=legit", "--Sensors:0:Port={port}", "--Sensors:0:SenderIp=127.0.0.2"], token)
            .ConfigureAwait(false);
        var legit = IngestSender.Build(9, 60_000, seed: 5, out var perDatagram, distinctKeys: false);
        using var legitSocket = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        var target = new IPEndPoint(IPAddress.Loopback, server.Port);
        var next = 0;
        long sentFlows = 0;
        void SendLegit()
        {
            var d = legit[next++ % legit.Count];
            legitSocket.Send(d.Bytes, d.Bytes.Length, target);
            sentFlows += d.Records;
        }

        async Task<double> AcceptedAsync() => ServerChild.Sum(await server.MetricsAsync(token).ConfigureAwait(false), "flowweb_sensor_flows_total{");

        // The sensor names the exporter, so it is protected from its first datagram; its templates are then saved once.
        SendLegit();
        await Task.Delay(TimeSpan.FromSeconds(2), token).ConfigureAwait(false);

        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"hostile benchmark: whole server (child), default caps, legitimate v9 exporter at ~{LegitFlowsPerSecond:N0} flows/s, each attack repeated for {seconds} s at {(attackRate == 0 ? "full speed" : $"{attackRate:N0} B/s")}; load average {File.ReadAllText("/proc/loadavg").Trim()}")).ConfigureAwait(false);
        await stdout.WriteLineAsync($"{"attack",-26} {"datagrams",10} {"attack B/s",12} {"legit sent",11} {"legit lost",11} {"peak RSS MB",12} {"disk B/min",12}").ConfigureAwait(false);
        var attacks = new[]
        {
            // The baseline: the same minute with the legitimate exporter alone (history, logs and saves it causes anyway).
            new HostileAttack("no attack (baseline)", []),
            HostileTraffic.ExporterFlood(5000 * scale),
            HostileTraffic.TemplateFlood(sources: 16 * scale, templates: 64, fields: 1024, firstSource: 10_000),
            HostileTraffic.WithdrawalStorm(sources: 16 * scale, messages: 300 * scale),
            HostileTraffic.HeldDataAmplification(131 * scale, sourceIndex: 20_000),
            HostileTraffic.OversizedTemplates(sources: 32 * scale, firstSource: 30_000),
        };
        foreach (var attack in attacks)
        {
            var acceptedBefore = await AcceptedAsync().ConfigureAwait(false);
            var sentBefore = sentFlows;
            var diskBefore = server.DiskBytesWritten();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var clock = Stopwatch.StartNew();
            long datagrams = 0, bytes = 0;
            var perDatagramBytes = (double)attack.Bytes / Math.Max(1, attack.Datagrams.Count);
            var sending = Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    if (attack.Datagrams.Count == 0)
                    {
                        stop.Token.WaitHandle.WaitOne();
                        break;
                    }

                    // A round cut short counts what it sent; datagrams of one attack are about the same size.
                    var n = HostileTraffic.Send(attack, server.Port, attackRate, stop.Token);
                    datagrams += n;
                    bytes += n == attack.Datagrams.Count ? attack.Bytes : (long)(n * perDatagramBytes);
                }
            }, CancellationToken.None);
            var pace = LegitFlowsPerSecond / perDatagram;
            while (!sending.IsCompleted)
            {
                SendLegit();
                await Task.Delay(TimeSpan.FromMilliseconds(1000 / pace), CancellationToken.None).ConfigureAwait(false);
            }

            await sending.ConfigureAwait(false);
            var attackSeconds = clock.Elapsed.TotalSeconds;
            var disk = server.DiskBytesWritten() - diskBefore;
            var accepted = await AcceptedAsync().ConfigureAwait(false) - acceptedBefore;
            for (var i = 0; i < 30 && accepted < sentFlows - sentBefore; i++)
            {
                await Task.Delay(100, token).ConfigureAwait(false);
                accepted = await AcceptedAsync().ConfigureAwait(false) - acceptedBefore;
            }

            var lost = sentFlows - sentBefore - (long)accepted;
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{attack.Name,-26} {datagrams,10:N0} {bytes / attackSeconds,12:N0} {sentFlows - sentBefore,11:N0} {lost,11:N0} {server.PeakResidentBytes() / 1048576.0,12:0} {disk / (attackSeconds / 60),12:N0}")).ConfigureAwait(false);
        }

        var metrics = await server.MetricsAsync(token).ConfigureAwait(false);
        double M(string prefix) => ServerChild.Sum(metrics, prefix);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"counted: exporters evicted {M("flowweb_exporters_evicted_total{why=\"evicted\"}"):N0}, refused (table full) {M("flowweb_dropped_total{stage=\"exporter_table\"}"):N0}, templates refused {M("flowweb_templates_refused_total"):N0}, records over limit {M("flowweb_dropped_total{stage=\"record_limit\"}"):N0}, malformed from unknown senders {M("flowweb_dropped_total{stage=\"malformed_unknown_sender\"}"):N0}; template bytes {M("flowweb_decoder_budget{table=\"template_bytes\",measure=\"used\"}"):N0} of {M("flowweb_decoder_budget{table=\"template_bytes\",measure=\"max\"}"):N0}")).ConfigureAwait(false);
        return 0;
    }
}

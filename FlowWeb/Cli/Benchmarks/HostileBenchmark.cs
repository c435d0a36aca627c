using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench hostile [--scale N]</c>: the real collector in this process with the default caps and one sensor expecting a
/// legitimate RouterOS-shaped v9 exporter (127.0.0.2, 2,000 flows/s); each attack of <see cref="HostileTraffic"/> is
/// sent from forged loopback sources while the exporter keeps sending, and the benchmark prints per attack: attack
/// bytes/s, the legitimate exporter's lost flows, peak RSS, and the template rows persistence would write for it
/// (only proven exporters' rows are written, so forged sources should cost 0). Bounded: each attack at most 60 s.
/// </summary>
internal static class HostileBenchmark
{
    public static Command Create(CliConsole console)
    {
        var scale = CliOptions.WholeNumber("--scale", "Attack size: 1 = the issue's sizes scaled to run in seconds; 10 = ten times", 1, 1, 10);
        var command = new Command("hostile", "Attacks of issue 11 (exporter flood, template flood, withdrawal storm, held-data amplification, oversized templates) against the real collector while a legitimate exporter sends: attack bytes/s, its loss, peak RSS, persisted bytes.")
        {
            scale,
        };
        command.SetAction((parse, _) => RunAsync(console.Out, parse.GetValue(scale)));
        return command;
    }

    public static async Task<int> RunAsync(TextWriter stdout, int scale)
    {
        var port = FreePort();
        var decoder = new FlowDecoder();
        using var collector = new FlowCollector(decoder, new CollectorOptions { DefaultPort = port, BindAddress = "127.0.0.1", ReceiveBufferBytes = 32 * 1024 * 1024 },
            new AggregationOptions(), new CollectorStatus(), TimeProvider.System, NullLogger<FlowCollector>.Instance);
        var definition = new SensorDefinition { Name = "legit", Port = port, SenderIp = "127.0.0.2" };
        collector.Apply([definition]);
        var sensor = collector.Sensor(definition.Id)!;
        var legit = IngestSender.Build(9, 60_000, seed: 5, out var perDatagram, distinctKeys: false);
        using var legitSocket = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        var target = new IPEndPoint(IPAddress.Loopback, port);
        var next = 0;
        long sentFlows = 0;
        void SendLegit()
        {
            var d = legit[next++ % legit.Count];
            legitSocket.Send(d.Bytes, d.Bytes.Length, target);
            sentFlows += d.Records;
        }

        // Prove the legitimate exporter before the attacks, as a router that has been sending for a while.
        SendLegit();
        await Task.Delay(decoder.Options.ExporterProtectAfter + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        SendLegit();

        await stdout.WriteLineAsync($"hostile benchmark: default caps, legitimate v9 exporter at ~2,000 flows/s, load average {File.ReadAllText("/proc/loadavg").Trim()}").ConfigureAwait(false);
        await stdout.WriteLineAsync($"{"attack",-26} {"datagrams",10} {"attack B/s",12} {"legit sent",11} {"legit lost",11} {"peak RSS MB",12} {"persist B/min",14}").ConfigureAwait(false);
        var attacks = new[]
        {
            HostileTraffic.ExporterFlood(5000 * scale),
            HostileTraffic.TemplateFlood(sources: 16 * scale, templates: 64, fields: 1024, firstSource: 10_000),
            HostileTraffic.WithdrawalStorm(sources: 16 * scale, messages: 300 * scale),
            HostileTraffic.HeldDataAmplification(131 * scale, sourceIndex: 20_000),
            HostileTraffic.OversizedTemplates(sources: 32 * scale, firstSource: 30_000),
        };
        foreach (var attack in attacks)
        {
            var acceptedBefore = sensor.FlowsAccepted;
            var sentBefore = sentFlows;
            var persistedBefore = decoder.PersistableTemplates().Sum(TemplatePersistence.RowBytes);
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var clock = Stopwatch.StartNew();
            var sending = Task.Run(() => HostileTraffic.Send(attack, port, 0, stop.Token));
            var pace = 2000 / perDatagram;
            while (!sending.IsCompleted || clock.Elapsed < TimeSpan.FromSeconds(2))
            {
                SendLegit();
                await Task.Delay(TimeSpan.FromMilliseconds(1000 / pace)).ConfigureAwait(false);
            }

            await sending.ConfigureAwait(false);
            var attackSeconds = clock.Elapsed.TotalSeconds;
            for (var i = 0; i < 300 && sensor.FlowsAccepted - acceptedBefore < sentFlows - sentBefore; i++)
            {
                await Task.Delay(10).ConfigureAwait(false);
            }

            var lost = (sentFlows - sentBefore) - (sensor.FlowsAccepted - acceptedBefore);
            var persisted = Math.Max(0, decoder.PersistableTemplates().Sum(TemplatePersistence.RowBytes) - persistedBefore);
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{attack.Name,-26} {attack.Datagrams.Count,10:N0} {attack.Bytes / attackSeconds,12:N0} {sentFlows - sentBefore,11:N0} {lost,11:N0} {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0,12:0} {persisted / Math.Max(attackSeconds / 60, 1.0 / 60),14:N0}")).ConfigureAwait(false);
        }

        var limits = decoder.Limits;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"counted: exporters evicted {limits.ExportersEvicted:N0}, refused (table full) {limits.DatagramsTableFull:N0}, templates refused {limits.TemplatesRefused:N0}, records over limit {limits.RecordsOverLimit:N0}, releases deferred {limits.ReleasesDeferred:N0}, malformed from unknown senders {limits.UnattributedErrorsByReason().Values.Sum():N0}; template bytes {limits.TemplateBytes.Used:N0} of {limits.TemplateBytes.Max:N0}")).ConfigureAwait(false);
        return 0;
    }

    private static int FreePort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }
}

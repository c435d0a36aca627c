using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench detection delay [--trials 5]</c>: the real collector with detection on default thresholds (N = 3 s) and one
/// sensor protecting <see cref="NormalDay"/>'s network receives, from the project's encoder as RouterOS 7 NetFlow v9
/// over UDP on 127.0.0.1, the normal day's traffic at its busiest hour and, in rounds, every attack of
/// <see cref="AttackTraffic"/> at once (IPv4 and IPv6 each, unsampled and 1:1000 in separate rounds), each to a new
/// victim. A second's records go out in ten slices 100 ms apart, as a router exports continuously, and each round
/// begins at a random point of a second. Measured in real time: from the send of an attack's first datagram (its
/// arrival, on loopback) to the moment detection declares it, per attack type: median and worst, and whether the
/// victim, type and direction were right.
/// </summary>
internal static class DetectionDelayBenchmark
{
    private const int MaxSecondsPerRound = 15;

    public static Command Create(CliConsole console)
    {
        var trials = CliOptions.WholeNumber("--trials", "Rounds per sampling rate (each sends every attack type, IPv4 and IPv6, to new victims)", 5, 1, 40);
        var command = new Command("delay", "Real collector, default thresholds, attacks mixed into normal traffic over loopback UDP: seconds from an attack's first datagram to its start being declared, median and worst per type.")
        {
            trials,
        };
        command.SetAction((parse, _) => RunAsync(console.Out, parse.GetValue(trials)));
        return command;
    }

    public static async Task<int> RunAsync(TextWriter stdout, int trials)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var settings = new SensorDetectionSettings { ProtectedNetworks = NormalDay.ProtectedNetworks };
        await using var host = new DetectingCollector(detect: true, settings);
        var detected = new ConcurrentDictionary<string, (long Timestamp, AttackReport Report)>();
        host.Detection!.AddObserver(new StartRecorder(detected));
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"detection delay: real collector, default thresholds (N = {host.Detection.Options.StartAfterSeconds} s), NetFlow v9 over UDP 127.0.0.1:{host.Port}, normal traffic of 19:00 mixed in, {trials} rounds x 18 attacks per sampling rate; load average {FalsePositiveBenchmark.LoadAverage()}")).ConfigureAwait(false);

        var rows = new List<(AttackTraffic.Scenario Scenario, double? Delay, bool Right)>();
        var clock = Stopwatch.StartNew();
        var round = 0;
        using var sender = new RoundSender(host.Port);

        // One generator for every round: Random(0), Random(1), ... start with nearly the same numbers.
        var random = new Random(13);
        foreach (var sampling in new uint[] { 1, 1000 })
        {
            var day = new NormalDay(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (19 * 3600), activeTimeoutSeconds: 60, samplingRate: sampling);
            for (var t = 0; t < trials; t++, round++)
            {
                var scenarios = AttackTraffic.All(sampling, round).ToList();
                var firstSent = await sender.RunAsync(scenarios, day, () => scenarios.All(s => detected.ContainsKey(s.Victim)), random).ConfigureAwait(false);
                foreach (var s in scenarios)
                {
                    var hit = detected.TryGetValue(s.Victim, out var d);
                    var delay = hit && firstSent.TryGetValue(s.Victim, out var sent) ? Stopwatch.GetElapsedTime(sent, d.Timestamp).TotalSeconds : (double?)null;
                    rows.Add((s, delay, hit && d.Report.Type == s.Type && d.Report.Direction == s.Direction));
                }
            }
        }

        await stdout.WriteLineAsync($"{"attack",-36} {"detected",9} {"right type",11} {"median s",9} {"worst s",8}").ConfigureAwait(false);
        foreach (var group in rows.GroupBy(r => r.Scenario.Label))
        {
            var delays = group.Where(r => r.Delay is not null).Select(r => r.Delay!.Value).Order().ToList();
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key,-36} {$"{delays.Count}/{group.Count()}",9} {$"{group.Count(r => r.Right)}/{group.Count()}",11} {Median(delays),9:0.00} {(delays.Count > 0 ? delays[^1] : double.NaN),8:0.00}")).ConfigureAwait(false);
        }

        var all = rows.Where(r => r.Delay is not null).Select(r => r.Delay!.Value).Order().ToList();
        var missed = rows.Count(r => r.Delay is null);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"all {rows.Count} attacks: detected {all.Count}, right victim/type/direction {rows.Count(r => r.Right)}, median {Median(all):0.00} s, worst {(all.Count > 0 ? all[^1] : double.NaN):0.00} s (target under 5 s); run {clock.Elapsed.TotalSeconds:0} s; load average {FalsePositiveBenchmark.LoadAverage()}")).ConfigureAwait(false);
        return missed == 0 && all.Count > 0 && all[^1] < 5 ? 0 : 1;
    }

    /// <summary>The median of values in ascending order (NaN for none); the detection benchmarks share it.</summary>
    internal static double Median(List<double> sorted) =>
        sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    /// <summary>Notes when each attack is declared (called on the detection tick, so the time is the decision's).</summary>
    private sealed class StartRecorder(ConcurrentDictionary<string, (long, AttackReport)> detected) : IAttackObserver
    {
        public void OnAttackStarted(AttackReport attack) => detected.TryAdd(attack.Victim, (Stopwatch.GetTimestamp(), attack));

        public void OnAttackUpdated(AttackReport attack)
        {
        }

        public void OnAttackEnded(AttackReport attack)
        {
        }
    }

    /// <summary>
    /// One RouterOS exporter on 127.0.0.1 sending a round in 100 ms slices: normal traffic all along, and each attack
    /// from its own random slice on (so attacks start at different points of a second), a tenth of its second's
    /// records per slice.
    /// </summary>
    private sealed class RoundSender(int port) : IDisposable
    {
        private const int Slices = 10;
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly FlowExporterSimulator _exporter = RouterOsExporters.Ros7NetFlowV9(DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds());
        private readonly byte[] _buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];
        private readonly IPEndPoint _target = new(IPAddress.Loopback, port);

        /// <summary>Sends until <paramref name="done"/> or the round's limit; returns when each attack's first datagram went out.</summary>
        public async Task<Dictionary<string, long>> RunAsync(List<AttackTraffic.Scenario> scenarios, NormalDay day, Func<bool> done, Random random)
        {
            // A random wait of normal traffic first, so the round starts at any point of the detector's seconds.
            var offsets = scenarios.Select(_ => random.Next(Slices)).ToArray();
            var firstSent = new Dictionary<string, long>();
            var current = new List<FlowRecord>[scenarios.Count];
            List<byte[]> normal = [];
            var begin = Stopwatch.GetTimestamp() + (random.Next(1000) * Stopwatch.Frequency / 1000);
            for (var slice = -Slices; slice < MaxSecondsPerRound * Slices && !done(); slice++)
            {
                var due = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), begin + ((slice + Slices) * Stopwatch.Frequency / Slices));
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due).ConfigureAwait(false);
                }

                var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                if ((slice + Slices) % Slices == 0)
                {
                    var records = new List<FlowRecord>();
                    day.Second(nowMs / 1000, records);
                    normal = Encode(records);
                }

                SendTenth(normal, (slice + Slices) % Slices);
                for (var i = 0; i < scenarios.Count; i++)
                {
                    var local = slice - offsets[i];
                    if (local < 0)
                    {
                        continue;
                    }

                    if (local % Slices == 0)
                    {
                        current[i] = scenarios[i].Records(local / Slices, nowMs);
                    }

                    // A tenth of the second's records in datagrams of their own, as an exporter sends records as they
                    // expire: at 1:1000 a second of a flood is a dozen records, and sent in one datagram it lands in
                    // one second or the next by a few milliseconds' jitter, which a router's steady trickle does not.
                    var records = current[i];
                    var from = ((records.Count * (local % Slices)) + Slices - 1) / Slices;
                    var to = ((records.Count * ((local % Slices) + 1)) + Slices - 1) / Slices;
                    var tenth = records.GetRange(from, to - from);
                    if (tenth.Count > 0)
                    {
                        firstSent.TryAdd(scenarios[i].Victim, Stopwatch.GetTimestamp());
                        SendAll(Encode(tenth));
                    }
                }
            }

            return firstSent;
        }

        private void SendAll(List<byte[]> datagrams)
        {
            foreach (var datagram in datagrams)
            {
                _socket.SendTo(datagram, _target);
            }
        }

        /// <summary>Tenth <paramref name="slice"/> of a second's datagrams, rounded up so a single datagram goes out in the first.</summary>
        private void SendTenth(List<byte[]> datagrams, int slice)
        {
            for (var i = ((datagrams.Count * slice) + Slices - 1) / Slices; i < ((datagrams.Count * (slice + 1)) + Slices - 1) / Slices; i++)
            {
                _socket.SendTo(datagrams[i], _target);
            }
        }

        private List<byte[]> Encode(List<FlowRecord> records)
        {
            var datagrams = new List<byte[]>();
            _exporter.ExportAll(records.ToArray(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _buffer, d => datagrams.Add(d.ToArray()));
            return datagrams;
        }

        public void Dispose() => _socket.Dispose();
    }
}

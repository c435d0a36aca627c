using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench detection cost [--rate ingest|N] [--seconds 5] [--rounds 8] [--peacetime]</c>: what detection costs the collector. The
/// real collector in this process (pinned to CPU 0), with detection (default settings: every destination watched),
/// receives the ingest benchmark's load (<c>bench send</c>, NetFlow v9 from the encoder, a child process on CPU 1) at the
/// ingest benchmark's rate (by default found first: see <see cref="IngestRateAsync"/>) in one run cut into segments;
/// detection is switched off and on between segments (the sensor's detection mode, as the sensor form sets it: its
/// receive threads then skip a datagram's records after one read of the settings). The
/// process's CPU time per flow received is compared within each pair of adjacent segments, so detection's share of the
/// collector's CPU is (on - off) / on per pair, and the figure is the median of the pairs. Separate collectors per mode,
/// as before session 25, differed by up to 40 % in their own cost between runs (memory layout, the machine's moments):
/// more than the whole difference measured. The detection tick's own CPU time is shown per flow beside each segment
/// (part of the difference), with the keys tracked, and the receive threads' own CPU time (what detection takes from
/// the ingest rate). Then detection alone in memory (shard and tick, no network, no decoding) on the flowblast workload
/// and on <c>bench send</c>'s, at the collector run's rate in records per simulated second.
/// </summary>
internal static partial class DetectionCostBenchmark
{
    /// <summary>Every threshold off: nothing can start, so detection only counts (shard, tables, tick), without evidence.</summary>
    private static readonly ThresholdSet Off = new()
    {
        PacketsPerSecond = 0, BitsPerSecond = 0, FlowsPerSecond = 0, SynPacketsPerSecond = 0, UdpPacketsPerSecond = 0, UdpBitsPerSecond = 0,
        IcmpPacketsPerSecond = 0, FragmentPacketsPerSecond = 0, DistinctSourcesPerSecond = 0,
    };

    public static Command Create(CliConsole console)
    {
        var rate = CliOptions.Checked(
            "--rate",
            $"Flows per second offered (1,000-10,000,000), or {IngestRate}: the ingest benchmark's rate, the highest of its rates that the collector without detection receives without loss, found by a sweep first",
            "N|ingest", () => 0, (string t, out int v) => TryRate(t, out v), $"a whole number from 1000 to 10000000, or {IngestRate}");
        var seconds = CliOptions.WholeNumber("--seconds", "Seconds per segment of the collector run", 5, 1, 60);
        var rounds = CliOptions.WholeNumber("--rounds", "Pairs of segments (detection off, on) of the collector run, after a warm-up pair", 8, 1, 30);
        var protect = new Option<string>("--protected") { Description = "Comma-separated networks the sensor protects (default: none, so every destination is watched); the sender's own hosts are in 192.168.0.0/16" };
        var countingOnly = new Option<bool>("--counting-only") { Description = "Detection with every threshold off in the collector runs: the cost of counting in peacetime, without the evidence ongoing attacks collect (the sender's synthetic load trips the default thresholds)" };
        var inMemory = new Option<bool>("--in-memory") { Description = $"Only detection alone in memory (no collector, no sender), at --rate records per simulated second ({DefaultInMemoryRate:N0} without a number): quick, and steady enough to compare changes on a busy machine" };
        var peacetime = new Option<bool>("--peacetime") { Description = $"The sender's records capped at {PeacetimeMaxPackets} packets: normal traffic that crosses no default threshold, so the cost of detection with no attack under way (the ingest load as generated starts several attacks a second); the in-memory loads are capped the same way" };
        var command = new Command("cost", "Collector CPU per flow with and without detection at the ingest benchmark's rate (real UDP, child sender), and detection alone in memory: ns per flow, share of the collector's CPU.")
        {
            rate, seconds, rounds, countingOnly, protect, inMemory, peacetime,
        };
        command.Validators.Add(r =>
        {
            // Only when both parsed (a refused value has its own error already), and not for --in-memory, which sends nothing.
            if (r.GetResult(seconds) is { Errors: var se } && !se.Any() && r.GetResult(rounds) is { Errors: var re } && !re.Any() && !r.GetValue(inMemory)
                && r.GetValue(seconds) * ((2 * r.GetValue(rounds)) + 2) is var total && total > IngestSender.MaxSeconds)
            {
                r.AddError($"--seconds x (2 x --rounds + 2) must be at most {IngestSender.MaxSeconds} (the sender's longest run), got {total}");
            }

            foreach (var network in Networks(r.GetValue(protect)))
            {
                if (!IpPrefix.TryParse(network, out _, out var error))
                {
                    r.AddError($"--protected: {error}");
                }
            }
        });
        command.SetAction((parse, _) => RunAsync(console.Out, parse.GetValue(rate), parse.GetValue(seconds), parse.GetValue(rounds), parse.GetValue(countingOnly),
            Networks(parse.GetValue(protect)), parse.GetValue(inMemory),
            parse.GetValue(peacetime)));
        return command;
    }

    /// <summary><c>--rate</c>'s word for the ingest benchmark's rate (read as 0: found by <see cref="IngestRateAsync"/>).</summary>
    private const string IngestRate = "ingest";

    private static bool TryRate(string text, out int rate)
    {
        if (text == IngestRate)
        {
            rate = 0;
            return true;
        }

        return CliOptions.TryWhole(text, 1_000, 10_000_000, out rate);
    }

    private static string[] Networks(string? list) => list?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>The most packets a record of <c>--peacetime</c>'s load carries (as the UI benchmark's routers send).</summary>
    private const int PeacetimeMaxPackets = 200;

    public static async Task<int> RunAsync(TextWriter stdout, int rate, int seconds, int rounds, bool countingOnly = false, string[]? protect = null, bool inMemoryOnly = false,
        bool peacetime = false)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        protect ??= [];
        if (protect.FirstOrDefault(n => !IpPrefix.TryParse(n, out _, out _)) is { } bad)
        {
            throw new ArgumentException($"'{bad}' is not a network", nameof(protect));
        }

        if (!inMemoryOnly)
        {
            rate = await CollectorAsync(stdout, rate, seconds, rounds, countingOnly, protect, peacetime).ConfigureAwait(false);
        }

        var perSecond = rate == 0 ? DefaultInMemoryRate : rate;
        await InMemoryAsync(stdout, new DetectionOptions(), "default thresholds", perSecond, peacetime).ConfigureAwait(false);
        await InMemoryAsync(stdout, new DetectionOptions { Incoming = Off, Outgoing = Off }, "every threshold off (counting only)", perSecond, peacetime).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Records per simulated second of <c>--in-memory</c> without a <c>--rate</c> number (there is no sweep to find the ingest rate).</summary>
    private const int DefaultInMemoryRate = 250_000;

    /// <summary>
    /// The collector's CPU per flow with detection off and on, in pairs of adjacent segments of one run (see the class
    /// summary). A pair's share is (on - off) / on; their median is the figure, robust to the machine's slow moments.
    /// </summary>
    /// <returns>The rate it ran at (the ingest benchmark's, when <paramref name="rate"/> is 0).</returns>
    private static async Task<int> CollectorAsync(TextWriter stdout, int rate, int seconds, int rounds, bool countingOnly, string[] protect, bool peacetime)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seconds * ((2 * rounds) + 2), IngestSender.MaxSeconds, nameof(seconds));
        IngestBenchmark.Pin(Process.GetCurrentProcess(), cpu: 0);
        var atIngestRate = rate == 0;
        if (atIngestRate)
        {
            rate = await IngestRateAsync(stdout, peacetime ? PeacetimeMaxPackets : 0).ConfigureAwait(false);
        }

        var settings = new SensorDetectionSettings { ProtectedNetworks = protect };
        var options = countingOnly ? new DetectionOptions { Incoming = Off, Outgoing = Off } : new DetectionOptions();
        var segments = 2 * rounds + 2;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"detection cost: collector on CPU 0, sender on CPU 1, v9 at {rate:N0} flows/s{(atIngestRate ? " (the ingest benchmark's rate)" : "")}{(peacetime ? $" (peacetime: records of at most {PeacetimeMaxPackets} packets)" : "")}; one run of {segments} segments of {seconds} s, detection switched off and on between them (a warm-up pair, then {rounds} pair{(rounds == 1 ? "" : "s")}, in the order off-on, on-off, ...); {(countingOnly ? "every threshold off (counting only)" : "default thresholds")}, protected {(protect.Length == 0 ? "none (every destination)" : string.Join(", ", protect))}; load average {FalsePositiveBenchmark.LoadAverage()}")).ConfigureAwait(false);
        await stdout.WriteLineAsync($"{"detection",-13} {"received",12} {"CPU s",7} {"ns/flow",8} {"receive ns",11} {"CPU of one core",16} {"attacks",8} {"tick ns/flow",13} {"tracked",8} {"estimated",10}").ConfigureAwait(false);

        await using var host = new DetectingCollector(true, settings, options);
        var detection = host.Detection!;
        var onConfig = new DetectionConfig(options, settings);
        var offConfig = new DetectionConfig(options, settings with { Mode = DetectionMode.Off });
        await Task.Delay(1000).ConfigureAwait(false);
        var acceptedBefore = host.Sensor.FlowsAccepted;
        using var sender = IngestBenchmark.StartSender(host.Port, 9, rate, seconds * segments, 0, peacetime ? PeacetimeMaxPackets : 0);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(IngestSender.MaxSeconds + 30));
        while (await sender.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line && line != "sending")
        {
        }

        // The sensor's detector is made with its receive threads' shards, at their first datagram.
        for (var i = 0; i < 500 && detection.Detectors.Count == 0; i++)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }

        var detector = detection.Detectors.Single();
        var clock = Stopwatch.StartNew();
        var pairs = new List<(Segment Off, Segment On)>();
        Segment? previous = null;
        for (var segment = 0; segment < segments; segment++)
        {
            // The warm-up pair (on, off), then off-on, on-off, ...: a drift of the machine over a pair then weighs on
            // either mode alike.
            var on = segment < 2 ? segment == 0 : (((segment - 2) / 2) % 2 == 0) != (segment % 2 == 0);
            detector.Reconfigure(on ? onConfig : offConfig);
            var before = Snapshot(host);
            var attacksBefore = detection.AttacksStarted;
            var estimatedBefore = detector.RecordsEstimated;
            var left = (TimeSpan.FromSeconds(seconds) * (segment + 1)) - clock.Elapsed;
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left).ConfigureAwait(false);
            }

            var measured = Snapshot(host) - before;
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{(segment < 2 ? "warm-up " : "") + (on ? "on" : "off"),-13} {measured.Flows,12:N0} {measured.Cpu.TotalSeconds,7:0.00} {measured.NsPerFlow,8:0} {measured.ReceiveNsPerFlow,11:0} {measured.Cpu / measured.Elapsed,16:P0} {detection.AttacksStarted - attacksBefore,8} {measured.Tick.TotalNanoseconds / Math.Max(1, measured.Flows),13:0} {detector.TrackedKeys,8:N0} {detector.RecordsEstimated - estimatedBefore,10:N0}")).ConfigureAwait(false);
            if (segment >= 2 && segment % 2 == 1)
            {
                pairs.Add(on ? (previous!.Value, measured) : (measured, previous!.Value));
            }

            previous = measured;
        }

        var output = await sender.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
        await sender.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        var sent = SentPattern().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        for (var i = 0; i < 500 && host.Sensor.FlowsAccepted - acceptedBefore < sent; i++)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }

        var received = host.Sensor.FlowsAccepted - acceptedBefore;

        // Attacks of this run still ongoing (an attack ends 60 s after its last second over a threshold, so all of them):
        // what started them, so that one on the peacetime load (a false positive) can be told from a flood's.
        foreach (var attack in detection.Ongoing)
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"attack {attack.Type} {attack.Direction} {attack.Victim} since {attack.Start:HH:mm:ss}: {string.Join(", ", attack.Triggers.Select(t => $"{t.Label} {t.Value:N0} of {t.Threshold:N0}"))}; peak {attack.PeakPacketsPerSecond:N0} packets/s, {attack.PeakFlowsPerSecond:N0} flows/s, {attack.DistinctSources:N0} sources")).ConfigureAwait(false);
        }

        var shares = pairs.Select(p => (p.On.NsPerFlow - p.Off.NsPerFlow) / p.On.NsPerFlow).ToList();
        var receiveShares = pairs.Select(p => (p.On.ReceiveNsPerFlow - p.Off.ReceiveNsPerFlow) / p.On.ReceiveNsPerFlow).ToList();
        var (offMean, onMean) = (pairs.Average(p => p.Off.NsPerFlow), pairs.Average(p => p.On.NsPerFlow));
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"pairs' shares of the collector's CPU: {string.Join(", ", shares.Select(s => s.ToString("P1", CultureInfo.InvariantCulture)))}")).ConfigureAwait(false);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"collector at {rate:N0} flows/s{(atIngestRate ? " (the ingest benchmark's rate)" : "")}: detection {Median(shares):P1} of the collector's CPU, the median of {pairs.Count} pair{(pairs.Count == 1 ? "" : "s")} (target under 10 %); means {offMean:0} ns/flow off, {onMean:0} on = {(onMean - offMean) / onMean:P1}; receive threads' median {Median(receiveShares):P1}; {sent:N0} flows sent, {Math.Max(0, sent - received):N0} not received; load average {FalsePositiveBenchmark.LoadAverage()}")).ConfigureAwait(false);
        return rate;
    }

    /// <summary>
    /// The ingest benchmark's rate for this load: its rates tried in order (<see cref="IngestBenchmark.DefaultRates"/>, its
    /// default seconds a step, v9) against the collector as <c>bench ingest</c> runs it, without detection, until one loses
    /// flows; the highest loss-free one (the lowest if every one lost). Detection's share of the collector's CPU matters
    /// where that CPU limits the rate: below it, the collector sleeps between datagrams and a share of idle time says
    /// little (and its cold caches make every flow dearer, with or without detection).
    /// </summary>
    private static async Task<int> IngestRateAsync(TextWriter stdout, int maxPackets)
    {
        var rates = IngestBenchmark.DefaultRates;
        var best = 0;
        await using (var plain = new DetectingCollector(false))
        {
            await Task.Delay(500).ConfigureAwait(false);
            foreach (var rate in rates)
            {
                var step = await IngestBenchmark.StepAsync(plain.Collector, plain.Sensor, plain.Port, 9, rate, IngestBenchmark.DefaultSeconds, 0, maxPackets).ConfigureAwait(false);
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"ingest rate sweep, collector without detection: v9 at {rate:N0} flows/s, {step.Received:N0} received, {step.Lost:N0} lost, collector CPU {step.CpuShare:P0} of one core")).ConfigureAwait(false);
                if (step.Lost > 0 || step.Sent == 0)
                {
                    break;
                }

                best = rate;
            }
        }

        return best == 0 ? rates[0] : best;
    }

    /// <summary>What the collector's process had used and received at one moment (differences: one segment).</summary>
    private readonly record struct Segment(TimeSpan Cpu, TimeSpan ReceiveCpu, long Flows, TimeSpan Tick, TimeSpan Elapsed)
    {
        public double NsPerFlow => Cpu.TotalNanoseconds / Math.Max(1, Flows);

        public double ReceiveNsPerFlow => ReceiveCpu.TotalNanoseconds / Math.Max(1, Flows);

        public static Segment operator -(Segment a, Segment b) => new(a.Cpu - b.Cpu, a.ReceiveCpu - b.ReceiveCpu, a.Flows - b.Flows, a.Tick - b.Tick, a.Elapsed - b.Elapsed);
    }

    private static Segment Snapshot(DetectingCollector host) => new(Process.GetCurrentProcess().TotalProcessorTime, ReceiveThreadsCpu(), host.Sensor.FlowsAccepted,
        host.Detection!.TickTime, TimeSpan.FromSeconds(Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency));

    private static double Median(List<double> values) => DetectionDelayBenchmark.Median([.. values.Order()]);

    /// <summary>
    /// CPU time of the collector's receive threads (named flowweb-udp-*) so far, from /proc (Linux; zero elsewhere): what
    /// detection adds there is what it takes from the ingest rate, the rest (its tick, the GC) runs beside them.
    /// </summary>
    private static TimeSpan ReceiveThreadsCpu()
    {
        const string tasks = "/proc/self/task";
        if (!Directory.Exists(tasks))
        {
            return TimeSpan.Zero;
        }

        long ticks = 0;
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith("flowweb-udp", StringComparison.Ordinal))
                {
                    continue;
                }

                // utime and stime are fields 14 and 15; the name (field 2) is in parentheses and may hold spaces.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        // Clock ticks of USER_HZ, 100 a second on Linux.
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>Detection alone, on both workloads: see <see cref="InMemoryAsync(TextWriter, DetectionOptions, string, int, FlowRecord[], string)"/>.</summary>
    private static async Task InMemoryAsync(TextWriter stdout, DetectionOptions options, string label, int perSecond, bool peacetime)
    {
        var flowblast = new FlowblastWorkload(16_384).Records;

        // What the collector runs above receive: half the records to 60,000 inside hosts, half to a new outside address each.
        var ingest = new FlowRecord[60_000];
        SyntheticTraffic.Fill(ingest, seed: 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), internalHosts: 60_000);
        var capped = "";
        if (peacetime)
        {
            SyntheticTraffic.CapPackets(flowblast, PeacetimeMaxPackets);
            SyntheticTraffic.CapPackets(ingest, PeacetimeMaxPackets);
            capped = $", records of at most {PeacetimeMaxPackets} packets";
        }

        await InMemoryAsync(stdout, options, label, perSecond, flowblast, $"flowblast workload, 10,000 Zipf destinations{capped}").ConfigureAwait(false);
        await InMemoryAsync(stdout, options, label, perSecond, ingest, $"bench send's workload, 60,000 records of 60,000 inside and 30,000 outside destinations{capped}").ConfigureAwait(false);
    }

    /// <summary>
    /// Detection alone: a workload into one shard as the collector hands it over, datagrams of <see cref="RecordsPerDatagram"/>
    /// accepted records, <paramref name="perSecond"/> records per simulated second (the collector run's rate, as its
    /// keys' seconds are then as heavy as there: at 2,500,000 a record cost 85 ns here, at 250,000 about 60, since ten
    /// times fewer of the load's prefixes and hosts reached their slots), each second rolled and ticked. Each datagram's
    /// records are copied into one reused batch first, as the collector decodes every datagram into the same one: read in
    /// place from the workload's megabytes, every record was a cache miss the collector does not have (in the time measured).
    /// </summary>
    private static async Task InMemoryAsync(TextWriter stdout, DetectionOptions options, string label, int perSecond, FlowRecord[] records, string workloadName)
    {
        // Whole datagrams a second, and at least four seconds after the first pass.
        perSecond = Math.Max(RecordsPerDatagram, perSecond / RecordsPerDatagram * RecordsPerDatagram);
        var total = Math.Max(10_000_000L, 4L * perSecond);
        long nextId = 1;
        var second = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var detector = new SensorDetector(Guid.NewGuid(), "cost", new DetectionConfig(options, null), TimeProvider.System, () => nextId++);
        var shard = detector.CreateShards(1, second)[0];
        var attacks = 0;
        var accepted = Enumerable.Range(0, RecordsPerDatagram).ToArray();
        var datagram = new FlowRecord[RecordsPerDatagram];
        var rates = Enumerable.Repeat(1u, RecordsPerDatagram).ToArray();
        void Feed(long count)
        {
            for (long n = 0; n < count; n += RecordsPerDatagram)
            {
                if (n % perSecond == 0)
                {
                    second++;
                    shard.Roll(second);
                    attacks += detector.Tick(second).Count(c => c.Started);
                }

                for (var i = 0; i < RecordsPerDatagram; i++)
                {
                    datagram[i] = records[(n + i) % records.Length];
                }

                shard.Add(new ObservedBatch(datagram, accepted, rates, default, second));
            }
        }

        Feed(records.Length);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Feed(total);
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"detection alone, in memory, {label} ({workloadName}, {perSecond:N0} records per simulated second): {used.TotalNanoseconds / total:0} ns CPU per record including the ticks; {attacks} attacks started on its busiest destinations; {detector.TrackedKeys:N0} keys tracked at the end; {detector.RecordsEstimated:N0} light long records not counted (sampled out); load average {FalsePositiveBenchmark.LoadAverage()}")).ConfigureAwait(false);
    }

    /// <summary>Accepted records per datagram in the in-memory runs (a simulated second is whole datagrams).</summary>
    private const int RecordsPerDatagram = 25;

    [GeneratedRegex(@"sent (\d+) flows")]
    private static partial Regex SentPattern();
}

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
/// <c>bench detection cost [--rate 250000] [--seconds 10] [--rounds 2] [--peacetime]</c>: what detection costs the collector. The
/// real collector in this process (pinned to CPU 0), once without detection and once with it (default settings:
/// every destination watched), alternately, receives the ingest benchmark's load (<c>bench send</c>, NetFlow v9 from
/// the encoder, a child process on CPU 1) at the same rate; the process's CPU time per flow received is compared,
/// so detection's share of the collector's CPU is (with - without) / with; the detection tick's own CPU time is shown per
/// flow beside it (part of the difference), with the keys tracked at the end, and the receive threads' own CPU time
/// (what detection takes from the ingest rate). A first round of each mode warms up and is not counted; means and
/// medians are shown (one slow round of a noisy machine moves the mean). Then detection alone in memory (shard and
/// tick, no network, no decoding) on the flowblast workload and on <c>bench send</c>'s, which compare within a few
/// percent on a busy machine.
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
        var rate = CliOptions.WholeNumber("--rate", "Flows per second offered (the ingest benchmark's rates)", 250_000, 1_000, 10_000_000);
        var seconds = CliOptions.WholeNumber("--seconds", "Seconds per measurement", 10, 1, 60);
        var rounds = CliOptions.WholeNumber("--rounds", "Measurements per mode (without, with detection, alternately)", 2, 1, 10);
        var protect = new Option<string>("--protected") { Description = "Comma-separated networks the sensor protects (default: none, so every destination is watched); the sender's own hosts are in 192.168.0.0/16" };
        var countingOnly = new Option<bool>("--counting-only") { Description = "Detection with every threshold off in the collector runs: the cost of counting in peacetime, without the evidence ongoing attacks collect (the sender's synthetic load trips the default thresholds)" };
        var inMemory = new Option<bool>("--in-memory") { Description = "Only detection alone in memory (no collector, no sender): quick, and steady enough to compare changes on a busy machine" };
        var peacetime = new Option<bool>("--peacetime") { Description = $"The sender's records capped at {PeacetimeMaxPackets} packets: normal traffic that crosses no default threshold, so the cost of detection with no attack under way (the ingest load as generated starts several attacks a second); the in-memory loads are capped the same way" };
        var command = new Command("cost", "Collector CPU per flow with and without detection at the ingest benchmark's rate (real UDP, child sender), and detection alone in memory: ns per flow, share of the collector's CPU.")
        {
            rate, seconds, rounds, countingOnly, protect, inMemory, peacetime,
        };
        command.SetAction((parse, _) => RunAsync(console.Out, parse.GetValue(rate), parse.GetValue(seconds), parse.GetValue(rounds), parse.GetValue(countingOnly),
            parse.GetValue(protect)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [], parse.GetValue(inMemory),
            parse.GetValue(peacetime)));
        return command;
    }

    /// <summary>The most packets a record of <c>--peacetime</c>'s load carries (as the UI benchmark's routers send).</summary>
    private const int PeacetimeMaxPackets = 200;

    public static async Task<int> RunAsync(TextWriter stdout, int rate, int seconds, int rounds, bool countingOnly = false, string[]? protect = null, bool inMemoryOnly = false,
        bool peacetime = false)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        protect ??= [];
        foreach (var network in protect)
        {
            if (!IpPrefix.TryParse(network, out _, out var error))
            {
                await stdout.WriteLineAsync($"--protected: {error}").ConfigureAwait(false);
                return 2;
            }
        }

        if (inMemoryOnly)
        {
            await InMemoryAsync(stdout, new DetectionOptions(), "default thresholds", peacetime).ConfigureAwait(false);
            await InMemoryAsync(stdout, new DetectionOptions { Incoming = Off, Outgoing = Off }, "every threshold off (counting only)", peacetime).ConfigureAwait(false);
            return 0;
        }

        IngestBenchmark.Pin(Process.GetCurrentProcess(), cpu: 0);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"detection cost: collector on CPU 0, sender on CPU 1, v9 at {rate:N0} flows/s for {seconds} s{(peacetime ? $" (peacetime: records of at most {PeacetimeMaxPackets} packets)" : "")}, {rounds} rounds per mode, {(countingOnly ? "every threshold off (counting only)" : "default thresholds")}, protected {(protect.Length == 0 ? "none (every destination)" : string.Join(", ", protect))}; load average {FalsePositiveBenchmark.LoadAverage()}")).ConfigureAwait(false);
        await stdout.WriteLineAsync($"{"detection",-13} {"sent",12} {"received",12} {"lost",10} {"CPU s",7} {"ns/flow",8} {"receive ns",11} {"CPU of one core",16} {"attacks",8} {"tick ns/flow",13} {"tracked",8} {"lock wait ms",13}").ConfigureAwait(false);
        var perFlow = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        var receivePerFlow = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        // Round 0 warms up and is not counted: the first run of each mode paid for first-use costs (code compiled, tables'
        // pages faulted in, the thread pool grown), 400-700 ns a flow more than the rounds after it.
        for (var round = 0; round <= rounds; round++)
        {
            foreach (var detect in new[] { false, true })
            {
                await using var host = new DetectingCollector(detect, new SensorDetectionSettings { ProtectedNetworks = protect }, countingOnly ? new DetectionOptions { Incoming = Off, Outgoing = Off } : null);
                await Task.Delay(1000).ConfigureAwait(false);
                var tickBefore = host.Detection?.TickTime ?? TimeSpan.Zero;
                var (sent, received, cpu, receiveCpu, elapsed) = await MeasureAsync(host, rate, seconds, peacetime ? PeacetimeMaxPackets : 0).ConfigureAwait(false);
                var tick = (host.Detection?.TickTime ?? TimeSpan.Zero) - tickBefore;
                var ns = cpu.TotalNanoseconds / Math.Max(1, received);
                var receiveNs = receiveCpu.TotalNanoseconds / Math.Max(1, received);
                if (round > 0)
                {
                    perFlow[detect].Add(ns);
                    receivePerFlow[detect].Add(receiveNs);
                }

                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{(round == 0 ? "warm-up " : "") + (detect ? "on" : "off"),-13} {sent,12:N0} {received,12:N0} {Math.Max(0, sent - received),10:N0} {cpu.TotalSeconds,7:0.00} {ns,8:0} {receiveNs,11:0} {cpu / elapsed,16:P0} {host.Detection?.AttacksStarted ?? 0,8} {tick.TotalNanoseconds / Math.Max(1, received),13:0} {host.Detection?.Detectors.Sum(d => d.TrackedKeys) ?? 0,8:N0} {host.Collector.Listeners.Max(l => l.LockWaits.LongestLastMinute()).TotalMilliseconds,13:0.0}")).ConfigureAwait(false);
            }
        }

        var off = perFlow[false].Average();
        var on = perFlow[true].Average();
        var receiveOff = receivePerFlow[false].Average();
        var receiveOn = receivePerFlow[true].Average();
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"collector: {off:0} ns/flow without detection, {on:0} with: detection {on - off:0} ns/flow = {(on - off) / on:P1} of the collector's CPU (target under 10 %); load average {FalsePositiveBenchmark.LoadAverage()}")).ConfigureAwait(false);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"receive threads: {receiveOff:0} ns/flow without detection, {receiveOn:0} with: {receiveOn - receiveOff:0} ns/flow = {(receiveOn - receiveOff) / receiveOn:P1} of their CPU; the other {on - off - (receiveOn - receiveOff):0} ns/flow ran beside them (tick, GC)")).ConfigureAwait(false);
        var (medianOff, medianOn) = (Median(perFlow[false]), Median(perFlow[true]));
        var (receiveMedianOff, receiveMedianOn) = (Median(receivePerFlow[false]), Median(receivePerFlow[true]));
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"medians: collector {medianOff:0} ns/flow without, {medianOn:0} with = {(medianOn - medianOff) / medianOn:P1}; receive threads {receiveMedianOff:0} without, {receiveMedianOn:0} with = {(receiveMedianOn - receiveMedianOff) / receiveMedianOn:P1}")).ConfigureAwait(false);
        await InMemoryAsync(stdout, new DetectionOptions(), "default thresholds", peacetime).ConfigureAwait(false);

        await InMemoryAsync(stdout, new DetectionOptions { Incoming = Off, Outgoing = Off }, "every threshold off (counting only)", peacetime).ConfigureAwait(false);
        return 0;
    }

    private static async Task<(long Sent, long Received, TimeSpan Cpu, TimeSpan ReceiveCpu, TimeSpan Elapsed)> MeasureAsync(DetectingCollector host, int rate, int seconds, int maxPackets)
    {
        var before = host.Sensor.FlowsAccepted;
        using var sender = IngestBenchmark.StartSender(host.Port, 9, rate, seconds, 0, maxPackets);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(IngestSender.MaxSeconds + 30));
        while (await sender.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line && line != "sending")
        {
        }

        // From the first datagram to the last flow booked (or the drain giving up), as the ingest benchmark counts.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var receiveCpu = ReceiveThreadsCpu();
        var clock = Stopwatch.StartNew();
        var output = await sender.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
        await sender.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        var sent = SentPattern().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        for (var i = 0; i < 500 && host.Sensor.FlowsAccepted - before < sent; i++)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }

        return (sent, host.Sensor.FlowsAccepted - before, Process.GetCurrentProcess().TotalProcessorTime - cpu, ReceiveThreadsCpu() - receiveCpu, clock.Elapsed);
    }

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

    /// <summary>Detection alone, on both workloads: see <see cref="InMemoryAsync(TextWriter, DetectionOptions, string, FlowRecord[], string)"/>.</summary>
    private static async Task InMemoryAsync(TextWriter stdout, DetectionOptions options, string label, bool peacetime)
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

        await InMemoryAsync(stdout, options, label, flowblast, $"flowblast workload, 10,000 Zipf destinations{capped}").ConfigureAwait(false);
        await InMemoryAsync(stdout, options, label, ingest, $"bench send's workload, 60,000 records of 60,000 inside and 30,000 outside destinations{capped}").ConfigureAwait(false);
    }

    /// <summary>
    /// Detection alone: a workload into one shard as the collector hands it over, datagrams of <see cref="RecordsPerDatagram"/>
    /// accepted records, 250,000 records per simulated second, each second rolled and ticked.
    /// </summary>
    private static async Task InMemoryAsync(TextWriter stdout, DetectionOptions options, string label, FlowRecord[] records, string workloadName)
    {
        const int perSecond = 250_000;
        const long total = 10_000_000;
        long nextId = 1;
        var second = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var detector = new SensorDetector(Guid.NewGuid(), "cost", new DetectionConfig(options, null), TimeProvider.System, () => nextId++);
        var shard = detector.CreateShards(1, second)[0];
        var attacks = 0;
        var accepted = new int[RecordsPerDatagram];
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
                    accepted[i] = (int)((n + i) % records.Length);
                }

                shard.Add(new ObservedBatch(records, accepted, rates, default, second));
            }
        }

        Feed(records.Length);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Feed(total);
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"detection alone, in memory, {label} ({workloadName}, {perSecond:N0} records per simulated second): {used.TotalNanoseconds / total:0} ns CPU per record including the ticks; {attacks} attacks started on its busiest destinations; {detector.TrackedKeys:N0} keys tracked at the end; load average {FalsePositiveBenchmark.LoadAverage()}")).ConfigureAwait(false);
    }

    /// <summary>Accepted records per datagram in the in-memory runs (a divisor of the simulated second's 250,000).</summary>
    private const int RecordsPerDatagram = 25;

    [GeneratedRegex(@"sent (\d+) flows")]
    private static partial Regex SentPattern();
}

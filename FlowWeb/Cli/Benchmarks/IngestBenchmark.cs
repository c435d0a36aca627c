using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench ingest [--seconds N] [--versions 5,9,10] [--rates 250000,500000,...] [--distinct 1000000] [--dns IP:PORT]</c>: starts the
/// real collector in this process (pinned to CPU 0) with one sensor using the default channels and the six
/// toplists, has a child process (pinned to CPU 1) send v5, v9 and IPFIX from the encoder over loopback at rising
/// rates for a bounded time each, and prints per version the highest rate without loss, the collector's CPU
/// and the process's peak memory. Loss = flows sent − flows the sensor accepted (kernel drops are shown too).
/// Then sends one million distinct connections within one toplist period and reports peak memory.
/// With <c>--dns</c> a simulated live page reads every toplist four times a second (<see cref="IngestDnsLoad"/>) and
/// each rate is tried twice in a row: without names, then resolving the names of every row's addresses against that
/// server, so the two loss-free rates differ only by reverse DNS. The distinct-connections step is skipped then.
/// </summary>
internal static partial class IngestBenchmark
{
    private const int DistinctRate = 250_000;

    internal static readonly int[] DefaultRates = [250_000, 500_000, 750_000, 1_000_000, 1_250_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000];

    /// <summary>Seconds a rate step lasts by default.</summary>
    internal const int DefaultSeconds = 3;

    public static Command Create(CliConsole console)
    {
        var seconds = CliOptions.WholeNumber("--seconds", "Seconds per rate step", DefaultSeconds, 1, 30);
        var versions = CliOptions.WholeNumbers("--versions", "Versions to send (5, 9, 10 = IPFIX)", [5, 9, 10], 5, 10, allowed: [5, 9, 10]);
        var rates = CliOptions.WholeNumbers("--rates", "Offered rates in flows/s, tried in order until one loses flows", DefaultRates, 1, 100_000_000);
        var distinct = CliOptions.WholeNumber("--distinct", "Distinct connections sent within one toplist period for the memory step (0 = skip it)", 1_000_000, 0, 10_000_000);
        var dns = CliOptions.DnsServer("--dns", "Also run a simulated live page resolving toplist addresses against this DNS server (one you run on loopback); each rate is tried with reverse DNS off, then on.", required: false);
        var command = new Command("ingest", "The real collector in this process (CPU 0), a child sender on CPU 1 over loopback: highest loss-free flows/s per version, CPU, peak memory.")
        {
            seconds,
            versions,
            rates,
            distinct,
            dns,
        };
        command.SetAction((parse, _) => RunAsync(
            console.Out, parse.GetValue(seconds), parse.GetRequiredValue(versions), parse.GetRequiredValue(rates), parse.GetValue(distinct), parse.GetValue(dns)));
        return command;
    }

    public static async Task<int> RunAsync(TextWriter stdout, int seconds, int[] versions, int[] rates, int distinct, IPEndPoint? dnsServer)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        Pin(Process.GetCurrentProcess(), cpu: 0);

        var options = new CollectorOptions { DefaultPort = FreePort(), BindAddress = "127.0.0.1", ReceiveBufferBytes = 32 * 1024 * 1024 };
        using var collector = new FlowCollector(new FlowDecoder(), options, new AggregationOptions(), new CollectorStatus(), TimeProvider.System, NullLogger<FlowCollector>.Instance);
        var port = FreePort();
        var sensor = new SensorDefinition { Name = "bench", Port = port };
        collector.Apply([sensor]);
        var runtime = collector.Sensor(sensor.Id)!;

        var dns = dnsServer?.ToString();
        await stdout.WriteLineAsync($"ingest benchmark: collector on CPU 0, sender on CPU 1, {seconds} s per step, one sensor (standard channels, 6 toplists), loopback UDP {port}").ConfigureAwait(false);
        if (dns is null)
        {
            await SweepAsync(stdout, collector, runtime, port, versions, rates, seconds, null).ConfigureAwait(false);
        }
        else
        {
            await using var load = await IngestDnsLoad.StartAsync(dns, runtime).ConfigureAwait(false);
            await stdout.WriteLineAsync($"a live page reads the toplists 4x a second; DNS on: it also asks {dns} for the names of every row's addresses (answers kept 1 s, so they are asked again and again)").ConfigureAwait(false);
            await SweepAsync(stdout, collector, runtime, port, versions, rates, seconds, load).ConfigureAwait(false);
            return 0;
        }

        if (distinct > 0)
        {
            var before = runtime.ReadToplist(2, 1)!.Value.Running.DistinctKeys;
            // Paced at a rate every version sustained above, so the memory is measured without loss.
            var step = await StepAsync(collector, runtime, port, 9, DistinctRate, 30, distinct).ConfigureAwait(false);
            var connections = runtime.ReadToplist(2, 1)!.Value.Running;
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{distinct:N0} distinct connections in one toplist period: received {step.Received:N0} flows, Top Connections holds {connections.DistinctKeys:N0} keys (was {before:N0}; approximate: {connections.Approximate}), peak RSS {PeakRssMb():0} MB, GC heap {GC.GetTotalMemory(false) / 1048576.0:0} MB")).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// Rising rates per version until every mode lost flows. With a load, each rate is tried once per mode (reverse DNS
    /// off, then on) back to back, so that both modes meet the same background load of the machine.
    /// </summary>
    private static async Task SweepAsync(TextWriter stdout, FlowCollector collector, SensorAggregator runtime, int port, int[] versions, int[] rates, int seconds, IngestDnsLoad? load)
    {
        bool?[] modes = load is null ? [null] : [false, true];
        await stdout.WriteLineAsync($"{"version",-8}{(load is null ? "" : $" {"DNS",-4}")} {"offered flows/s",16} {"received",12} {"lost",10} {"kernel drops",13} {"collector CPU",14} {"peak RSS MB",12}{(load is null ? "" : "  reverse DNS during the step")}").ConfigureAwait(false);
        var best = new Dictionary<(int Version, bool? Resolve), (int Rate, double Cpu)>();
        foreach (var version in versions)
        {
            var losing = new HashSet<bool?>();
            foreach (var rate in rates)
            {
                foreach (var mode in modes.Where(m => !losing.Contains(m)))
                {
                    if (load is not null)
                    {
                        load.Resolve = mode == true;
                    }

                    var dnsBefore = load?.Resolver.GetStatistics();
                    var clock = Stopwatch.StartNew();
                    var step = await StepAsync(collector, runtime, port, version, rate, seconds, 0).ConfigureAwait(false);
                    var dnsText = load is null ? "" : "  " + IngestDnsLoad.Describe(dnsBefore!, load.Resolver.GetStatistics(), clock.Elapsed);
                    var modeText = mode is null ? "" : mode.Value ? " on  " : " off ";
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{Name(version),-8}{modeText} {rate,16:N0} {step.Received,12:N0} {step.Lost,10:N0} {step.KernelDrops,13:N0} {step.CpuShare,13:P0} {PeakRssMb(),12:0}{dnsText}")).ConfigureAwait(false);
                    if (step.Lost > 0 || step.Sent == 0)
                    {
                        losing.Add(mode);
                    }
                    else
                    {
                        best[(version, mode)] = (rate, step.CpuShare);
                    }
                }

                if (losing.Count == modes.Length)
                {
                    break;
                }
            }
        }

        await stdout.WriteLineAsync().ConfigureAwait(false);
        foreach (var version in versions)
        {
            foreach (var mode in modes)
            {
                var label = Name(version) + (mode is null ? "" : mode.Value ? " with reverse DNS on" : " with reverse DNS off");
                await stdout.WriteLineAsync(best.TryGetValue((version, mode), out var b)
                    ? string.Create(CultureInfo.InvariantCulture, $"{label}: highest loss-free rate {b.Rate:N0} flows/s (collector CPU {b.Cpu:P0} of one core)")
                    : $"{label}: lost flows already at the lowest rate tried").ConfigureAwait(false);
            }
        }
    }

    internal readonly record struct Step(long Sent, long Received, long Lost, long KernelDrops, double CpuShare);

    internal static async Task<Step> StepAsync(FlowCollector collector, SensorAggregator runtime, int port, int version, int rate, int seconds, int distinct, int maxPackets = 0)
    {
        var acceptedBefore = runtime.FlowsAccepted;
        var dropsBefore = collector.KernelDrops().Values.Sum();
        using var sender = StartSender(port, version, rate, seconds, distinct, maxPackets);

        // CPU and time count from the sender's first datagram to the last flow booked (or the drain giving up).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(IngestSender.MaxSeconds + 30));
        while (await sender.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line && line != "sending")
        {
        }

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var output = await sender.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
        await sender.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        var sent = SentPattern().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

        // Let the receive loop drain what the kernel still holds (bounded).
        for (var i = 0; i < 500 && runtime.FlowsAccepted - acceptedBefore < sent; i++)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }

        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / clock.Elapsed.TotalSeconds;
        var received = runtime.FlowsAccepted - acceptedBefore;
        return new Step(sent, received, Math.Max(0, sent - received), collector.KernelDrops().Values.Sum() - dropsBefore, cpu);
    }

    internal static Process StartSender(int port, int version, int rate, int seconds, int distinct, int maxPackets = 0)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(IngestBenchmark).Assembly.Location);
        }

        foreach (var a in new[] { "bench", "send", "--port", $"{port}", "--version", $"{version}", "--rate", $"{rate}", "--seconds", $"{seconds}", "--distinct", $"{distinct}", "--max-packets", $"{maxPackets}" })
        {
            start.ArgumentList.Add(a);
        }

        var sender = Process.Start(start)!;
        Pin(sender, cpu: 1);
        return sender;
    }

    internal static void Pin(Process process, int cpu)
    {
        if (Environment.ProcessorCount > cpu && (OperatingSystem.IsLinux() || OperatingSystem.IsWindows()))
        {
            process.ProcessorAffinity = 1 << cpu;
        }
    }

    private static double PeakRssMb()
    {
        // VmHWM is the process's peak resident set; PeakWorkingSet64 reads the same on Linux.
        return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
    }

    private static string Name(int version) => version == 10 ? "IPFIX" : $"v{version}";

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    [GeneratedRegex(@"sent (\d+) flows")]
    private static partial Regex SentPattern();
}

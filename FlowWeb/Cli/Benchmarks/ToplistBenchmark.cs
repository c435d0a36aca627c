using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench toplists</c>: the per-record cost of a sensor's six default toplists alone, on the collector benchmark's
/// workload made in memory (no network, no decoding), so that changes to the toplist code compare within a few
/// percent even on a busy machine. Feeds the records datagram by datagram as the receive loop does, for a bounded
/// number of records, and prints nanoseconds of CPU per record, the memory the toplists' tables take and each list's bound.
/// With <c>--each</c> also each toplist alone.
/// </summary>
internal static class ToplistBenchmark
{
    public sealed record Options(int Packets, long Records, int Capacity, bool Each, int[]? Lists = null);

    public static Command Create(CliConsole console)
    {
        var packets = CliOptions.WholeNumber("--packets", "Distinct packets of 30 records cycled (the flowblast workload: 16,384 = 491,520 distinct records)", 16_384, 1, 1 << 20);
        var records = CliOptions.WholeNumber("--records", "Records measured per run", 10_000_000, 1_000, 1_000_000_000);
        var capacity = CliOptions.WholeNumber("--capacity", "Keys a toplist keeps (Aggregation:ToplistCapacity)", new AggregationOptions().ToplistCapacity, 1_000, 10_000_000);
        var lists = CliOptions.WholeNumbers("--lists", "Only these default toplists, by id", [], 1, 6);
        var each = new Option<bool>("--each") { Description = "Also measure each toplist alone" };
        var command = new Command("toplists", "The six default toplists alone: nanoseconds of CPU per record, table memory and each list's error bound, on the high-cardinality workload in memory.")
        {
            packets, records, capacity, lists, each,
        };
        command.SetAction(parse =>
        {
            var chosen = parse.GetValue(lists);
            return Run(new Options(parse.GetValue(packets), parse.GetValue(records), parse.GetValue(capacity), parse.GetValue(each),
                chosen is { Length: > 0 } ? chosen : null), console.Out);
        });
        return command;
    }

    public static int Run(Options options, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(options);
        var workload = new FlowblastWorkload(options.Packets);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"toplists benchmark: {workload.Records.Length:N0} records cycled ({options.Packets:N0} packets of {workload.RecordsPerPacket}), {options.Records:N0} records per run, capacity {options.Capacity:N0}; load average {File.ReadAllText("/proc/loadavg").Trim()}"));

        var defaults = ToplistDefinition.Defaults().Where(d => options.Lists is null || options.Lists.Contains(d.Id)).ToList();
        Measure(stdout, options.Lists is null ? "all six default toplists" : string.Join(" + ", defaults.Select(d => d.Name)), defaults, workload, options);
        if (options.Each)
        {
            foreach (var definition in defaults)
            {
                Measure(stdout, definition.Name, [definition], workload, options);
            }
        }

        return 0;
    }

    private static void Measure(TextWriter stdout, string name, IReadOnlyList<ToplistDefinition> lists, FlowblastWorkload workload, Options options)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var set = new ToplistSet(lists, options.Capacity, now);

        // One pass over the cycle first (tables grow, the JIT settles), then the measured records.
        Feed(set, workload, workload.Records.Length);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        Feed(set, workload, options.Records);
        var wall = clock.Elapsed;
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var memory = set.MemoryBytes;

        var bounds = string.Join(", ", lists.Select(d => set.Snapshot(d.Id, 1) is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"{d.Name}: {s.DistinctKeys:N0} keys{(s.Approximate ? $", ±{s.ErrorBound} B of {s.TotalBytes / 1e9:0.#} GB" : ", exact")}")
            : d.Name));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {used.TotalNanoseconds / options.Records:0} ns CPU per record ({options.Records / wall.TotalSeconds / 1e6:0.00} M records/s wall), toplist tables {memory / 1048576.0:0} MB; {bounds}"));
    }

    private static void Feed(ToplistSet set, FlowblastWorkload workload, long records)
    {
        var packets = records / workload.RecordsPerPacket;
        for (var p = 0; p < packets; p++)
        {
            var packet = workload.Packet(p);
            var batch = set.Begin(packet);
            for (var i = 0; i < packet.Length; i++)
            {
                batch.Add(i, (long)packet[i].Bytes, (long)packet[i].Packets);
            }

            batch.Flush();
        }
    }
}

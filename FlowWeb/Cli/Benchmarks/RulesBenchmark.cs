using System.Diagnostics;
using System.Globalization;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// Times <see cref="FilterRule.Matches"/> and <see cref="ChannelSet.Classify"/> on one thread over 2^20 evaluations of
/// 4,096 varied records (IPv4 and IPv6, TCP/UDP/ICMP/other, well-known and ephemeral ports) and prints nanoseconds per
/// record and bytes allocated while timing (the fewest of the repeats). The records fit in L2 cache, as a freshly decoded batch does; a set much
/// larger than the cache would time memory bandwidth (a record is about 200 bytes) instead of the rules.
/// Meant for a <c>bench</c> verb; run it from a Release build.
/// </summary>
public static partial class RulesBenchmark
{
    private const int DistinctRecords = 1 << 12;
    private const int Evaluations = 1 << 20;
    private const int Repeats = 5;

    private static readonly string[] Rules =
    [
        "Protocol[TCP]",
        "Protocol[TCP] and not (DestinationIP[10.0.0.1] or SourceIP[10.0.0.120-130])",
        "(SourceIP[10.0.0.0/8,192.168.0.0/16,2001:db8::/32] or DestinationIP[172.16.*.*]) and Port[80,443,8000-8999] and not DSCP[EF]",
    ];

    private const string CustomDefinition = """
        #1:Web
        Protocol[TCP] and Port[80,443,8080]
        #2:QUIC
        Protocol[UDP] and Port[443]
        #3:DNS
        Port[53]
        #4:Mail
        Protocol[TCP] and Port[25,465,587,110,995,143,993]
        #5:Branch office
        SourceIP[192.168.0.0/16] or DestinationIP[192.168.0.0/16]
        #6:IPv6 lab
        IP[2001:db8:1::/48]
        #7:Voice
        DSCP[EF]
        #8:SSH
        Protocol[TCP] and Port[22]
        #9:ICMP
        Protocol[ICMP,ICMPv6]
        #10:Backup
        DestinationPort[873] or DestinationIP[10.9.9.9]
        """;

    /// <param name="hostile">Also the hostile filters (<see cref="RunHostile"/>, about half a minute).</param>
    public static void Run(TextWriter output, bool hostile = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        var records = MakeRecords();
        var exporter = FlowAddress.FromIPv4(0x0A00_0001);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rules benchmark: {Evaluations:N0} evaluations per case over {DistinctRecords:N0} records, best of {Repeats}, one thread, .NET {Environment.Version}"));
        output.WriteLine($"{"case",-60} {"ns/record",10} {"hits",9} {"alloc B",8}");

        foreach (var text in Rules)
        {
            var rule = FilterRule.Parse(text).Rule!;
            Report(output, $"Matches {Shorten(text)}", Measure(records, new MatchCase(rule, exporter)));
        }

        foreach (var mode in new[] { ChannelGroupMode.Yes, ChannelGroupMode.Detail })
        {
            var set = ChannelSet.FromStandardGroups(new StandardGroupSelection(mode));
            Report(output, $"Classify standard groups, all {mode} ({set.Channels.Count} channels)", Measure(records, new ClassifyCase(set, exporter)));
        }

        var custom = ChannelSet.FromDefinition(CustomDefinition).Set!;
        Report(output, $"Classify custom definition ({custom.Channels.Count} channels)", Measure(records, new ClassifyCase(custom, exporter)));
        if (hostile)
        {
            RunHostile(output, records, exporter);
        }
    }

    // Struct cases make the JIT specialise Measure per case, so no delegate call is timed along with the work.
    private interface ICase
    {
        int Evaluate(in FlowRecord record);
    }

    private readonly struct MatchCase(FilterRule rule, FlowAddress exporter) : ICase
    {
        public int Evaluate(in FlowRecord record) => rule.Matches(in record, exporter) ? 1 : 0;
    }

    private readonly struct ClassifyCase(ChannelSet set, FlowAddress exporter) : ICase
    {
        public int Evaluate(in FlowRecord record) => set.Classify(in record, exporter) != set.OtherIndex ? 1 : 0;
    }

    private static (double NanosecondsPerRecord, long Hits, long Allocated) Measure<TCase>(FlowRecord[] records, TCase evaluate)
        where TCase : struct, ICase
    {
        // Long enough for tiered compilation to replace the first code with optimised code.
        long hits = 0;
        var warmUpEnd = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 4);
        while (Stopwatch.GetTimestamp() < warmUpEnd)
        {
            for (var i = 0; i < records.Length; i++)
            {
                hits += evaluate.Evaluate(in records[i]);
            }
        }

        // The fewest bytes of any repeat: an evaluation that allocates does so in every repeat, while the runtime's own
        // one-off work on this thread lands in one (likely a method reaching its optimised code late on a loaded machine,
        // and the types that loads). CI once read 7,056 bytes in the last repeat of the first case.
        var best = double.MaxValue;
        var allocated = long.MaxValue;
        for (var repeat = 0; repeat < Repeats; repeat++)
        {
            hits = 0;
            var before = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            for (var n = 0; n < Evaluations; n++)
            {
                hits += evaluate.Evaluate(in records[n & (DistinctRecords - 1)]);
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            best = Math.Min(best, elapsed.TotalNanoseconds / Evaluations);
        }

        return (best, hits, allocated);
    }

    private static void Report(TextWriter output, string name, (double NanosecondsPerRecord, long Hits, long Allocated) result) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-60} {result.NanosecondsPerRecord,10:0.0} {result.Hits,9:N0} {result.Allocated,8:N0}"));

    private static string Shorten(string text) => text.Length <= 50 ? text : string.Concat(text.AsSpan(0, 47), "...");

    private static FlowRecord[] MakeRecords()
    {
        ushort[] wellKnown = [80, 443, 53, 22, 25, 123, 161, 445, 3389, 8080, 1494, 5222, 6881, 873, 993];
        byte[] protocols = [6, 6, 6, 6, 6, 6, 17, 17, 17, 1, 58, 47];
        var random = new Random(20240607);
        var records = new FlowRecord[DistinctRecords];
        for (var i = 0; i < records.Length; i++)
        {
            ref var r = ref records[i];
            var v6 = random.Next(5) == 0;
            r.SrcAddr = v6 ? new FlowAddress(0x2001_0DB8_0000_0000UL | (uint)random.Next(4), (ulong)random.NextInt64()) : RandomIPv4(random);
            r.DstAddr = v6 ? new FlowAddress(0x2001_0DB8_0001_0000UL, (ulong)random.NextInt64()) : RandomIPv4(random);
            r.Protocol = protocols[random.Next(protocols.Length)];
            var service = random.Next(3) == 0 ? (ushort)random.Next(1024, 65536) : wellKnown[random.Next(wellKnown.Length)];
            var client = (ushort)random.Next(32768, 61000);
            (r.SrcPort, r.DstPort) = random.Next(2) == 0 ? (client, service) : (service, client);
            r.Tos = (byte)(random.Next(10) == 0 ? 46 << 2 : 0);
            r.InIf = (uint)random.Next(1, 5);
            r.OutIf = (uint)random.Next(1, 5);
            r.Bytes = (ulong)random.Next(40, 1_500_000);
            r.Packets = 1;
        }

        return records;
    }

    private static FlowAddress RandomIPv4(Random random) => random.Next(4) switch
    {
        0 => FlowAddress.FromIPv4(0x0A00_0000u | (uint)random.Next(1 << 24)),
        1 => FlowAddress.FromIPv4(0xC0A8_0000u | (uint)random.Next(1 << 16)),
        2 => FlowAddress.FromIPv4(0xAC10_0000u | (uint)random.Next(1 << 20)),
        _ => FlowAddress.FromIPv4((uint)random.NextInt64(1, uint.MaxValue)),
    };
}

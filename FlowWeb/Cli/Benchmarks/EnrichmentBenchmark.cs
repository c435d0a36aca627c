using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench enrich</c>: what AS and country enrichment costs the receive path. Prints nanoseconds per lookup (on the
/// workload's addresses, and on random addresses that defeat the caches), then the toplists' CPU per record and
/// records per second with the six default toplists alone and with Top Source AS, Top Destination AS and Top
/// Countries added, on the flowblast workload in memory. The databases are synthetic, at the size of GeoLite2's
/// (about 400,000 IPv4 and 100,000 IPv6 ranges each, covering all of IPv4 so that every lookup finds a range), or
/// real files given with <c>--asn-db</c> and <c>--country-db</c>.
/// </summary>
internal static class EnrichmentBenchmark
{
    public static Command Create(CliConsole console)
    {
        var records = CliOptions.WholeNumber("--records", "Records measured per toplist run", 5_000_000, 1_000, 1_000_000_000);
        var ranges = CliOptions.WholeNumber("--ranges", "IPv4 ranges of each synthetic database", 400_000, 1_000, 5_000_000);
        var asn = new Option<string?>("--asn-db") { Description = "A real ASN MMDB file instead of the synthetic one" };
        var country = new Option<string?>("--country-db") { Description = "A real country MMDB file instead of the synthetic one" };
        var command = new Command("enrich", "AS and country lookups: ns per lookup, and toplist records/s with and without the AS and country toplists.")
        {
            records, ranges, asn, country,
        };
        command.SetAction(parse => Run(parse.GetValue(records), parse.GetValue(ranges), parse.GetValue(asn), parse.GetValue(country), console.Out));
        return command;
    }

    public static int Run(long records, int ranges, string? asnPath, string? countryPath, TextWriter stdout)
    {
        var enrichment = asnPath is null && countryPath is null ? Synthetic(ranges) : FromFiles(asnPath, countryPath, stdout);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"enrich benchmark: ASN {enrichment.Asn.Ranges.Count:N0} ranges ({enrichment.Asn.Ranges.MemoryBytes / 1048576.0:0.0} MB), country {enrichment.Country.Ranges.Count:N0} ranges ({enrichment.Country.Ranges.MemoryBytes / 1048576.0:0.0} MB); load average {File.ReadAllText("/proc/loadavg").Trim()}"));

        var workload = new FlowblastWorkload(16_384);
        var addresses = workload.Records.SelectMany(r => new[] { r.SrcAddr, r.DstAddr }).ToArray();
        var random = new Random(7);
        var scattered = Enumerable.Range(0, 1 << 20).Select(_ => FlowAddress.FromIPv4((uint)random.NextInt64(1L << 32))).ToArray();
        Lookups(stdout, "workload addresses", addresses, enrichment);
        Lookups(stdout, "random IPv4 addresses", scattered, enrichment);

        var defaults = ToplistDefinition.Defaults();
        List<ToplistDefinition> enriched =
        [
            .. defaults,
            new() { Id = 7, Name = "Top Source AS", Type = ToplistType.TopSourceAs },
            new() { Id = 8, Name = "Top Destination AS", Type = ToplistType.TopDestinationAs },
            new() { Id = 9, Name = "Top Countries", Type = ToplistType.TopCountries },
        ];
        Toplists(stdout, "six default toplists", defaults, enrichment, workload, records);
        Toplists(stdout, "six default + AS and country toplists", enriched, enrichment, workload, records);
        Toplists(stdout, "AS and country toplists alone", enriched.Skip(6).ToList(), enrichment, workload, records);
        return 0;
    }

    private static void Lookups(TextWriter stdout, string name, FlowAddress[] addresses, IpEnrichment enrichment)
    {
        ulong sink = 0;
        const int Rounds = 4;
        for (var i = 0; i < addresses.Length; i++)
        {
            sink += enrichment.AsOf(addresses[i]);
        }

        var clock = Stopwatch.StartNew();
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < addresses.Length; i++)
            {
                sink += enrichment.AsOf(addresses[i]) + enrichment.CountryOf(addresses[i]);
            }
        }

        var lookups = 2L * Rounds * addresses.Length;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"lookups, {name}: {clock.Elapsed.TotalNanoseconds / lookups:0.0} ns per lookup ({lookups:N0} lookups, AS and country; checksum {sink % 1000})"));
    }

    private static void Toplists(TextWriter stdout, string name, IReadOnlyList<ToplistDefinition> lists, IpEnrichment enrichment, FlowblastWorkload workload, long records)
    {
        var set = new ToplistSet(lists, new AggregationOptions().ToplistCapacity, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), enrichment);
        Feed(set, workload, workload.Records.Length);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        Feed(set, workload, records);
        var wall = clock.Elapsed;
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {used.TotalNanoseconds / records:0} ns CPU per record, {records / wall.TotalSeconds / 1e6:0.00} M records/s wall"));
    }

    private static void Feed(ToplistSet set, FlowblastWorkload workload, long records)
    {
        var packets = records / workload.RecordsPerPacket;
        for (var p = 0; p < packets; p++)
        {
            var packet = workload.Packet((int)(p % (workload.Records.Length / workload.RecordsPerPacket)));
            var batch = set.Begin(packet);
            for (var i = 0; i < packet.Length; i++)
            {
                batch.Add(i, (long)packet[i].Bytes, (long)packet[i].Packets);
            }

            batch.Flush();
        }
    }

    private static IpEnrichment FromFiles(string? asn, string? country, TextWriter stdout)
    {
        var e = new IpEnrichment(Options.Create(new EnrichmentOptions { AsnDatabase = asn, CountryDatabase = country }), TimeProvider.System, NullLogger<IpEnrichment>.Instance);
        var clock = Stopwatch.StartNew();
        e.Refresh();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loaded and flattened in {clock.Elapsed.TotalSeconds:0.00} s: {e.Asn.Describe()} {e.Country.Describe()}"));
        return e;
    }

    /// <summary>Ranges between sorted random boundaries over all of IPv4, one in five left out (unrouted), plus IPv6 /32s.</summary>
    private static IpEnrichment Synthetic(int ranges)
    {
        var random = new Random(11);
        var starts = Enumerable.Range(0, ranges).Select(_ => (uint)random.NextInt64(1L << 32)).Append(0u).Distinct().Order().ToArray();
        FlattenedDatabase Database(Func<int, uint> valueOf, string type)
        {
            var networks = new List<(UInt128, UInt128, uint)>(starts.Length + (ranges / 4));
            for (var i = 0; i < starts.Length; i++)
            {
                var end = i + 1 < starts.Length ? starts[i + 1] - 1 : uint.MaxValue;
                if (i % 5 != 4)
                {
                    networks.Add((((UInt128)0xFFFF << 32) | starts[i], ((UInt128)0xFFFF << 32) | end, valueOf(i)));
                }
            }

            for (var i = 0; i < ranges / 4; i++)
            {
                var start = (UInt128)(0x2000_0000u + ((uint)i * 7)) << 96;
                networks.Add((start, start | (((UInt128)1 << 96) - 1), valueOf(i)));
            }

            return new FlattenedDatabase(IpRangeTable.Build(networks), new Dictionary<uint, string>(), type, DateTimeOffset.UtcNow);
        }

        return IpEnrichment.FromTables(
            Database(i => 1 + (uint)(i % 80_000), "synthetic ASN"),
            Database(i => CountryCode.Pack([(char)('A' + (i % 26)), (char)('A' + (i / 26 % 10))]), "synthetic country"));
    }
}

using System.CommandLine;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench decode|ingest|rules|dns|store|hostile|toplists|detection|enrich|memory</c> (and the hidden <c>bench send</c>, the ingest benchmark's load
/// generator): commands that print numbers. The README's Benchmarks section says what each measures.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var rules = new Command("rules", "Filter rules and channel classification: nanoseconds per record and bytes allocated, one thread.");
        rules.SetAction(_ =>
        {
            RulesBenchmark.Run(console.Out);
            return 0;
        });

        return new Command("bench", "Benchmarks that print numbers (run them on an idle machine, from a Release build).")
        {
            DecodeBenchmark.Create(console),
            IngestBenchmark.Create(console),
            IngestSender.Create(console),
            DnsBenchmark.Create(console),
            rules,
            StoreBenchmark.Create(console),
            HostileBenchmark.Create(console),
            ToplistBenchmark.Create(console),
            DetectionBenchmark.Create(console),
            EnrichmentBenchmark.Create(console),
            MemoryBenchmark.Create(console),
        };
    }
}

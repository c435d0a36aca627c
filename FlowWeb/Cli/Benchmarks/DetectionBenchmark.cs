using System.CommandLine;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench detection delay|cost|false-positives</c>: attack detection's numbers (issue 13): how soon an attack is
/// declared after its first datagram, what detection costs the collector per flow, and whether a day of ordinary
/// traffic raises any attack.
/// </summary>
internal static class DetectionBenchmark
{
    public static Command Create(CliConsole console) => new("detection", "Attack detection: delay from the first attack datagram to the attack's start, CPU per flow, false positives over a simulated day.")
    {
        DetectionDelayBenchmark.Create(console),
        DetectionCostBenchmark.Create(console),
        FalsePositiveBenchmark.Create(console),
    };
}

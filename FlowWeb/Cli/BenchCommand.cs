namespace FlowWeb.Cli;

/// <summary><c>bench decode|ingest|rules|dns|store</c> (and <c>bench send</c>, the ingest benchmark's load generator): see the README's Benchmarks section.</summary>
public static class BenchCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stderr);
        switch (args.Length > 0 ? args[0] : "")
        {
            case "decode":
                return await DecodeBenchmark.RunAsync(args[1..], stdout).ConfigureAwait(false);
            case "ingest":
                return await IngestBenchmark.RunAsync(args[1..], stdout).ConfigureAwait(false);
            case "send":
                return IngestSender.Run(args[1..], stdout);
            case "dns":
                return await DnsBenchmark.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false);
            case "store":
                return await StoreBenchmark.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false);
            case "toplists":
                return Benchmarks.ToplistBenchmark.Run(new Benchmarks.ToplistBenchmark.Options(
                    Int(args, "--packets", 16_384), Int(args, "--records", 10_000_000), Int(args, "--capacity", 200_000), args.Contains("--each"), Array.IndexOf(args, "--lists") is var l and >= 0 ? [.. args[l + 1].Split(',').Select(int.Parse)] : null), stdout);
            case "rules":
                Core.Rules.RulesBenchmark.Run(stdout);
                return 0;
            default:
                await stderr.WriteLineAsync("usage: bench decode [--seconds N] | bench ingest [--seconds N] [--versions 5,9,10] [--rates R1,R2,...] [--distinct N] [--dns IP:PORT] | bench rules | bench dns --server IP:PORT [--seconds N] [--in-flight N] | " + StoreBenchmark.Usage).ConfigureAwait(false);
                return 2;
        }
    }

    private static int Int(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}

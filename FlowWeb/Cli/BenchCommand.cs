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
            case "rules":
                Core.Rules.RulesBenchmark.Run(stdout);
                return 0;
            default:
                await stderr.WriteLineAsync("usage: bench decode [--seconds N] | bench ingest [--seconds N] [--versions 5,9,10] [--rates R1,R2,...] [--distinct N] [--dns IP:PORT] | bench rules | bench dns --server IP:PORT [--seconds N] [--in-flight N] | " + StoreBenchmark.Usage).ConfigureAwait(false);
                return 2;
        }
    }
}

namespace FlowWeb.Cli;

/// <summary><c>bench decode</c>: see the README's Benchmarks section.</summary>
public static class BenchCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length > 0 && args[0] == "decode")
        {
            return await DecodeBenchmark.RunAsync(args[1..], stdout).ConfigureAwait(false);
        }

        await stderr.WriteLineAsync("usage: bench decode [--seconds N]").ConfigureAwait(false);
        return 2;
    }
}

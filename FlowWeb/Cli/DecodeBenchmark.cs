namespace FlowWeb.Cli;

internal static class DecodeBenchmark
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout) => Task.FromResult(0);
}

namespace FlowWeb.Cli;

/// <summary>
/// The verbs FlowWeb runs instead of the web host: <c>decode</c> (capture files to JSON lines) and <c>bench</c>
/// (benchmarks that print numbers). Same verbs in <c>dotnet run --project FlowWeb --</c>, the published app and the container.
/// </summary>
public static class CommandLine
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "decode" or "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var stdout = Console.OpenStandardOutput();
        var stderr = Console.Error;
        return args[0] switch
        {
            "decode" => await DecodeCommand.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false),
            "bench" => await BenchCommand.RunAsync(args[1..], Console.Out, stderr).ConfigureAwait(false),
            _ => 2,
        };
    }
}

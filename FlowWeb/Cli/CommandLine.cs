namespace FlowWeb.Cli;

/// <summary>
/// The verbs FlowWeb runs instead of the web host: <c>decode</c> (capture files to JSON lines), <c>bench</c>
/// (benchmarks that print numbers) and <c>healthcheck</c> (the container's HEALTHCHECK). Same verbs in <c>dotnet run --project FlowWeb --</c>, the published app and the container.
/// </summary>
public static class CommandLine
{
    public static bool IsCommand(string[] args) => (args.Length > 0 && args[0] is "decode" or "bench") || HealthCheckCommand.IsCommand(args);

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (HealthCheckCommand.IsCommand(args))
        {
            return await HealthCheckCommand.RunAsync(args).ConfigureAwait(false);
        }

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

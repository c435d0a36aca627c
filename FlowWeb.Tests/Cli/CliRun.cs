using FlowWeb.Cli;

namespace FlowWeb.Tests.Cli;

/// <summary>Runs a command line through the real command tree with captured output.</summary>
internal sealed record CliRun(int Exit, string Out, byte[] BinaryOut, string Error)
{
    public string[] ErrorLines => Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    public string BinaryText => System.Text.Encoding.UTF8.GetString(BinaryOut);

    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var text = new StringWriter();
        using var error = new StringWriter();
        using var binary = new MemoryStream();
        var exit = await CommandLine.RunAsync(args, new CliConsole(text, error, () => binary));
        return new CliRun(exit, text.ToString(), binary.ToArray(), error.ToString());
    }
}

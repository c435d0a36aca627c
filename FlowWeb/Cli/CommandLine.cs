using System.CommandLine;
using System.CommandLine.Parsing;
using FlowWeb.Cli.Benchmarks;

namespace FlowWeb.Cli;

/// <summary>
/// The verbs FlowWeb runs instead of the web host: <c>decode</c> (capture files to JSON lines), <c>bench</c>
/// (benchmarks that print numbers) and <c>healthcheck</c> (the container's HEALTHCHECK), one System.CommandLine tree
/// with <c>--help</c> on every level. Same verbs in <c>dotnet run --project FlowWeb --</c>, the published app and the
/// container. Wrong arguments print every error, then the verb's help, to standard error and exit with
/// <see cref="UsageError"/>.
/// </summary>
public static class CommandLine
{
    /// <summary>The exit code of a command line that does not parse (a verb's own failures use their own codes).</summary>
    public const int UsageError = 2;

    private static readonly string[] Verbs = ["decode", "bench", "healthcheck"];

    private static readonly string[] HelpSwitches = ["--help", "-h", "-?"];

    // No response files: a capture named "@x.pcap" is a file, not a list of arguments.
    private static readonly ParserConfiguration Parser = new() { ResponseFileTokenReplacer = null };

    /// <summary>Whether the arguments name a verb (any letter case) or ask for help; anything else starts the web host.</summary>
    public static bool IsCommand(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Count > 0 && (Verb(args[0]) is not null || HelpSwitches.Contains(args[0]));
    }

    public static Task<int> RunAsync(string[] args) => RunAsync(args, CliConsole.Standard);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var tokens = args.ToArray();
        if (tokens.Length > 0 && Verb(tokens[0]) is { } verb)
        {
            tokens[0] = verb;
        }

        var parsed = Build(console).Parse(tokens, Parser);
        if (parsed.Errors.Count > 0 && parsed.Action is not { ClearsParseErrors: true })
        {
            foreach (var error in parsed.Errors)
            {
                await console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync().ConfigureAwait(false);
            await WriteHelpAsync(parsed.CommandResult, console).ConfigureAwait(false);
            return UsageError;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error }).ConfigureAwait(false);
    }

    /// <summary>The whole tree; each verb defines its own options beside its code.</summary>
    internal static RootCommand Build(CliConsole console) => new(
        "FlowWeb, a network flow analyzer. Without a verb it starts the collector and the web UI " +
        "(ASP.NET Core settings such as --urls http://0.0.0.0:5000, and --demo for the simulated router).")
    {
        DecodeCommand.Create(console),
        BenchCommand.Create(console),
        HealthCheckCommand.Create(console),
    };

    /// <summary>The failing command's own help, to standard error: what "--help" on the same command prints.</summary>
    private static async Task WriteHelpAsync(CommandResult failing, CliConsole console)
    {
        var path = new List<string> { "--help" };
        for (var c = failing; c.Parent is CommandResult parent; c = parent)
        {
            path.Insert(0, c.Command.Name);
        }

        await Build(console).Parse(path, Parser).InvokeAsync(new InvocationConfiguration { Output = console.Error, Error = console.Error }).ConfigureAwait(false);
    }

    private static string? Verb(string arg) => Verbs.FirstOrDefault(v => string.Equals(v, arg, StringComparison.OrdinalIgnoreCase));
}

namespace FlowWeb.Cli;

/// <summary>
/// Where a verb writes: text output, errors, and a binary stream for output that is bytes already (the decode verb's
/// JSON lines go out as UTF-8 without a second encoding pass). Tests pass writers and a memory stream.
/// </summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, Func<Stream> OpenBinaryOut)
{
    /// <summary>The process's standard output and error.</summary>
    public static CliConsole Standard => new(Console.Out, Console.Error, Console.OpenStandardOutput);
}

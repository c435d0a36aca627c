namespace FlowWeb.Demo;

/// <summary>The <c>--demo</c> command-line switch, which is a setting, not a verb (see <see cref="Cli.CommandLine"/>).</summary>
internal static class DemoSwitch
{
    public const string Argument = "--demo";

    /// <summary>
    /// Replaces <c>--demo</c> with <c>--Demo:Enabled=true</c>. Passed on as it is, the command-line configuration
    /// provider would take the argument after it as its value (<c>--demo --urls ...</c> would eat <c>--urls</c>).
    /// </summary>
    public static string[] Expand(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return [.. args.Select(a => string.Equals(a, Argument, StringComparison.OrdinalIgnoreCase) ? "--Demo:Enabled=true" : a)];
    }
}

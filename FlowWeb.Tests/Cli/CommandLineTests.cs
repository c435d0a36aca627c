using FlowWeb.Cli;

namespace FlowWeb.Tests.Cli;

/// <summary>The verbs' command tree: help on every level, every bad argument named, exit code 2 before any work.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task BenchStore_BadOptions_ExitCode2AndEveryOptionNamed()
    {
        var run = await CliRun.RunAsync("bench", "store", "--sensors", "0", "--days", "ten", "--minute-days", "30", "--fast");

        Assert.Equal(CommandLine.UsageError, run.Exit);
        Assert.Equal("", run.Out);
        Assert.Contains("--sensors: expected a whole number from 1 to 1000, got \"0\"", run.ErrorLines);
        Assert.Contains("--days: expected a whole number from 1 to 3650, got \"ten\"", run.ErrorLines);
        Assert.Contains("--minute-days: expected a whole number from 1 to 14, got \"30\"", run.ErrorLines);
        Assert.Contains(run.ErrorLines, l => l.Contains("'--fast'", StringComparison.Ordinal));

        // Then the verb's own help, so the right spelling is on screen.
        Assert.Contains(run.ErrorLines, l => l.Contains("bench store [options]", StringComparison.Ordinal));
        Assert.Contains(run.ErrorLines, l => l.TrimStart().StartsWith("--minute-days <N>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BenchStore_MinuteDaysBeyondDays_Refused()
    {
        var run = await CliRun.RunAsync("bench", "store", "--days", "3", "--minute-days", "5");

        Assert.Equal(CommandLine.UsageError, run.Exit);
        Assert.Contains("--minute-days (5) must not exceed --days (3)", run.ErrorLines);
    }

    [Theory]
    [InlineData(new[] { "bench", "ingest", "--versions", "5,7" }, "--versions: expected comma-separated values among 5,9,10, got \"5,7\"")]
    [InlineData(new[] { "bench", "ingest", "--rates", "1000,-5" }, "--rates: expected comma-separated whole numbers from 1 to 100,000,000, got \"1000,-5\"")]
    [InlineData(new[] { "bench", "ingest", "--dns", "localhost" }, "--dns: expected an IP address with an optional port (ip, ip:port or [ipv6]:port), got \"localhost\"")]
    [InlineData(new[] { "bench", "decode", "--seconds", "0" }, "--seconds: expected seconds more than 0 and at most 60, got \"0\"")]
    [InlineData(new[] { "bench", "detection", "cost", "--seconds", "10", "--rounds", "10" }, "--seconds x (2 x --rounds + 2) must be at most 120 (the sender's longest run), got 220")]
    [InlineData(new[] { "bench", "detection", "cost", "--rate", "500" }, "--rate: expected a whole number from 1000 to 10000000, or ingest, got \"500\"")]
    [InlineData(new[] { "bench", "detection", "cost", "--protected", "10.0.0.0/8,lan" }, "--protected: 'lan' is not an IPv4 or IPv6 address or prefix")]
    [InlineData(new[] { "bench", "send", "--port", "9", "--version", "7" }, "--version: expected one of 5, 9, 10, got \"7\"")]
    [InlineData(new[] { "bench", "dns", "--server", "127.0.0.1:53", "--in-flight", "5000" }, "--in-flight: expected a whole number from 1 to 1024, got \"5000\"")]
    [InlineData(new[] { "decode", "--exporter", "router1", "x.pcap" }, "--exporter: expected an IPv4 or IPv6 address, got \"router1\"")]
    [InlineData(new[] { "decode", "--fast", "x.pcap" }, "--fast: unknown option (a file whose name starts with '-' can be given as ./--fast)")]
    [InlineData(new[] { "healthcheck", "not a url" }, "URL: expected an absolute http or https URL, got \"not a url\"")]
    public async Task Verb_BadValue_ExitCode2NamingTheOption(string[] args, string expected)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(CommandLine.UsageError, run.Exit);
        Assert.Contains(expected, run.ErrorLines);
        Assert.Equal("", run.Out);
        Assert.Empty(run.BinaryOut);
    }

    [Theory]
    [InlineData(new[] { "bench", "dns" }, "--server")]
    [InlineData(new[] { "bench", "send" }, "--port")]
    [InlineData(new[] { "decode" }, "FILE")]
    [InlineData(new[] { "bench" }, "Required command")]
    public async Task Verb_MissingRequiredPart_ExitCode2NamingIt(string[] args, string named)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(CommandLine.UsageError, run.Exit);
        Assert.Contains(named, run.ErrorLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Root_ListsEveryVerbButNotTheHiddenSender()
    {
        var root = await CliRun.RunAsync("--help");
        var bench = await CliRun.RunAsync("bench", "--help");

        Assert.Equal((0, 0), (root.Exit, bench.Exit));
        foreach (var verb in new[] { "decode", "bench", "healthcheck" })
        {
            Assert.Contains($"  {verb} ", root.Out, StringComparison.Ordinal);
        }

        foreach (var benchmark in new[] { "decode", "ingest", "dns", "rules", "store" })
        {
            Assert.Contains($"  {benchmark} ", bench.Out, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("  send ", bench.Out, StringComparison.Ordinal);
        Assert.Contains("--urls", root.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Decode_ShowsOptionsWithTheirValues()
    {
        var run = await CliRun.RunAsync("decode", "-h");

        Assert.Equal(0, run.Exit);
        Assert.Contains("--exporter <ADDRESS>", run.Out, StringComparison.Ordinal);
        Assert.Contains("--options", run.Out, StringComparison.Ordinal);
        Assert.Contains("<FILE>", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("decode", true)]
    [InlineData("Bench", true)]
    [InlineData("--help", true)]
    [InlineData("--urls", false)]
    [InlineData("decoder", false)]
    public void IsCommand_FirstArgument_VerbsAndHelpOnly(string first, bool expected)
    {
        Assert.Equal(expected, CommandLine.IsCommand([first]));
    }
}

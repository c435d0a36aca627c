using FlowWeb.Cli;

namespace FlowWeb.Tests.Cli;

/// <summary><c>bench store</c> refuses bad options before it writes anything, naming each one.</summary>
public sealed class StoreBenchmarkCommandTests
{
    [Fact]
    public async Task BenchStore_BadOptions_ExitCode2AndEveryOptionNamed()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await BenchCommand.RunAsync(["store", "--sensors", "0", "--days", "ten", "--minute-days", "30", "--fast"], stdout, stderr);

        Assert.Equal(2, code);
        Assert.Equal("", stdout.ToString());
        var lines = stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            "--sensors: expected a whole number from 1 to 1000, got \"0\"",
            "--days: expected a whole number from 1 to 3650, got \"ten\"",
            "--minute-days: expected a whole number from 1 to 14, got \"30\"",
            "--fast: unknown option",
        ], lines[..4]);
        Assert.StartsWith("usage: bench store", lines[4], StringComparison.Ordinal);
    }
}

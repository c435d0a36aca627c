using FlowWeb.Cli.Benchmarks;

namespace FlowWeb.Tests.Cli.Benchmarks;

public sealed class RulesBenchmarkTests
{
    // Not a timing assertion: the numbers depend on the machine. It checks that every case runs and allocates nothing.
    [Fact]
    public void Run_EveryCase_PrintsARowWithoutAllocating()
    {
        using var output = new StringWriter();

        RulesBenchmark.Run(output);

        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[2..];
        Assert.Equal(6, rows.Length);
        Assert.All(rows, row => Assert.EndsWith(" 0", row.TrimEnd(), StringComparison.Ordinal));
        Assert.Contains(rows, row => row.StartsWith("Classify custom definition (12 channels)", StringComparison.Ordinal));
    }
}

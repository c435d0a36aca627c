using FlowWeb.Cli.Benchmarks;
using FlowWeb.Core.Rules;

namespace FlowWeb.Tests.Cli.Benchmarks;

public sealed class RulesBenchmarkTests
{
    // Not a timing assertion: the numbers depend on the machine. It checks that every case runs and allocates nothing.
    [Fact]
    public void Run_EveryCase_PrintsARowWithoutAllocating()
    {
        using var output = new StringWriter();

        RulesBenchmark.Run(output, hostile: false);

        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[2..];
        Assert.Equal(6, rows.Length);
        Assert.All(rows, row => Assert.EndsWith(" 0", row.TrimEnd(), StringComparison.Ordinal));
        Assert.Contains(rows, row => row.StartsWith("Classify custom definition (12 channels)", StringComparison.Ordinal));
    }

    // The timing of the hostile filters is the benchmark's; what the default limits answer is checked here.
    [Fact]
    public void HostileFilters_DefaultLimits_HugeOnesRefusedNamingTheLimitSmallOnesAcceptedWithinTheBudget()
    {
        var answers = RulesBenchmark.HostileFilters().Select(c => (c.Name, Result: FilterRule.Parse(c.Text, RulesBenchmark.DefaultLimits))).ToList();

        Assert.Equal(6, answers.Count);
        Assert.All(answers.Where(a => a.Name.StartsWith("10", StringComparison.Ordinal) || a.Name.StartsWith("200,000", StringComparison.Ordinal)),
            a => Assert.Contains("Limits:MaxFilterLength", Assert.Single(a.Result.Errors).Message, StringComparison.Ordinal));
        var ranges = answers.Single(a => a.Name.StartsWith("2,000 ranges", StringComparison.Ordinal)).Result.Rule!;
        var chain = answers.Single(a => a.Name.StartsWith("500 distinct", StringComparison.Ordinal)).Result.Rule!;

        // 2,000 ranges: a binary search (log2 2,000 = 11 comparisons, and one for the field); the chain uses the whole budget.
        Assert.Equal((12, 1000), (ranges.Cost, chain.Cost));
        var overBudget = FilterRule.Parse(chain.ToString() + " and Interface[0-7]", RulesBenchmark.DefaultLimits);
        Assert.Contains("Limits:MaxFilterCost", Assert.Single(overBudget.Errors).Message, StringComparison.Ordinal);
    }
}

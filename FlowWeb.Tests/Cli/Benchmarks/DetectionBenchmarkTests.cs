namespace FlowWeb.Tests.Cli.Benchmarks;

/// <summary>
/// The detection benchmarks run and print what they promise. Not timing assertions: the numbers depend on the
/// machine; what is checked is that every attack is found with its type and that ordinary traffic raises none.
/// </summary>
public sealed class DetectionBenchmarkTests
{
    [Fact]
    public async Task FalsePositives_OneHour_ZeroAttacksAndTheClosestApproachPerThreshold()
    {
        var run = await CliRun.RunAsync("bench", "detection", "false-positives", "--hours", "1", "--timeouts", "1800");

        Assert.True(run.Exit == 0, run.Out + run.Error);
        Assert.Contains("active timeout  1800 s: 0 attacks reported;", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("FALSE POSITIVE", run.Out, StringComparison.Ordinal);
        foreach (var label in new[] { "packets/s", "bit/s", "flows/s", "TCP SYN packets/s", "UDP packets/s", "ICMP packets/s", "distinct sources/s" })
        {
            Assert.Contains(run.Out.Split('\n'), line => line.TrimStart().StartsWith(label + " ", StringComparison.Ordinal));
        }
    }

    // Real UDP on loopback in real time (about 15 s): each of the 18 attacks of a round, unsampled and at 1:1000.
    [Fact]
    public async Task Delay_OneRoundPerSampling_EveryAttackDetectedWithItsType()
    {
        var run = await CliRun.RunAsync("bench", "detection", "delay", "--trials", "1");

        var rows = run.Out.Split('\n').Where(l => l.Contains(" IPv4 ", StringComparison.Ordinal) || l.Contains(" IPv6 ", StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count == 36, run.Out + run.Error);
        Assert.All(rows, row => Assert.Matches(@"\s1/1\s+1/1\s+\d+\.\d\d\s+\d+\.\d\d\s*$", row));
        Assert.Contains("all 36 attacks: detected 36, right victim/type/direction 36,", run.Out, StringComparison.Ordinal);
    }
}

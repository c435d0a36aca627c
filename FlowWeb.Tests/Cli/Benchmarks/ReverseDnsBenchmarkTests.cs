using FlowWeb.Cli.Benchmarks;
using FlowWeb.Tests.Dns;

namespace FlowWeb.Tests.Cli.Benchmarks;

[Collection(DnsmasqCollection.Name)]
public sealed class ReverseDnsBenchmarkTests(DnsmasqFixture dns)
{
    // Not a timing assertion: the number depends on the machine. It checks that every lookup got an answer.
    [Fact]
    public async Task RunAsync_AgainstDnsmasq_PrintsLookupsPerSecondWithEveryLookupAnswered()
    {
        using var output = new StringWriter();

        var result = await ReverseDnsBenchmark.RunAsync(output, dns.Server.EndPoint, TimeSpan.FromSeconds(1), maxLookups: 2_000, maxInFlight: 8);

        Assert.InRange(result.Lookups, 1, 2_000);
        Assert.Equal(result.Lookups, result.NegativeAnswers);
        Assert.Equal((0L, 0L), (result.TimedOut, result.Failed));
        Assert.InRange(result.PeakInFlight, 1, 8);
        Assert.True(result.LookupsPerSecond > 0);
        Assert.Contains(" lookups/s ", output.ToString(), StringComparison.Ordinal);
    }
}

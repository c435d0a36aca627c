using FlowWeb.Core.Dns;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Dns;

/// <summary>Answers from a real dnsmasq on 127.0.0.1: names, negative answers, coalescing and the private-address switch.</summary>
[Collection(DnsmasqCollection.Name)]
public sealed class ReverseDnsResolverTests(DnsmasqFixture dns)
{
    [Theory]
    [InlineData("192.0.2.10", "host-a.test")]
    [InlineData("192.0.2.20", "ptr-only.test")]
    [InlineData("2001:db8::10", "v6host.test")]
    [InlineData("2001:db8::20", "v6-ptr-only.test")]
    public async Task Request_KnownAddress_ResolvesToItsPtrNameAndCachesIt(string address, string expected)
    {
        await using var harness = new ResolverHarness(ResolverHarness.Options(dns.Server.Server));
        var flowAddress = FlowAddress.Parse(address);

        Assert.Null(harness.Resolver.NameOrNull(flowAddress));
        var answer = await harness.ResolveAsync(flowAddress);

        Assert.Equal(new ReverseDnsName(flowAddress, expected, ReverseDnsOutcome.Name, answer.ExpiresAt), answer);
        Assert.Equal(expected, harness.Resolver.NameOrNull(flowAddress));
        Assert.True(harness.Resolver.TryGetCached(flowAddress, out var cached));
        Assert.Equal(answer, cached);
        var statistics = harness.Statistics;
        Assert.Equal((1, 1, 2, 1, 1), (statistics.LookupsStarted, statistics.LookupsSucceeded, statistics.CacheHits, statistics.CacheMisses, statistics.CacheEntries));
    }

    [Fact]
    public async Task Request_UnknownAddress_CachedAsNegativeAndNotQueriedAgain()
    {
        await using var harness = new ResolverHarness(ResolverHarness.Options(dns.Server.Server));

        var answer = await harness.ResolveAsync(DnsmasqFixture.Unknown);
        var again = harness.Resolver.Request(DnsmasqFixture.Unknown);

        Assert.Equal((null, ReverseDnsOutcome.NxDomain), (answer.Name, answer.Outcome));
        Assert.Equal(ReverseDnsRequestResult.Cached, again);
        Assert.True(harness.Resolver.TryGetCached(DnsmasqFixture.Unknown, out var cached));
        Assert.Equal(ReverseDnsOutcome.NxDomain, cached.Outcome);
        Assert.Null(harness.Resolver.NameOrRequest(DnsmasqFixture.Unknown));
        var statistics = harness.Statistics;
        Assert.Equal((1, 1, 0L), (statistics.LookupsStarted, statistics.LookupsNxDomain, statistics.LookupsSucceeded));
        Assert.Equal(1, statistics.LookupsFailed);
    }

    [Fact]
    public async Task Request_ReverseNameWithoutPtrRecord_CachedAsNoPtr()
    {
        await using var harness = new ResolverHarness(ResolverHarness.Options(dns.Server.Server));

        var answer = await harness.ResolveAsync(DnsmasqFixture.NoPtr);

        Assert.Equal((null, ReverseDnsOutcome.NoPtr), (answer.Name, answer.Outcome));
        Assert.Equal(1, harness.Statistics.LookupsNoPtr);
        Assert.Equal(ReverseDnsRequestResult.Cached, harness.Resolver.Request(DnsmasqFixture.NoPtr));
    }

    [Fact]
    public async Task Request_SameAddressManyTimes_OneLookup()
    {
        await using var harness = new ResolverHarness(ResolverHarness.Options(dns.Server.Server));

        var results = Enumerable.Range(0, 100).Select(_ => harness.Resolver.Request(DnsmasqFixture.HostA)).ToList();
        var answer = await harness.AnswerAsync(DnsmasqFixture.HostA);

        Assert.Equal("host-a.test", answer.Name);
        Assert.Equal(ReverseDnsRequestResult.Queued, results[0]);
        Assert.All(results.Skip(1), r => Assert.True(r is ReverseDnsRequestResult.AlreadyPending or ReverseDnsRequestResult.Cached, r.ToString()));
        Assert.True(await harness.EventuallyAsync(s => s.InFlight == 0));
        var statistics = harness.Statistics;
        Assert.Equal(1, statistics.LookupsStarted);
        Assert.Equal(results.Count(r => r == ReverseDnsRequestResult.AlreadyPending), statistics.RequestsCoalesced);
    }

    [Fact]
    public async Task Request_PrivateAddressesWhenSwitchedOff_SkippedWithoutQuery()
    {
        var options = ResolverHarness.Options(dns.Server.Server);
        options.ResolvePrivateAddresses = false;
        await using var harness = new ResolverHarness(options);

        Assert.Equal(ReverseDnsRequestResult.Skipped, harness.Resolver.Request(DnsmasqFixture.PrivateHost));
        Assert.Equal(ReverseDnsRequestResult.Skipped, harness.Resolver.Request(DnsmasqFixture.UlaHost));
        var publicAnswer = await harness.ResolveAsync(DnsmasqFixture.HostA);

        Assert.Equal("host-a.test", publicAnswer.Name);
        Assert.Null(harness.Resolver.NameOrNull(DnsmasqFixture.PrivateHost));
        Assert.Equal((1L, 2L), (harness.Statistics.LookupsStarted, harness.Statistics.RequestsSkipped));
    }

    [Fact]
    public async Task Request_PrivateAddressesWhenSwitchedOn_Resolved()
    {
        await using var harness = new ResolverHarness(ResolverHarness.Options(dns.Server.Server));

        Assert.Equal("private-host.test", (await harness.ResolveAsync(DnsmasqFixture.PrivateHost)).Name);
        Assert.Equal("ula-host.test", (await harness.ResolveAsync(DnsmasqFixture.UlaHost)).Name);
    }

    [Fact]
    public async Task Subscribe_OneSubscriberThrows_OthersStillHearAndDisposedOnesDoNot()
    {
        await using var harness = new ResolverHarness(ResolverHarness.Options(dns.Server.Server));
        var heard = new List<ReverseDnsName>();
        var heardTwo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var disposedHeard = 0;
        using var throwing = harness.Resolver.Subscribe(_ => throw new InvalidOperationException("a broken page"));
        using var listening = harness.Resolver.Subscribe(name =>
        {
            lock (heard)
            {
                heard.Add(name);
                if (heard.Count == 2)
                {
                    heardTwo.TrySetResult();
                }
            }
        });
        harness.Resolver.Subscribe(_ => Interlocked.Increment(ref disposedHeard)).Dispose();

        await harness.ResolveAsync(DnsmasqFixture.HostA);
        await harness.ResolveAsync(DnsmasqFixture.V6Host);

        // The harness hears each answer first (it subscribed first), so this subscriber may still be on its way.
        await heardTwo.Task.WaitAsync(TimeSpan.FromSeconds(5));

        // Both answers, in either order: each reaches the subscribers on its own continuation, so the second lookup's can
        // overtake the first's (seen once in a full run).
        lock (heard)
        {
            Assert.Equal(["host-a.test", "v6host.test"], heard.Select(n => n.Name).Order());
        }

        Assert.Equal(0, disposedHeard);
    }

    [Fact]
    public async Task Request_Disabled_NeverQueries()
    {
        var options = ResolverHarness.Options(dns.Server.Server);
        options.Enabled = false;
        await using var harness = new ResolverHarness(options);

        Assert.False(harness.Resolver.IsEnabled);
        Assert.Contains("ReverseDns:Enabled", harness.Resolver.DisabledReason, StringComparison.Ordinal);
        Assert.Equal(ReverseDnsRequestResult.Disabled, harness.Resolver.Request(DnsmasqFixture.HostA));
        Assert.False(harness.Resolver.TryGetCached(DnsmasqFixture.HostA, out _));
        Assert.Equal(0, harness.Statistics.LookupsStarted);
    }

    [Fact]
    public async Task Request_UnspecifiedAddress_Skipped()
    {
        await using var harness = new ResolverHarness(ResolverHarness.Options(dns.Server.Server));

        Assert.Equal(ReverseDnsRequestResult.Skipped, harness.Resolver.Request(FlowAddress.None));
    }
}

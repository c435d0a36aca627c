using FlowWeb.Core.Dns;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Dns;

/// <summary>How long answers from a real dnsmasq (TTL <see cref="DnsmasqServer.LocalTtlSeconds"/> s) stay cached, on a fake clock.</summary>
[Collection(DnsmasqCollection.Name)]
public sealed class ReverseDnsExpiryTests(DnsmasqFixture dns)
{
    private static readonly TimeSpan RecordTtl = TimeSpan.FromSeconds(DnsmasqServer.LocalTtlSeconds);

    [Theory]
    [InlineData(1, 3600, DnsmasqServer.LocalTtlSeconds)] // within bounds: the record's own TTL
    [InlineData(600, 3600, 600)] // raised to PositiveTtlMin
    [InlineData(1, 30, 30)] // cut to PositiveTtlMax
    public async Task Name_CachedForRecordTtlClampedToBounds_ThenLookedUpAgain(int minSeconds, int maxSeconds, int expectedSeconds)
    {
        var clock = new FakeTimeProvider();
        var options = ResolverHarness.Options(dns.Server.Server);
        options.PositiveTtlMin = TimeSpan.FromSeconds(minSeconds);
        options.PositiveTtlMax = TimeSpan.FromSeconds(maxSeconds);
        await using var harness = new ResolverHarness(options, clock);
        var resolvedAt = clock.GetUtcNow();

        var answer = await harness.ResolveAsync(DnsmasqFixture.HostA);

        Assert.Equal(resolvedAt + TimeSpan.FromSeconds(expectedSeconds), answer.ExpiresAt);
        clock.Advance(TimeSpan.FromSeconds(expectedSeconds) - TimeSpan.FromMilliseconds(1));
        Assert.Equal("host-a.test", harness.Resolver.NameOrNull(DnsmasqFixture.HostA));
        Assert.Equal(ReverseDnsRequestResult.Cached, harness.Resolver.Request(DnsmasqFixture.HostA));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(harness.Resolver.TryGetCached(DnsmasqFixture.HostA, out _));
        var again = await harness.ResolveAsync(DnsmasqFixture.HostA);

        Assert.Equal("host-a.test", again.Name);
        Assert.Equal(2, harness.Statistics.LookupsStarted);
    }

    [Fact]
    public async Task NegativeAnswer_CachedForNegativeTtl_ThenLookedUpAgain()
    {
        var clock = new FakeTimeProvider();
        var options = ResolverHarness.Options(dns.Server.Server);
        options.NegativeTtl = TimeSpan.FromSeconds(30);
        await using var harness = new ResolverHarness(options, clock);

        var answer = await harness.ResolveAsync(DnsmasqFixture.Unknown);
        clock.Advance(TimeSpan.FromSeconds(29));
        var beforeExpiry = harness.Resolver.Request(DnsmasqFixture.Unknown);
        clock.Advance(TimeSpan.FromSeconds(1));
        var expired = harness.Resolver.TryGetCached(DnsmasqFixture.Unknown, out _);
        var again = await harness.ResolveAsync(DnsmasqFixture.Unknown);

        Assert.Equal(ReverseDnsOutcome.NxDomain, answer.Outcome);
        Assert.Equal(ReverseDnsRequestResult.Cached, beforeExpiry);
        Assert.False(expired);
        Assert.Equal(ReverseDnsOutcome.NxDomain, again.Outcome);
        Assert.Equal((2L, 2L), (harness.Statistics.LookupsStarted, harness.Statistics.LookupsNxDomain));
    }

    [Fact]
    public async Task Name_RecordTtlIsTheServers()
    {
        var clock = new FakeTimeProvider();
        var options = ResolverHarness.Options(dns.Server.Server);
        options.PositiveTtlMin = TimeSpan.Zero;
        await using var harness = new ResolverHarness(options, clock);

        var answer = await harness.ResolveAsync(DnsmasqFixture.V6PtrOnly);

        Assert.Equal(clock.GetUtcNow() + RecordTtl, answer.ExpiresAt);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Flows;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Dns;

/// <summary>Timeouts, the in-flight limit, the queue bound and the rate limit, against real servers on 127.0.0.1.</summary>
[Collection(DnsmasqCollection.Name)]
public sealed class ReverseDnsLimitsTests(DnsmasqFixture dns)
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Request_ServerPortClosed_TimesOutWithinQueryTimeoutWithoutBlockingTheCaller()
    {
        var options = ResolverHarness.Options($"127.0.0.1:{ClosedUdpPort()}");
        options.QueryTimeout = ShortTimeout;
        await using var harness = new ResolverHarness(options);

        var watch = Stopwatch.StartNew();
        var result = harness.Resolver.Request(DnsmasqFixture.HostA);
        var requestTook = watch.Elapsed;
        var nameMeanwhile = harness.Resolver.NameOrNull(DnsmasqFixture.HostA);
        var answer = await harness.AnswerAsync(DnsmasqFixture.HostA);
        var answerTook = watch.Elapsed;

        Assert.Equal(ReverseDnsRequestResult.Queued, result);
        Assert.True(requestTook < TimeSpan.FromMilliseconds(100), $"Request took {requestTook.TotalMilliseconds} ms");
        Assert.Null(nameMeanwhile);
        Assert.Equal((null, ReverseDnsOutcome.Timeout), (answer.Name, answer.Outcome));
        Assert.InRange(answerTook, ShortTimeout * 0.8, ShortTimeout + TimeSpan.FromSeconds(2));
        Assert.Equal(1, harness.Statistics.LookupsTimedOut);
        Assert.Equal(ReverseDnsRequestResult.Cached, harness.Resolver.Request(DnsmasqFixture.HostA));
    }

    [Fact]
    public async Task Request_BurstOfTenThousandAddresses_InFlightNeverAboveLimitAndEveryRequestLookedUpOrCountedAsDropped()
    {
        const int Addresses = 10_000;
        var options = ResolverHarness.Options(dns.Server.Server);
        options.MaxInFlight = 4;
        options.MaxQueuedRequests = 256;
        options.MaxQueriesPerSecond = 1_000_000;
        await using var harness = new ResolverHarness(options);

        var watch = Stopwatch.StartNew();
        var results = Enumerable.Range(0, Addresses).Select(i => harness.Resolver.Request(BenchmarkAddress(i))).ToList();
        var requestsTook = watch.Elapsed;
        Assert.True(await harness.EventuallyAsync(s => s.Queued == 0 && s.InFlight == 0, TimeSpan.FromSeconds(15)), harness.Statistics.ToString());

        var statistics = harness.Statistics;
        Assert.All(results, r => Assert.Equal(ReverseDnsRequestResult.Queued, r));
        Assert.True(requestsTook < TimeSpan.FromSeconds(2), $"{Addresses} requests took {requestsTook.TotalMilliseconds} ms");
        Assert.InRange(statistics.PeakInFlight, 1, options.MaxInFlight);
        Assert.True(statistics.RequestsDropped > 0, statistics.ToString());
        Assert.Equal(Addresses, statistics.LookupsStarted + statistics.RequestsDropped);
        Assert.Equal(statistics.LookupsStarted, statistics.LookupsNxDomain);
    }

    [Fact]
    public async Task Request_SilentServer_InFlightFillsToLimitAndNoFurther()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var options = ResolverHarness.Options(silent.LocalEndPoint!.ToString()!);
        options.QueryTimeout = ShortTimeout;
        options.MaxInFlight = 4;
        options.MaxQueuedRequests = 8;
        options.MaxQueriesPerSecond = 1_000_000;
        await using var harness = new ResolverHarness(options);

        var results = Enumerable.Range(0, 1_000).Select(i => harness.Resolver.Request(BenchmarkAddress(i))).ToList();
        var filled = await harness.EventuallyAsync(s => s.InFlight == options.MaxInFlight, TimeSpan.FromSeconds(2));
        Assert.True(await harness.EventuallyAsync(s => s.Queued == 0 && s.InFlight == 0, TimeSpan.FromSeconds(10)), harness.Statistics.ToString());

        var statistics = harness.Statistics;
        Assert.True(filled, statistics.ToString());
        Assert.Equal(options.MaxInFlight, statistics.PeakInFlight);
        Assert.All(results, r => Assert.Equal(ReverseDnsRequestResult.Queued, r));
        Assert.Equal(1_000, statistics.LookupsStarted + statistics.RequestsDropped);

        // At least what the full queue held when the burst ended; plus whatever the worker had taken by then.
        Assert.True(statistics.LookupsStarted >= options.MaxQueuedRequests, statistics.ToString());
        Assert.Equal(statistics.LookupsStarted, statistics.LookupsTimedOut);
    }

    [Fact]
    public async Task Worker_RateLimit_StartsAtMostOneSecondsWorthPerSecondOfTheClock()
    {
        var clock = new FakeTimeProvider();
        var options = ResolverHarness.Options(dns.Server.Server);
        options.MaxQueriesPerSecond = 5;
        await using var harness = new ResolverHarness(options, clock);
        var startedAfterEachSecond = new List<long>();

        for (var i = 0; i < 20; i++)
        {
            harness.Resolver.Request(BenchmarkAddress(i));
        }

        for (var second = 0; second < 3; second++)
        {
            var expected = 5 * (second + 1);
            Assert.True(await harness.EventuallyAsync(s => s.LookupsStarted >= expected && s.InFlight == 0, TimeSpan.FromSeconds(5)), harness.Statistics.ToString());

            // The clock stands still, so nothing more may start however long the worker waits in real time.
            await Task.Delay(300);
            startedAfterEachSecond.Add(harness.Statistics.LookupsStarted);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([5L, 10L, 15L], startedAfterEachSecond);
        Assert.True(await harness.EventuallyAsync(s => s.LookupsStarted == 20 && s.InFlight == 0), harness.Statistics.ToString());
    }

    [Theory]
    [InlineData(2, ReverseDnsOutcome.ServerFailure)] // SERVFAIL
    [InlineData(5, ReverseDnsOutcome.ServerFailure)] // REFUSED
    [InlineData(4, ReverseDnsOutcome.Failed)] // NOTIMP
    public async Task Request_ServerAnswersWithError_CachedAsNegativeOfThatKind(int responseCode, ReverseDnsOutcome expected)
    {
        await using var server = new ErrorDnsServer((byte)responseCode);
        await using var harness = new ResolverHarness(ResolverHarness.Options(server.EndPoint.ToString()));

        var answer = await harness.ResolveAsync(DnsmasqFixture.HostA);

        Assert.Equal((null, expected), (answer.Name, answer.Outcome));
        Assert.Equal(ReverseDnsRequestResult.Cached, harness.Resolver.Request(DnsmasqFixture.HostA));
        var statistics = harness.Statistics;
        Assert.Equal(1, expected == ReverseDnsOutcome.ServerFailure ? statistics.LookupsServerFailure : statistics.LookupsFailedOther);
    }

    /// <summary>Distinct addresses in 198.18.0.0/15 (RFC 2544), none of them private; dnsmasq answers NXDOMAIN.</summary>
    private static FlowAddress BenchmarkAddress(int i) => FlowAddress.FromIPv4(0xC612_0000u + (uint)i);

    /// <summary>A UDP port on 127.0.0.1 with nothing listening (bound, read and released).</summary>
    private static int ClosedUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

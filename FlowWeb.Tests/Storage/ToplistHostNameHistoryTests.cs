using FlowWeb.Core.Dns;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;
using FlowWeb.Tests.Collection;
using FlowWeb.Tests.Dns;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Storage;

/// <summary>
/// Names stored with toplist history: a real collector fed over UDP, its periods handed to the history feed, a
/// resolver asking dnsmasq on loopback, and a real SQLite file read back through the query service and the CSV.
/// </summary>
[Collection(DnsmasqCollection.Name)]
public sealed class ToplistHostNameHistoryTests(DnsmasqFixture dns)
{
    [Fact]
    public async Task ClosedPeriod_NamesInCacheStored_MissingOnesQueuedForLater_ToplistSwitchOffStoresNone()
    {
        using var database = await TestDatabase.CreateAsync();
        using var writer = database.CreateWriter();
        await using var resolver = new ResolverHarness(ResolverHarness.Options(dns.Server.Server));
        using var collector = new CollectorHarness();

        // Known before the period closes: host-a.test and private-host.test. 192.0.2.20 has a name nobody asked for yet.
        await resolver.ResolveAsync(DnsmasqFixture.HostA);
        await resolver.ResolveAsync(DnsmasqFixture.PrivateHost);
        var port = CollectorHarness.FreeUdpPort();
        var sensor = await collector.AddSensorAsync(new SensorDefinition
        {
            Name = "names",
            Port = port,
            Toplists =
            [
                new() { Id = 2, Name = "Top Connections", Type = ToplistType.TopConnections },
                new() { Id = 6, Name = "Top IP", Type = ToplistType.TopIp, ReverseDns = false },
            ],
        });
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        CollectorHarness.Send("127.0.0.1", port, CollectorHarness.V5(
        [
            CollectorHarness.Flow("192.0.2.10", "10.1.2.3", 40000, 443, 6, 9000, 9, now),
            CollectorHarness.Flow("192.0.2.10", "192.0.2.20", 40001, 80, 6, 5000, 5, now),
        ]));
        var runtime = collector.Collector.Sensor(sensor.Id)!;
        await CollectorHarness.WaitUntilAsync(() => runtime.FlowsAccepted == 2, "the two flows");

        using var services = new ServiceCollection().AddSingleton(collector.Collector).AddSingleton(resolver.Resolver).BuildServiceProvider();
        var feed = new CollectorHistoryFeed(services, writer);
        await feed.StartAsync(CancellationToken.None);
        collector.Collector.DrainToHistory();
        await feed.StopAsync(CancellationToken.None);
        await writer.FlushAsync();

        var query = database.CreateQuery();
        var connections = await StoredAsync(query, sensor.Id, 2);
        Assert.Equal(
            [("192.0.2.10", "10.1.2.3", "host-a.test", "private-host.test"), ("192.0.2.10", "192.0.2.20", "host-a.test", null)],
            connections.Rows.Select(r => (r.Key.A.ToString(), r.Key.B.ToString(), r.HostName, r.HostNameB)));
        var topIp = await StoredAsync(query, sensor.Id, 6);
        Assert.Equal(3, topIp.Rows.Count);
        Assert.All(topIp.Rows, r => Assert.Null(r.HostName ?? r.HostNameB));

        // The feed queued the missing name, so the next period would have it.
        Assert.Equal("ptr-only.test", (await resolver.AnswerAsync(DnsmasqFixture.PtrOnly)).Name);

        using var csv = new StringWriter();
        await query.ExportToplistCsvAsync(csv, sensor.Id, 2, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var lines = csv.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",error_bytes,host_name_a,host_name_b,as_a,as_name_a,country_a,as_b,as_name_b,country_b", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(",192.0.2.10,10.1.2.3,40000,443,6,0,0,9000,9,1,0,host-a.test,private-host.test,,,,,,", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",192.0.2.10,192.0.2.20,40001,80,6,0,0,5000,5,1,0,host-a.test,,,,,,,", lines[2], StringComparison.Ordinal);
    }

    private static async Task<StoredToplist> StoredAsync(HistoryQueryService query, Guid sensor, int toplist)
    {
        var period = Assert.Single(await query.GetToplistPeriodsAsync(sensor, toplist, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)));
        return (await query.GetToplistPeriodAsync(period.Id))!;
    }
}

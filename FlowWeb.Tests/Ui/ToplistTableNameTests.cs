using Bunit;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Dns;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Ui;

/// <summary>
/// Host names in the toplist table, from a real resolver asking dnsmasq on loopback: the address first and the name
/// pushed when it arrives, a cached name at once, the filter box matching names, and the toplist's own switch.
/// </summary>
[Collection(DnsmasqCollection.Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit 2 disposes test classes through IAsyncLifetime; the resolver and MudBlazor's services dispose asynchronously only.")]
public sealed class ToplistTableNameTests(DnsmasqFixture dns) : IAsyncLifetime
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(8);
    private static readonly ToplistDefinition Connections = new() { Id = 2, Name = "Top Connections", Type = ToplistType.TopConnections };

    private ResolverHarness _resolver = default!;
    private UiContext _ui = default!;

    public Task InitializeAsync()
    {
        _resolver = new ResolverHarness(ResolverHarness.Options(dns.Server.Server));
        _ui = new UiContext(services => services.AddSingleton(_resolver.Resolver));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _ui.DisposeAsync();
        await _resolver.DisposeAsync();
    }

    [Fact]
    public async Task ToplistTable_NamesNotCached_AddressesFirstThenNamesPushedWithoutNewParameters()
    {
        // A server that takes three seconds to answer: the first render cannot have a name even on a busy machine,
        // where a first render of the table has been seen to take over a second.
        await using var relay = new DelayedDnsRelay(dns.Server.EndPoint, TimeSpan.FromSeconds(3));
        await using var slow = new ResolverHarness(new ReverseDnsOptions { Servers = { relay.EndPoint.ToString() }, QueryTimeout = TimeSpan.FromSeconds(5) });
        await using var ui = new UiContext(services => services.AddSingleton(slow.Resolver));
        var table = ui.Context.Render<ToplistTable>(p => p.Add(t => t.Definition, Connections).Add(t => t.Result, Period()));

        var first = table.FindAll("tr.toplist-row");
        Assert.Equal(["192.0.2.10", "40000", "10.1.2.3", "443", "TCP"], Cells(first[0]));
        Assert.Empty(table.FindAll(".toplist-host"));

        // No new parameters from here on: only the resolver's answers can bring the names.
        table.WaitForAssertion(() => Assert.Equal(["host-a.test", "private-host.test"], Names(table.FindAll("tr.toplist-row")[0])), Arrival);
        table.WaitForAssertion(() => Assert.Equal(["ptr-only.test"], Names(table.FindAll("tr.toplist-row")[1])), Arrival);
        Assert.Equal(ReverseDnsOutcome.NxDomain, (await slow.AnswerAsync(DnsmasqFixture.Unknown)).Outcome);
        Assert.Equal(ReverseDnsOutcome.NoPtr, (await slow.AnswerAsync(DnsmasqFixture.NoPtr)).Outcome);
        var rows = table.FindAll("tr.toplist-row");
        Assert.Equal(["192.0.2.10", "40000", "10.1.2.3", "443", "TCP"], Cells(rows[0]));
        Assert.Empty(Names(rows[2]));

        // Five distinct addresses, one lookup each: 192.0.2.99 is in two rows.
        Assert.Equal((5, 5), (slow.Statistics.LookupsStarted, relay.Queries));
    }

    [Fact]
    public async Task ToplistTable_NameAlreadyCached_ShownInTheFirstRender()
    {
        Assert.Equal("host-a.test", (await _resolver.ResolveAsync(DnsmasqFixture.HostA)).Name);

        var table = Render(Connections);

        Assert.Equal(["host-a.test"], Names(table.FindAll("tr.toplist-row")[0]));
    }

    [Fact]
    public void ToplistTable_FilterBox_MatchesHostNamesAsWellAsAddresses()
    {
        var table = Render(Connections);
        table.WaitForAssertion(() => Assert.Equal(3, table.FindAll(".toplist-host").Count), Arrival);

        table.Find("#toplist-filter-2").Input("ptr-only");
        table.WaitForAssertion(() => Assert.Equal(["3000"], Bytes(table)));

        table.Find("#toplist-filter-2").Input("PRIVATE-HOST.test");
        table.WaitForAssertion(() => Assert.Equal(["6000"], Bytes(table)));

        table.Find("#toplist-filter-2").Input("192.0.2.");
        table.WaitForAssertion(() => Assert.Equal(["6000", "3000", "1000"], Bytes(table)));

        table.Find("#toplist-filter-2").Input("nowhere.test");
        table.WaitForAssertion(() => Assert.Empty(Bytes(table)));
    }

    [Fact]
    public async Task ToplistTable_ToplistReverseDnsOff_NoNameShownEvenWhenCachedAndNothingQueued()
    {
        Assert.Equal("host-a.test", (await _resolver.ResolveAsync(DnsmasqFixture.HostA)).Name);

        var table = Render(Connections with { ReverseDns = false });

        Assert.Equal(["192.0.2.10", "40000", "10.1.2.3", "443", "TCP"], Cells(table.FindAll("tr.toplist-row")[0]));
        Assert.Empty(table.FindAll(".toplist-host"));
        Assert.Equal((1, 0), (_resolver.Statistics.LookupsStarted, _resolver.Statistics.Queued));
    }

    [Fact]
    public async Task ToplistTable_TopTalkers_BothHostsGetTheirNames()
    {
        await _resolver.ResolveAsync(DnsmasqFixture.HostA);
        await _resolver.ResolveAsync(DnsmasqFixture.PrivateHost);
        var talkers = new ToplistDefinition { Id = 1, Name = "Top Talkers", Type = ToplistType.TopTalkers };
        var period = new ToplistPeriodResult(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(15),
            [new(new ToplistKey(DnsmasqFixture.PrivateHost, DnsmasqFixture.HostA), 100, 1, 1, 0)], 100, 1, 1, false, 0, 1);

        var table = _ui.Context.Render<ToplistTable>(p => p.Add(t => t.Definition, talkers).Add(t => t.Result, period));

        var row = table.Find("tr.toplist-row");
        Assert.Equal(["10.1.2.3private-host.test", "192.0.2.10host-a.test"], [.. row.QuerySelectorAll("td.toplist-key").Select(c => string.Concat(c.TextContent.Split(default(char[]), StringSplitOptions.RemoveEmptyEntries)))]);
    }

    private IRenderedComponent<ToplistTable> Render(ToplistDefinition definition) =>
        _ui.Context.Render<ToplistTable>(p => p.Add(t => t.Definition, definition).Add(t => t.Result, Period()));

    private static ToplistPeriodResult Period()
    {
        static ToplistRow Row(FlowAddress source, ushort sourcePort, FlowAddress destination, ushort port, long bytes) =>
            new(new ToplistKey(source, destination, sourcePort, port, 6), bytes, 1, 1, 0);

        return new ToplistPeriodResult(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(15),
            [
                Row(DnsmasqFixture.HostA, 40000, DnsmasqFixture.PrivateHost, 443, 6000),
                Row(DnsmasqFixture.PtrOnly, 40001, DnsmasqFixture.Unknown, 80, 3000),
                Row(DnsmasqFixture.Unknown, 40002, DnsmasqFixture.NoPtr, 25, 1000),
            ],
            TotalBytes: 10_000, TotalPackets: 3, TotalFlows: 3, Approximate: false, ErrorBound: 0, DistinctKeys: 3);
    }

    /// <summary>The key cells' own text (the address), without the host name shown under it.</summary>
    private static string[] Cells(AngleSharp.Dom.IElement row) =>
        [.. row.QuerySelectorAll("td.toplist-key").Select(c => c.ChildNodes.Where(n => n.NodeType == AngleSharp.Dom.NodeType.Text).Select(n => n.TextContent).Aggregate("", string.Concat).Trim())];

    private static string[] Names(AngleSharp.Dom.IElement row) => [.. row.QuerySelectorAll(".toplist-host").Select(n => n.TextContent.Trim())];

    private static string[] Bytes(IRenderedComponent<ToplistTable> table) =>
        [.. table.FindAll("tr.toplist-row [data-bytes]").Select(b => b.GetAttribute("data-bytes")!)];
}

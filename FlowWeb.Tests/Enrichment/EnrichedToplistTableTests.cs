using Bunit;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Ui;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace FlowWeb.Tests.Enrichment;

/// <summary>The toplist table with databases written by <see cref="MmdbWriter"/>: AS and country under addresses, AS and country cells named, and the hint naming the key when a database is off.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit 2 disposes test classes through IAsyncLifetime; MudBlazor's services dispose asynchronously only.")]
public sealed class EnrichedToplistTableTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flowweb-enrich-ui-").FullName;
    private UiContext _ui = default!;

    public Task InitializeAsync()
    {
        TestDatabases.WriteAsn(Path.Combine(_dir, "asn.mmdb"));
        TestDatabases.WriteCountry(Path.Combine(_dir, "country.mmdb"));
        var enrichment = new IpEnrichment(
            Options.Create(new EnrichmentOptions { AsnDatabase = Path.Combine(_dir, "asn.mmdb"), CountryDatabase = Path.Combine(_dir, "country.mmdb") }),
            TimeProvider.System, NullLogger<IpEnrichment>.Instance);
        enrichment.Refresh();
        _ui = new UiContext(services => services.AddSingleton(enrichment));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _ui.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static ToplistPeriodResult Period(params ToplistKey[] keys) =>
        new(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(15), [.. keys.Select((k, i) => new ToplistRow(k, 1000 - i, 1, 1, 0))], 2000, 2, 2, false, 0, keys.Length);

    private static string[] Texts(IRenderedComponent<ToplistTable> table, string selector) => [.. table.FindAll(selector).Select(e => e.TextContent.Trim())];

    [Fact]
    public void TopConnections_OwnersUnderAddresses_NoneForPrivate()
    {
        var definition = new ToplistDefinition { Id = 2, Name = "Top Connections", Type = ToplistType.TopConnections, ReverseDns = false };
        var table = _ui.Context.Render<ToplistTable>(p => p.Add(t => t.Definition, definition)
            .Add(t => t.Result, Period(new ToplistKey(FlowAddress.Parse("8.8.8.8"), FlowAddress.Parse("192.168.88.10"), 443, 50000, 6))));

        Assert.Equal(["AS15169 GOOGLE, US"], Texts(table, ".toplist-owner"));
        Assert.Empty(table.FindAll(".toplist-database-hint"));
    }

    [Fact]
    public void AsAndCountryToplists_CellsWithNames()
    {
        var asList = new ToplistDefinition { Id = 7, Name = "Top Source AS", Type = ToplistType.TopSourceAs };
        var asTable = _ui.Context.Render<ToplistTable>(p => p.Add(t => t.Definition, asList)
            .Add(t => t.Result, Period(new ToplistKey(default, number1: 13335), new ToplistKey(default))));
        Assert.Equal(["AS13335CLOUDFLARENET", "Unknown"], [.. asTable.FindAll("td.toplist-key").Select(c => string.Concat(c.TextContent.Split(default(char[]), StringSplitOptions.RemoveEmptyEntries)))]);

        var countries = new ToplistDefinition { Id = 9, Name = "Top Countries", Type = ToplistType.TopCountries };
        var countryTable = _ui.Context.Render<ToplistTable>(p => p.Add(t => t.Definition, countries)
            .Add(t => t.Result, Period(new ToplistKey(default, number1: CountryCode.Pack("AU")))));
        Assert.Equal(["Australia"], Texts(countryTable, ".toplist-owner"));
    }

    [Fact]
    public void StoredPeriod_RecordedOwnersShownInsteadOfTodaysDatabase_UnrecordedLookedUp()
    {
        // Stored with the period: 8.8.8.8 belonged to another AS then (today's database says GOOGLE, US).
        var definition = new ToplistDefinition { Id = 2, Name = "Top Connections", Type = ToplistType.TopConnections, ReverseDns = false };
        var then = new ToplistKey(FlowAddress.Parse("8.8.8.8"), FlowAddress.Parse("192.168.88.10"), 443, 50000, 6);
        var unrecorded = new ToplistKey(FlowAddress.Parse("1.1.1.1"), FlowAddress.Parse("192.168.88.10"), 53, 50001, 17);
        var names = new Dictionary<ToplistKey, Core.Dns.HostNamePair>
        {
            [then] = new(null, null) { OwnersRecorded = true, OwnerA = new AddressOwner(64496, "OLD TRANSIT", "NL", "Netherlands") },
            [unrecorded] = new(null, null),
        };
        var table = _ui.Context.Render<ToplistTable>(p => p.Add(t => t.Definition, definition).Add(t => t.Result, Period(then, unrecorded)).Add(t => t.HostNames, names));

        Assert.Equal(["AS64496 OLD TRANSIT, NL", "AS13335 CLOUDFLARENET, AU"], Texts(table, ".toplist-owner"));

        var asList = new ToplistDefinition { Id = 7, Name = "Top Source AS", Type = ToplistType.TopSourceAs };
        var asKey = new ToplistKey(default, number1: 15169);
        var asTable = _ui.Context.Render<ToplistTable>(p => p.Add(t => t.Definition, asList).Add(t => t.Result, Period(asKey))
            .Add(t => t.HostNames, new Dictionary<ToplistKey, Core.Dns.HostNamePair> { [asKey] = new(null, null) { OwnersRecorded = true, OwnerA = new AddressOwner(15169, "GOOGLE-OLD", null, null) } }));
        Assert.Equal(["GOOGLE-OLD"], Texts(asTable, ".toplist-owner"));
    }

    [Fact]
    public async Task DatabaseOff_AsToplist_HintNamesTheKey()
    {
        await using var off = new UiContext();
        var asList = new ToplistDefinition { Id = 8, Name = "Top Destination AS", Type = ToplistType.TopDestinationAs };
        var table = off.Context.Render<ToplistTable>(p => p.Add(t => t.Definition, asList).Add(t => t.Result, Period(new ToplistKey(default))));

        Assert.Contains("set Enrichment:AsnDatabase", table.Find(".toplist-database-hint").TextContent, StringComparison.Ordinal);
        Assert.Equal(["Unknown"], Texts(table, "td.toplist-key"));
    }
}

using FlowWeb.Tests.Enrichment;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// The app in Chromium as <see cref="BrowserAppFixture"/> has it, with AS and country databases written by
/// <see cref="MmdbWriter"/> (<see cref="TestDatabases"/>: 8.8.8.0/24 AS15169 GOOGLE in the US, 1.1.1.0/24 AS13335
/// CLOUDFLARENET in Australia, 203.0.113.0/24 AS64500 in Germany). Its own app, so that the shared one's pages keep
/// showing addresses without owners.
/// </summary>
public sealed class EnrichmentAppFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flowweb-enrich-e2e-").FullName;

    public BrowserAppFixture Browser { get; } = new();

    public async Task InitializeAsync()
    {
        var asn = Path.Combine(_dir, "GeoLite2-ASN.mmdb");
        var country = Path.Combine(_dir, "GeoLite2-Country.mmdb");
        TestDatabases.WriteAsn(asn);
        TestDatabases.WriteCountry(country);
        Browser.App.Settings["Enrichment:AsnDatabase"] = asn;
        Browser.App.Settings["Enrichment:CountryDatabase"] = country;
        await Browser.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>Runs alone like the other browser tests, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnrichmentBrowserCollection : ICollectionFixture<EnrichmentAppFixture>
{
    public const string Name = "browser with AS and country databases";
}

using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace FlowWeb.Tests.Enrichment;

/// <summary>
/// The databases as MaxMind's reader reads them (files written by <see cref="MmdbWriter"/>), flattened into
/// FlowWeb's range tables: each free layout, IPv4 and IPv6, and what a missing, bad or changed file does.
/// </summary>
public sealed class IpEnrichmentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flowweb-enrich-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static IpEnrichment Enrichment(string? asn, string? country) =>
        new(Options.Create(new EnrichmentOptions { AsnDatabase = asn, CountryDatabase = country }), TimeProvider.System, NullLogger<IpEnrichment>.Instance);

    private static uint Country(string code) => CountryCode.Pack(code);

    [Fact]
    public void GeoLiteLayouts_Loaded_AsAndCountryOfIPv4AndIPv6()
    {
        TestDatabases.WriteAsn(PathOf("asn.mmdb"));
        TestDatabases.WriteCountry(PathOf("country.mmdb"));
        var e = Enrichment(PathOf("asn.mmdb"), PathOf("country.mmdb"));
        e.Refresh();

        Assert.Null(e.Asn.Error);
        Assert.Null(e.Country.Error);
        Assert.Equal(15169u, e.AsOf(FlowAddress.Parse("8.8.8.8")));
        Assert.Equal(15169u, e.AsOf(FlowAddress.Parse("8.8.8.0")));
        Assert.Equal(15169u, e.AsOf(FlowAddress.Parse("8.8.8.255")));
        Assert.Equal(0u, e.AsOf(FlowAddress.Parse("8.8.9.0")));
        Assert.Equal(13335u, e.AsOf(FlowAddress.Parse("1.1.1.1")));
        Assert.Equal(15169u, e.AsOf(FlowAddress.Parse("2001:4860:4860::8888")));
        Assert.Equal(0u, e.AsOf(FlowAddress.Parse("2001:4861::1")));
        Assert.Equal(0u, e.AsOf(FlowAddress.Parse("192.168.88.10")));
        Assert.Equal("GOOGLE", e.AsName(15169));
        Assert.Equal("CLOUDFLARENET", e.AsName(13335));
        Assert.Null(e.AsName(64999));

        Assert.Equal(Country("US"), e.CountryOf(FlowAddress.Parse("8.8.8.4")));
        Assert.Equal(Country("AU"), e.CountryOf(FlowAddress.Parse("1.1.1.1")));
        Assert.Equal(Country("US"), e.CountryOf(FlowAddress.Parse("2001:4860::1")));
        Assert.Equal(0u, e.CountryOf(FlowAddress.Parse("10.0.0.1")));
        Assert.Equal("Australia", e.CountryName(Country("AU")));
        Assert.Equal("US", CountryCode.Unpack(e.CountryOf(FlowAddress.Parse("8.8.8.8"))));
        Assert.Contains("GeoLite2-ASN", e.Asn.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void RecordAs_NonZero_WinsOverDatabase()
    {
        TestDatabases.WriteAsn(PathOf("asn.mmdb"));
        var e = Enrichment(PathOf("asn.mmdb"), null);
        e.Refresh();

        Assert.Equal(64512u, e.AsOf(64512, FlowAddress.Parse("8.8.8.8")));
        Assert.Equal(15169u, e.AsOf(0, FlowAddress.Parse("8.8.8.8")));
    }

    [Fact]
    public void IpinfoLiteLayout_OneFile_GivesAsAndCountry()
    {
        new MmdbWriter("ipinfo_lite.mmdb")
            .Add("1.1.1.0/24", TestDatabases.IpinfoLite("AS13335", "Cloudflare, Inc.", "AU", "Australia"))
            .Add("2606:4700::/32", TestDatabases.IpinfoLite("AS13335", "Cloudflare, Inc.", "US", "United States"))
            .Save(PathOf("ipinfo.mmdb"));
        var e = Enrichment(PathOf("ipinfo.mmdb"), PathOf("ipinfo.mmdb"));
        e.Refresh();

        Assert.Equal(13335u, e.AsOf(FlowAddress.Parse("1.1.1.1")));
        Assert.Equal("Cloudflare, Inc.", e.AsName(13335));
        Assert.Equal(Country("AU"), e.CountryOf(FlowAddress.Parse("1.1.1.1")));
        Assert.Equal(Country("US"), e.CountryOf(FlowAddress.Parse("2606:4700::6810:84e5")));
        Assert.Equal("United States", e.CountryName(Country("US")));
    }

    [Fact]
    public void IPv4OnlyTree_AndRegisteredCountryOnly_AreRead()
    {
        new MmdbWriter("DBIP-Country-Lite", ipVersion: 4)
            .Add("198.51.100.0/24", TestDatabases.GeoLiteCountry("NL", "Netherlands"))
            .Add("192.0.2.128/25", new Dictionary<string, object>
            {
                ["registered_country"] = new Dictionary<string, object> { ["iso_code"] = "SE" },
            })
            .Save(PathOf("v4.mmdb"));
        var e = Enrichment(null, PathOf("v4.mmdb"));
        e.Refresh();

        Assert.Null(e.Country.Error);
        Assert.Equal(Country("NL"), e.CountryOf(FlowAddress.Parse("198.51.100.77")));
        Assert.Equal(Country("SE"), e.CountryOf(FlowAddress.Parse("192.0.2.200")));
        Assert.Equal(0u, e.CountryOf(FlowAddress.Parse("192.0.2.1")));
    }

    [Fact]
    public void NotConfigured_IsOff_WithHintNamingTheKey()
    {
        var e = Enrichment(null, "  ");
        e.Refresh();

        Assert.True(e.Asn.IsOff);
        Assert.True(e.Country.IsOff);
        Assert.Contains("Enrichment:AsnDatabase", e.Asn.Describe(), StringComparison.Ordinal);
        Assert.Contains("Enrichment:CountryDatabase", e.Country.Describe(), StringComparison.Ordinal);
        Assert.Equal(0u, e.AsOf(FlowAddress.Parse("8.8.8.8")));
    }

    [Fact]
    public void MissingOrBadFile_ErrorNamesTheKey_NeverThrows()
    {
        File.WriteAllText(PathOf("garbage.mmdb"), "this is not a MaxMind database\n");
        var e = Enrichment(PathOf("absent.mmdb"), PathOf("garbage.mmdb"));
        e.Refresh();

        Assert.StartsWith("Enrichment:AsnDatabase:", e.Asn.Error, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Asn.Error, StringComparison.Ordinal);
        Assert.StartsWith("Enrichment:CountryDatabase:", e.Country.Error, StringComparison.Ordinal);
        Assert.Contains("not a usable MaxMind database", e.Country.Error, StringComparison.Ordinal);
        Assert.Equal(0u, e.CountryOf(FlowAddress.Parse("8.8.8.8")));
    }

    [Fact]
    public void WrongKindOfDatabase_ErrorSaysWhatIsMissing()
    {
        TestDatabases.WriteCountry(PathOf("country.mmdb"));
        var e = Enrichment(PathOf("country.mmdb"), null);
        e.Refresh();

        Assert.Contains("no network has an AS number", e.Asn.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangedFile_Refresh_SwapsInNewTables_AndBadReplacementKeepsLastGood()
    {
        var path = PathOf("asn.mmdb");
        TestDatabases.WriteAsn(path);
        var e = Enrichment(path, null);
        e.Refresh();
        Assert.Equal(64500u, e.AsOf(FlowAddress.Parse("203.0.113.9")));

        TestDatabases.WriteAsn(path, documentationAs: 64501, documentationName: "Renumbered Transit");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        e.Refresh();
        Assert.Equal(64501u, e.AsOf(FlowAddress.Parse("203.0.113.9")));
        Assert.Equal("Renumbered Transit", e.AsName(64501));

        File.WriteAllBytes(path, new byte[100]);
        e.Refresh();
        Assert.Contains("still using the copy loaded", e.Asn.Error, StringComparison.Ordinal);
        Assert.Equal(64501u, e.AsOf(FlowAddress.Parse("203.0.113.9")));
    }

    [Fact]
    public void CountryCode_PacksTwoLettersOnly()
    {
        Assert.Equal(('U' << 8) | 'S', (int)CountryCode.Pack("us"));
        Assert.Equal(0u, CountryCode.Pack("USA"));
        Assert.Equal(0u, CountryCode.Pack("1A"));
        Assert.Equal("DE", CountryCode.Unpack(CountryCode.Pack("DE")));
        Assert.Null(CountryCode.Unpack(0));
    }
}

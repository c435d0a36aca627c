using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace FlowWeb.Tests.Enrichment;

/// <summary>The AS and country toplists and filter fields over databases written by <see cref="MmdbWriter"/>.</summary>
public sealed class EnrichedToplistAndFilterTests : IDisposable
{
    private static readonly long Start = 1_700_000_100L - (1_700_000_100L % 900);
    private readonly string _dir = Directory.CreateTempSubdirectory("flowweb-enrich-").FullName;
    private readonly IpEnrichment _enrichment;

    public EnrichedToplistAndFilterTests()
    {
        TestDatabases.WriteAsn(Path.Combine(_dir, "asn.mmdb"));
        TestDatabases.WriteCountry(Path.Combine(_dir, "country.mmdb"));
        _enrichment = new IpEnrichment(
            Options.Create(new EnrichmentOptions { AsnDatabase = Path.Combine(_dir, "asn.mmdb"), CountryDatabase = Path.Combine(_dir, "country.mmdb") }),
            TimeProvider.System, NullLogger<IpEnrichment>.Instance);
        _enrichment.Refresh();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static FlowRecord Flow(string source, string destination, uint srcAs = 0, uint dstAs = 0) => new()
    {
        SrcAddr = FlowAddress.Parse(source), DstAddr = FlowAddress.Parse(destination), Protocol = 6, SrcAs = srcAs, DstAs = dstAs,
    };

    private static readonly ToplistDefinition SourceAs = new() { Id = 7, Name = "Top Source AS", Type = ToplistType.TopSourceAs, Count = 10 };
    private static readonly ToplistDefinition DestinationAs = new() { Id = 8, Name = "Top Destination AS", Type = ToplistType.TopDestinationAs, Count = 10 };
    private static readonly ToplistDefinition Countries = new() { Id = 9, Name = "Top Countries", Type = ToplistType.TopCountries, Count = 10 };

    private static Dictionary<uint, long> Bytes(ToplistPeriodResult result) => result.Rows.ToDictionary(r => r.Key.Number1, r => r.Bytes);

    [Fact]
    public void AsAndCountryToplists_CountByDatabaseAndRecord()
    {
        var set = new ToplistSet([SourceAs, DestinationAs, Countries], capacity: 1000, Start, _enrichment);
        set.Add(Flow("8.8.8.8", "192.168.88.10"), 1000, 1);              // Google (US) to a local host
        set.Add(Flow("1.1.1.1", "192.168.88.10"), 300, 1);               // Cloudflare (AU)
        set.Add(Flow("192.168.88.10", "203.0.113.5"), 200, 1);           // local to AS 64500 (DE)
        set.Add(Flow("8.8.8.8", "1.1.1.1", srcAs: 64512), 50, 1);        // the router's BGP AS wins; US and AU both count
        set.Add(Flow("10.0.0.1", "10.0.0.2"), 7, 1);                     // no country on either side: Unknown

        var sources = Bytes(set.Snapshot(SourceAs.Id, 10)!);
        Assert.Equal(new Dictionary<uint, long> { [15169] = 1000, [13335] = 300, [0] = 207, [64512] = 50 }, sources);
        var destinations = Bytes(set.Snapshot(DestinationAs.Id, 10)!);
        Assert.Equal(new Dictionary<uint, long> { [0] = 1307, [64500] = 200, [13335] = 50 }, destinations);
        var countries = set.Snapshot(Countries.Id, 10)!;
        Assert.Equal(new Dictionary<uint, long>
        {
            [CountryCode.Pack("US")] = 1050, [CountryCode.Pack("AU")] = 350, [CountryCode.Pack("DE")] = 200, [0] = 7,
        }, Bytes(countries));
        Assert.Equal(1557, countries.TotalBytes);
        Assert.False(countries.Approximate);

        var keys = new ToplistKeys(ToplistType.TopCountries, [], _enrichment);
        Assert.Equal(["Country"], keys.Columns);
        Assert.Equal(["US"], keys.Format(countries.Rows[0].Key));
        Assert.Equal(["AS15169"], new ToplistKeys(ToplistType.TopSourceAs, []).Format(new ToplistKey(default, number1: 15169)));
        Assert.Equal(["Unknown"], new ToplistKeys(ToplistType.TopSourceAs, []).Format(default));
    }

    [Fact]
    public void ToplistKeys_KeysOf_MatchTheTables()
    {
        var keys = new ToplistKeys(ToplistType.TopCountries, [], _enrichment);
        Span<ToplistKey> two = stackalloc ToplistKey[2];
        Assert.Equal(2, keys.KeysOf(Flow("8.8.8.8", "1.1.1.1"), two));
        Assert.Equal((CountryCode.Pack("US"), CountryCode.Pack("AU")), (two[0].Number1, two[1].Number1));
        Assert.Equal(1, keys.KeysOf(Flow("8.8.8.8", "2001:4860::1"), two));
        Assert.Equal(1, new ToplistKeys(ToplistType.TopDestinationAs, [], _enrichment).KeysOf(Flow("10.1.1.1", "2001:4860::1"), two));
        Assert.Equal(15169u, two[0].Number1);
    }

    [Theory]
    [InlineData("SourceAS[15169]", "8.8.8.8", "10.0.0.1", true)]
    [InlineData("SourceAS[15169]", "10.0.0.1", "8.8.8.8", false)]
    [InlineData("DestinationAS[13335,64500]", "10.0.0.1", "203.0.113.1", true)]
    [InlineData("AS[13335]", "10.0.0.1", "1.1.1.1", true)]
    [InlineData("Country[US]", "10.0.0.1", "2001:4860::8888", true)]
    [InlineData("Country[de]", "203.0.113.1", "10.0.0.1", true)]
    [InlineData("SourceCountry[AU]", "10.0.0.1", "1.1.1.1", false)]
    [InlineData("DestinationCountry[AU]", "10.0.0.1", "1.1.1.1", true)]
    [InlineData("not Country[US,AU,DE]", "10.0.0.1", "10.0.0.2", true)]
    public void EnrichedFilterFields_MatchByDatabase(string rule, string source, string destination, bool expected)
    {
        var parsed = FilterRule.Parse(rule);
        Assert.True(parsed.Success, string.Join("; ", parsed.Errors.Select(e => e.Message)));
        Assert.Equal(expected, parsed.Rule!.Matches(Flow(source, destination), default, _enrichment));
    }

    [Fact]
    public void SourceAS_ExporterValue_WinsAndIsKnownWithoutDatabase()
    {
        var rule = FilterRule.Parse("SourceAS[64512]").Rule!;
        Assert.True(rule.Matches(Flow("8.8.8.8", "10.0.0.1", srcAs: 64512), default));
        Assert.False(rule.Matches(Flow("8.8.8.8", "10.0.0.1"), default, _enrichment));
        Assert.False(FilterRule.Parse("Country[US]").Rule!.Matches(Flow("8.8.8.8", "10.0.0.1"), default));
    }

    [Fact]
    public void CountryFilter_BadCode_NamesTheFieldAndExample()
    {
        var parsed = FilterRule.Parse("Country[USA]");
        Assert.False(parsed.Success);
        Assert.Contains("'USA' is not a country code for Country (expected two letters such as US", Assert.Single(parsed.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnrichedFields_CostIncludesTheLookup_SoLongChainsHitTheBudget()
    {
        var one = FilterRule.Parse("SourceAS[1]").Rule!;
        var plain = FilterRule.Parse("SourceASI[1]").Rule!;
        Assert.Equal(plain.Cost + FilterCompiler.LookupCost, one.Cost);
        Assert.Equal(2 * (plain.Cost + FilterCompiler.LookupCost), FilterRule.Parse("Country[US]").Rule!.Cost);

        var chain = string.Join(" and ", Enumerable.Range(1, 60).Select(i => $"(SourceAS[{i}] or Country[US])"));
        var limited = FilterRule.Parse(chain, new FilterLimits(100_000, 1000));
        Assert.False(limited.Success);
        Assert.Contains("Limits:MaxFilterCost", Assert.Single(limited.Errors).Message, StringComparison.Ordinal);
    }
}

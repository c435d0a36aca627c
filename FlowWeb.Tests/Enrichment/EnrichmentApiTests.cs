using System.Net;
using FlowWeb.Api;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Storage.History;
using Microsoft.Extensions.DependencyInjection;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Xunit;

namespace FlowWeb.Tests.Enrichment;

/// <summary>
/// Real datagrams over UDP on 127.0.0.1 to sensors created through the API, with AS and country databases written
/// by <see cref="MmdbWriter"/>: the three new toplists, AS and country beside addresses, the filter fields, the
/// exporter's own AS numbers (NetFlow v5 carries them), a reload when a file changes, and a bad file.
/// </summary>
public sealed class EnrichmentApiTests : IDisposable
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(15);
    private readonly string _dir = Directory.CreateTempSubdirectory("flowweb-enrich-api-").FullName;
    private readonly FlowWebFactory _factory = new();

    public EnrichmentApiTests()
    {
        TestDatabases.WriteAsn(AsnPath);
        TestDatabases.WriteCountry(CountryPath);
        _factory.Settings["Enrichment:AsnDatabase"] = AsnPath;
        _factory.Settings["Enrichment:CountryDatabase"] = CountryPath;
        _factory.Settings["Enrichment:CheckSeconds"] = "1";
    }

    private string AsnPath => Path.Combine(_dir, "GeoLite2-ASN.mmdb");

    private string CountryPath => Path.Combine(_dir, "GeoLite2-Country.mmdb");

    public void Dispose()
    {
        _factory.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static readonly ToplistSettings[] Lists =
    [
        new() { Id = 1, Name = "Top Connections", Type = ToplistType.TopConnections, ReverseDns = false },
        new() { Id = 2, Name = "Top Source AS", Type = ToplistType.TopSourceAs },
        new() { Id = 3, Name = "Top Destination AS", Type = ToplistType.TopDestinationAs },
        new() { Id = 4, Name = "Top Countries", Type = ToplistType.TopCountries },
    ];

    private static FlowRecord[] Traffic(RouterOsSender s) =>
    [
        s.Flow("8.8.8.8", 443, "192.168.88.10", 50_000, 6, 400_000, 300),      // Google, US
        s.Flow("192.168.88.10", 50_001, "1.1.1.1", 53, 17, 1_000, 10),         // Cloudflare, AU
        s.Flow("192.168.88.11", 50_002, "203.0.113.7", 22, 6, 30_000, 50),     // AS 64500, DE
        s.Flow("192.168.88.12", 50_003, "192.168.88.1", 53, 17, 500, 5),       // local only: Unknown
    ];

    [Fact]
    public async Task Toplists_OverUdp_CountByAsAndCountry_WithOwnersBesideAddresses()
    {
        using var client = _factory.CreateClient();
        await LoadedAsync(client);
        var port = LoopbackPorts.FreeUdp();
        var sensor = await CreateSensorAsync(client, port, Lists);
        using var sender = new RouterOsSender(port, DateTimeOffset.UtcNow);
        await sender.SendAsync(Traffic(sender));

        var sources = await CountedAsync(client, sensor.Id, 2, flows: 4);
        Assert.Equal([("AS15169 GOOGLE", 400_000L), ("Unknown", 31_500L)], sources.Rows.Select(r => (r.Label, r.Bytes)));
        Assert.Equal((15169L, "GOOGLE"), (sources.Rows[0].SourceAs, sources.Rows[0].SourceAsName));

        var destinations = await client.GetAsync<ToplistResponse>($"/api/sensors/{sensor.Id}/toplists/3");
        Assert.Equal([("Unknown", 400_500L), ("AS64500 Example Transit", 30_000L), ("AS13335 CLOUDFLARENET", 1_000L)],
            destinations.Rows.Select(r => (r.Label, r.Bytes)));

        var countries = await client.GetAsync<ToplistResponse>($"/api/sensors/{sensor.Id}/toplists/4");
        Assert.Equal([("US", "United States", 400_000L), ("DE", "Germany", 30_000L), ("AU", "Australia", 1_000L), ("Unknown", null, 500L)],
            countries.Rows.Select(r => (r.Country!, r.CountryName, r.Bytes)));
        Assert.Equal(431_500, countries.TotalBytes);

        var connections = await client.GetAsync<ToplistResponse>($"/api/sensors/{sensor.Id}/toplists/1");
        var google = connections.Rows[0];
        Assert.Equal(("8.8.8.8", 15169L, "GOOGLE", "US", "United States"),
            (google.SourceAddress, google.SourceOwner!.As, google.SourceOwner.AsName, google.SourceOwner.Country, google.SourceOwner.CountryName));
        Assert.Null(google.DestinationOwner);
        Assert.Null(connections.Rows.Single(r => r.DestinationAddress == "192.168.88.1").SourceOwner);
    }

    [Fact]
    public async Task IncludeFilter_AsAndCountryFields_KeepOnlyMatchingFlows()
    {
        using var client = _factory.CreateClient();
        await LoadedAsync(client);
        var port = LoopbackPorts.FreeUdp();
        var sensor = await CreateSensorAsync(client, port, Lists, include: "DestinationAS[13335] or Country[DE]");
        using var sender = new RouterOsSender(port, DateTimeOffset.UtcNow);
        await sender.SendAsync(Traffic(sender));

        var countries = await CountedAsync(client, sensor.Id, 4, flows: 2);
        Assert.Equal([("DE", 30_000L), ("AU", 1_000L)], countries.Rows.Select(r => (r.Country!, r.Bytes)));
        var live = await Poll.UntilAsync(() => client.GetAsync<SensorLiveResponse>($"/api/sensors/{sensor.Id}/live"),
            l => l.FlowsAccepted == 2 && l.FlowsFiltered == 2, Arrival, l => $"accepted {l.FlowsAccepted}, filtered {l.FlowsFiltered}");
        Assert.Equal(31_000, live.Bytes);

        using var bad = await client.PostJsonAsync("/api/sensors", new SensorRequest { Name = "Bad", Port = LoopbackPorts.FreeUdp(), IncludeFilter = "Country[Germany]" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not a country code for Country", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExporterAs_NetFlowV5_WinsOverDatabase()
    {
        using var client = _factory.CreateClient();
        await LoadedAsync(client);
        var port = LoopbackPorts.FreeUdp();
        var sensor = await CreateSensorAsync(client, port, Lists);
        using var sender = new RouterOsSender(port, DateTimeOffset.UtcNow, netFlowV5: true);
        var bgp = sender.Flow("8.8.8.8", 443, "203.0.113.7", 50_000, 6, 9_000, 9);
        bgp.SrcAs = 64_512;
        bgp.DstAs = 0;
        await sender.SendAsync([bgp]);

        var sources = await CountedAsync(client, sensor.Id, 2, flows: 1);
        Assert.Equal(64_512L, Assert.Single(sources.Rows).SourceAs);
        var destinations = await client.GetAsync<ToplistResponse>($"/api/sensors/{sensor.Id}/toplists/3");
        Assert.Equal(64_500L, Assert.Single(destinations.Rows).DestinationAs);
    }

    [Fact]
    public async Task ChangedFile_Reloaded_NewAsCountsFromThen_AndBadFileKeepsLastGood()
    {
        using var client = _factory.CreateClient();
        var first = await LoadedAsync(client);
        var port = LoopbackPorts.FreeUdp();
        var sensor = await CreateSensorAsync(client, port, Lists);

        TestDatabases.WriteAsn(AsnPath, documentationAs: 64501, documentationName: "Renumbered Transit");
        File.SetLastWriteTimeUtc(AsnPath, DateTime.UtcNow.AddMinutes(1));
        await Poll.UntilAsync(() => client.GetAsync<EnrichmentResponse>("/api/enrichment"),
            e => e.Asn.LoadedAt > first.Asn.LoadedAt, Arrival, e => $"ASN database loaded at {e.Asn.LoadedAt}, first load {first.Asn.LoadedAt}");

        using var sender = new RouterOsSender(port, DateTimeOffset.UtcNow);
        await sender.SendAsync([sender.Flow("192.168.88.11", 50_002, "203.0.113.7", 22, 6, 30_000, 50)]);
        var destinations = await CountedAsync(client, sensor.Id, 3, flows: 1);
        Assert.Equal(("AS64501 Renumbered Transit", 64_501L), (destinations.Rows[0].Label, destinations.Rows[0].DestinationAs));

        await File.WriteAllTextAsync(AsnPath, "not a database");
        var failed = await Poll.UntilAsync(() => client.GetAsync<EnrichmentResponse>("/api/enrichment"),
            e => e.Asn.Error is not null, Arrival, e => "no error after a bad file");
        Assert.StartsWith("Enrichment:AsnDatabase: ", failed.Asn.Error, StringComparison.Ordinal);
        Assert.Contains("still using the copy loaded", failed.Asn.Error, StringComparison.Ordinal);
        Assert.True(failed.Asn.Loaded);
        Assert.Contains(_factory.Logs.Events, e => e.Message.Contains("Enrichment:AsnDatabase could not be loaded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StoredPeriods_KeepTheAsNameAndCountryOfTheirTime_AfterTheDatabasesChange()
    {
        using var client = _factory.CreateClient();
        var first = await LoadedAsync(client);
        var sensor = await CreateSensorAsync(client, LoopbackPorts.FreeUdp(), Lists);
        var definition = (await _factory.Services.GetRequiredService<SensorService>().GetSensorAsync(sensor.Id))!;
        var enrichment = _factory.Services.GetRequiredService<IpEnrichment>();
        var writer = _factory.Services.GetRequiredService<HistoryWriter>();
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds() / 900 * 900);
        var ssh = new ToplistKey(FlowAddress.Parse("192.168.88.11"), FlowAddress.Parse("203.0.113.7"), 50_002, 22, 6);
        var keys = new Dictionary<int, ToplistKey> { [1] = ssh, [3] = new(default, number1: 64500), [4] = new(default, number1: CountryCode.Pack("DE")) };

        // The collector's feed stores a closing period with its owners as the databases say now (CollectorHistoryFeed → WithOwners).
        foreach (var (id, key) in keys)
        {
            var period = new ToplistPeriodResult(start, start.AddMinutes(15), [new ToplistRow(key, 30_000, 50, 1, 0)], 30_000, 50, 1, false, 0, 1);
            var toplist = definition.Toplists.Single(t => t.Id == id);
            Assert.True(writer.TryWriteToplist(sensor.Id, id, period, enrichment.WithOwners(toplist, period.Rows, names: null)));
        }

        // A period stored without owners (before this version, or with no database loaded) is looked up when read.
        var later = start.AddMinutes(15);
        Assert.True(writer.TryWriteToplist(sensor.Id, 1, new ToplistPeriodResult(later, later.AddMinutes(15), [new ToplistRow(ssh, 1_000, 1, 1, 0)], 1_000, 1, 1, false, 0, 1)));
        await writer.FlushAsync();

        // The address space changes hands: the same AS gets a new name, the range a new country.
        TestDatabases.WriteAsn(AsnPath, documentationAs: 64500, documentationName: "Renamed Transit");
        TestDatabases.WriteCountry(CountryPath, documentationCountry: "FR", documentationName: "France");
        File.SetLastWriteTimeUtc(AsnPath, DateTime.UtcNow.AddMinutes(1));
        File.SetLastWriteTimeUtc(CountryPath, DateTime.UtcNow.AddMinutes(1));
        await Poll.UntilAsync(() => client.GetAsync<EnrichmentResponse>("/api/enrichment"),
            e => e.Asn.LoadedAt > first.Asn.LoadedAt && e.Country.LoadedAt > first.Country.LoadedAt, Arrival, e => "the changed databases are not loaded yet");

        var range = $"from={start.ToUnixTimeSeconds()}&to={start.AddMinutes(15).ToUnixTimeSeconds()}";
        var connection = Assert.Single((await client.GetAsync<StoredToplistResponse>($"/api/sensors/{sensor.Id}/history/toplists/1/merged?{range}")).Rows);
        Assert.Equal((64500L, "Example Transit", "DE", "Germany"),
            (connection.DestinationOwner!.As, connection.DestinationOwner.AsName, connection.DestinationOwner.Country, connection.DestinationOwner.CountryName));
        Assert.Null(connection.SourceOwner);
        var asRow = Assert.Single((await client.GetAsync<StoredToplistResponse>($"/api/sensors/{sensor.Id}/history/toplists/3/merged?{range}")).Rows);
        Assert.Equal(("AS64500 Example Transit", "Example Transit"), (asRow.Label, asRow.DestinationAsName));
        var countryRow = Assert.Single((await client.GetAsync<StoredToplistResponse>($"/api/sensors/{sensor.Id}/history/toplists/4/merged?{range}")).Rows);
        Assert.Equal(("DE Germany", "Germany"), (countryRow.Label, countryRow.CountryName));

        var csv = await client.GetStringAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/history/toplists/1/periods.csv?{range}"));
        Assert.EndsWith(",as_a,as_name_a,country_a,as_b,as_name_b,country_b", csv.Split("\r\n")[0], StringComparison.Ordinal);
        Assert.EndsWith(",,,,64500,Example Transit,DE", csv.Split("\r\n")[1], StringComparison.Ordinal);

        // Today's databases answer for the period stored without owners.
        var unrecorded = $"from={later.ToUnixTimeSeconds()}&to={later.AddMinutes(15).ToUnixTimeSeconds()}";
        var now = Assert.Single((await client.GetAsync<StoredToplistResponse>($"/api/sensors/{sensor.Id}/history/toplists/1/merged?{unrecorded}")).Rows);
        Assert.Equal(("Renamed Transit", "FR"), (now.DestinationOwner!.AsName, now.DestinationOwner.Country));
    }

    private static async Task<EnrichmentResponse> LoadedAsync(HttpClient client) =>
        await Poll.UntilAsync(() => client.GetAsync<EnrichmentResponse>("/api/enrichment"),
            e => e.Asn.Loaded && e.Country.Loaded, Arrival, e => $"{e.Asn.Message} / {e.Country.Message}");

    private static async Task<SensorResponse> CreateSensorAsync(HttpClient client, int port, IReadOnlyList<ToplistSettings> toplists, string? include = null)
    {
        using var response = await client.PostJsonAsync("/api/sensors", new SensorRequest
        {
            Name = "Enriched router " + port, Port = port, SenderIp = "127.0.0.1", ActiveFlowTimeoutMinutes = 0, Toplists = toplists, IncludeFilter = include,
        });
        return await response.ReadAsync<SensorResponse>(HttpStatusCode.Created);
    }

    private static Task<ToplistResponse> CountedAsync(HttpClient client, Guid sensor, int toplist, int flows) =>
        Poll.UntilAsync(() => client.GetAsync<ToplistResponse>($"/api/sensors/{sensor}/toplists/{toplist}"),
            t => t.TotalFlows == flows, Arrival, t => $"the toplist has {t.TotalFlows} of {flows} flows");
}

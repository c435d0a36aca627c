using System.Globalization;
using System.Net;
using FlowWeb.Api;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;

namespace FlowWeb.Tests.Api;

/// <summary>
/// <c>Limits</c> enforced where sensors and devices come in: the API (400 naming the field and the setting),
/// configuration (start-up refused naming the key and the setting), and the options themselves.
/// </summary>
public sealed class LimitsApiTests : IDisposable
{
    private readonly FlowWebFactory _factory = new();

    [Fact]
    public async Task CreateSensor_TenThousandTagsLongNameCostlyFilter_400NamingEachFieldAndLimitAndSavesNothing()
    {
        using var client = _factory.CreateClient();
        var request = new SensorRequest
        {
            Name = new string('n', 129),
            Port = _factory.UdpPort,
            Tags = [.. Enumerable.Range(0, 10_000).Select(i => "tag" + i.ToString(CultureInfo.InvariantCulture))],
            IncludeFilter = string.Join(" and ", Enumerable.Range(1, 600).Select(i => $"Port[{i}-65535]")),
            ExcludeFilter = "IP[" + string.Join(',', Enumerable.Range(0, 8000).Select(i => $"10.0.{i >> 8}.{i & 255}")) + "]",
        };

        using var response = await client.PostJsonAsync("/api/sensors", request);

        var problem = await response.ValidationProblemAsync();
        Assert.Equal(["excludeFilter", "includeFilter", "name", "tags"], problem.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("129 characters, at most 128 (Limits:MaxNameLength)", Assert.Single(problem.Errors["name"]));
        Assert.Equal("10,000 tags, at most 20 (Limits:MaxTagsPerSensor)", Assert.Single(problem.Errors["tags"]));
        Assert.StartsWith("position 1: the rule can take 1,200 comparisons per flow, more than the budget of 1,000 (Limits:MaxFilterCost)",
            Assert.Single(problem.Errors["includeFilter"]), StringComparison.Ordinal);
        Assert.StartsWith("position 65537: the rule is ", Assert.Single(problem.Errors["excludeFilter"]), StringComparison.Ordinal);
        Assert.EndsWith("characters long, more than the limit of 65,536 (Limits:MaxFilterLength)", problem.Errors["excludeFilter"][0], StringComparison.Ordinal);
        Assert.Empty(await client.GetAsync<SensorResponse[]>("/api/sensors"));
    }

    [Fact]
    public async Task CreateSensor_AtMaxSensors_400NamingTheLimit_ButExistingOnesStillChange()
    {
        _factory.Settings["Limits:MaxSensors"] = "2";
        using var client = _factory.CreateClient();
        var ids = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            using var created = await client.PostJsonAsync("/api/sensors", new SensorRequest { Name = $"S{i}", Port = _factory.UdpPort });
            ids.Add((await created.ReadAsync<SensorResponse>(HttpStatusCode.Created)).Id);
        }

        using var third = await client.PostJsonAsync("/api/sensors", new SensorRequest { Name = "S2", Port = _factory.UdpPort });
        using var renamed = await client.PutJsonAsync($"/api/sensors/{ids[0]}", new SensorRequest { Name = "S0 renamed", Port = _factory.UdpPort });

        var problem = await third.ValidationProblemAsync();
        Assert.Equal("at most 2 sensors, and 2 exist: delete one before adding another (Limits:MaxSensors)", Assert.Single(problem.Errors["sensors"]));
        Assert.Equal("S0 renamed", (await renamed.ReadAsync<SensorResponse>(HttpStatusCode.OK)).Name);
        Assert.Equal(2, (await client.GetAsync<SensorResponse[]>("/api/sensors")).Length);
    }

    [Fact]
    public async Task CreateDevice_AtMaxDevicesOrLongNotes_400NamingTheLimits()
    {
        _factory.Settings["Limits:MaxDevices"] = "1";
        using var client = _factory.CreateClient();
        using var first = await client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "R1" });
        await first.ReadAsync<DeviceResponse>(HttpStatusCode.Created);

        using var second = await client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "R2", Notes = new string('x', 4001) });

        var problem = await second.ValidationProblemAsync();
        Assert.Equal("at most 1 devices, and 1 exist: delete one before adding another (Limits:MaxDevices)", Assert.Single(problem.Errors["devices"]));
        Assert.Equal("4,001 characters, at most 4,000 (Limits:MaxNotesLength)", Assert.Single(problem.Errors["notes"]));
        Assert.Single(await client.GetAsync<DeviceResponse[]>("/api/devices"));
    }

    [Fact]
    public async Task UpdateSensor_TooManyToplists_400NamingTheLimit()
    {
        using var client = _factory.CreateClient();
        using var created = await client.PostJsonAsync("/api/sensors", new SensorRequest { Name = "Uplink", Port = _factory.UdpPort });
        var sensor = await created.ReadAsync<SensorResponse>(HttpStatusCode.Created);
        var toplists = Enumerable.Range(1, 21).Select(i => new ToplistSettings { Id = i, Name = $"T{i}" }).ToList();

        using var response = await client.PutJsonAsync($"/api/sensors/{sensor.Id}", new SensorRequest { Name = "Uplink", Port = _factory.UdpPort, Toplists = toplists });

        var problem = await response.ValidationProblemAsync();
        Assert.Equal("21 toplists, at most 20 (Limits:MaxToplistsPerSensor)", Assert.Single(problem.Errors["toplists"]));
    }

    [Fact]
    public void Start_DeclaredSensorBeyondTheLimits_FailsNamingTheKeyAndTheLimit()
    {
        _factory.Settings["Sensors:0:Name"] = new string('s', 40);
        _factory.Settings["Sensors:0:Port"] = _factory.UdpPort.ToString(CultureInfo.InvariantCulture);
        _factory.Settings["Sensors:0:Tags:0"] = new string('t', 65);
        _factory.Settings["Limits:MaxNameLength"] = "32";

        var message = _factory.StartFailure();

        Assert.Contains("Sensors:0:Name: 40 characters, at most 32 (Limits:MaxNameLength)", message, StringComparison.Ordinal);
        Assert.Contains($"Sensors:0:Tags: tag '{new string('t', 37)}...' has 65 characters, at most 64 (Limits:MaxTagLength)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_InvalidLimits_FailsNamingEveryKey()
    {
        _factory.Settings["Limits:MaxSensors"] = "0";
        _factory.Settings["Limits:MaxFilterCost"] = "-1";

        var message = _factory.StartFailure();

        // The whole report in the failure message: Assert.Contains cuts it to its first 40 characters.
        Assert.True(message.Contains("Limits:MaxSensors must be 1 to 100,000 (was 0).", StringComparison.Ordinal), message);
        Assert.True(message.Contains("Limits:MaxFilterCost must be 1 to 1,000,000 (was -1).", StringComparison.Ordinal), message);
    }

    [Fact]
    public void Defaults_Valid() => Assert.Empty(new LimitsOptions().Validate());

    public void Dispose() => _factory.Dispose();
}

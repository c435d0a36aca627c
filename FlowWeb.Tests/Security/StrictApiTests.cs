using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlowWeb.Api;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Mvc;

namespace FlowWeb.Tests.Security;

/// <summary>The API refuses what it does not understand, with answers that name the problem and stay small.</summary>
public sealed class StrictApiTests : IDisposable
{
    private readonly FlowWebFactory _factory = new();
    private readonly HttpClient _client;

    public StrictApiTests() => _client = _factory.CreateClient();

    [Theory]
    [InlineData("{\"name\":\"typo\",\"port\":PORT,\"sender_ip\":\"192.0.2.1\"}", "sender_ip")]
    [InlineData("{\"name\":\"x\",\"port\":PORT,\"colour\":\"red\"}", "colour")]
    [InlineData("{\"name\":\"x\",\"port\":PORT,\"toplists\":[{\"name\":\"t\",\"type\":\"Custom\",\"fieldz\":[]}]}", "fieldz")]
    public async Task CreateSensor_UnknownMember_BadRequestNamingIt(string json, string member)
    {
        using var response = await PostRawAsync("/api/sensors", json.Replace("PORT", LoopbackPorts.FreeUdp().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains($"'{member}'", problem.Detail, StringComparison.Ordinal);
        Assert.Empty(await _client.GetAsync<SensorResponse[]>("/api/sensors"));
    }

    [Theory]
    [InlineData("\"protocol\":99", "$.protocol")]
    [InlineData("\"protocol\":\"99\"", "$.protocol")]
    [InlineData("\"protocol\":\"NetFlowV42\"", "$.protocol")]
    [InlineData("\"toplists\":[{\"name\":\"t\",\"type\":99}]", "$.toplists[0].type")]
    [InlineData("\"name\":null", "$.name")]
    [InlineData("\"port\":\"2055\"", "$.port")]
    public async Task CreateSensor_ValueOutsideItsType_BadRequestWithPath(string member, string path)
    {
        using var response = await PostRawAsync("/api/sensors", $"{{\"name\":\"n\",{member}}}");

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(path, ((JsonElement)problem.Extensions["path"]!).GetString());
        Assert.Empty(await _client.GetAsync<SensorResponse[]>("/api/sensors"));
    }

    [Fact]
    public async Task CreateSensor_NullListItems_ValidationProblemNamingTheList()
    {
        using var response = await PostRawAsync("/api/sensors", $"{{\"name\":\"n\",\"port\":{LoopbackPorts.FreeUdp()},\"toplists\":[null],\"tags\":[\"a\",null]}}");

        var problem = await response.ValidationProblemAsync();
        Assert.Equal(["item 0 is null"], problem.Errors["toplists"]);
        Assert.Equal(["item 1 is null"], problem.Errors["tags"]);
    }

    [Theory]
    [InlineData("{\"name\":\"x\",", 1, 12)]
    [InlineData("{\n  \"name\": \"x\"\n  \"port\": 1\n}", 3, 3)]
    [InlineData("not json", 1, 2)]
    public async Task CreateSensor_MalformedJson_ProblemNamingLineAndPositionWithoutStackTrace(string json, long line, long position)
    {
        using var response = await PostRawAsync("/api/sensors", json);

        var body = await response.Content.ReadAsStringAsync();
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(line, ((JsonElement)problem.Extensions["line"]!).GetInt64());
        Assert.Equal(position, ((JsonElement)problem.Extensions["position"]!).GetInt64());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.AspNetCore", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSensor_HugeGarbageFilter_ErrorsCappedWithTheirCount()
    {
        // Under the filter length limit (Limits:MaxFilterLength) but full of errors: the answer lists 20 and counts all.
        var garbage = string.Concat(Enumerable.Repeat("Port[x] or ", 300)) + "Port[x]";

        using var response = await _client.PostJsonAsync("/api/sensors", new SensorRequest { Name = "g", Port = LoopbackPorts.FreeUdp(), IncludeFilter = garbage });

        var body = await response.Content.ReadAsStringAsync();
        var problem = await response.ValidationProblemAsync();
        Assert.True(problem.Errors.Values.Sum(e => e.Length) <= ApiProblems.MaxErrors);
        var count = ((JsonElement)problem.Extensions["errorCount"]!).GetInt32();
        Assert.True(count > ApiProblems.MaxErrors, $"{count} errors");
        Assert.True(body.Length < 32_000, $"{body.Length} bytes");

        // A 1 MB filter is refused by its length alone, in one message naming the limit.
        using var huge = await _client.PostJsonAsync("/api/sensors", new SensorRequest
        {
            Name = "h", Port = LoopbackPorts.FreeUdp(), IncludeFilter = string.Concat(Enumerable.Repeat("Port[x] and ", 20_000)) + "Port[x]",
        });
        var hugeBody = await huge.Content.ReadAsStringAsync();
        Assert.Contains("Limits:", hugeBody, StringComparison.Ordinal);
        Assert.True(hugeBody.Length < 32_000, $"{hugeBody.Length} bytes");
    }

    [Fact]
    public async Task UpdateSensor_PartialBody_RefusedNamingMissingMembersAndNothingReset()
    {
        var port = LoopbackPorts.FreeUdp();
        using var created = await _client.PostJsonAsync("/api/sensors", new SensorRequest { Name = "wan", Port = port, SenderIp = "192.0.2.1", Protocol = Core.Sensors.ExpectedProtocol.Ipfix });
        var sensor = await created.ReadAsync<SensorResponse>(HttpStatusCode.Created);

        using var response = await PutRawAsync($"/api/sensors/{sensor.Id}", "{\"name\":\"renamed\"}");

        var problem = await response.ValidationProblemAsync();
        Assert.Contains("port", problem.Errors.Keys);
        Assert.Contains("senderIp", problem.Errors.Keys);
        Assert.DoesNotContain("name", problem.Errors.Keys);
        var stored = await _client.GetAsync<SensorResponse>($"/api/sensors/{sensor.Id}");
        Assert.Equal(("wan", port, "192.0.2.1", Core.Sensors.ExpectedProtocol.Ipfix), (stored.Name, stored.Port, stored.SenderIp, stored.Protocol));

        var full = JsonSerializer.Serialize(stored, ApiJson.Options).Replace("\"name\":\"wan\"", "\"name\":\"renamed\"", StringComparison.Ordinal);
        using var replaced = await PutRawAsync($"/api/sensors/{sensor.Id}", RemoveMember(full, "id"));
        var renamed = await replaced.ReadAsync<SensorResponse>(HttpStatusCode.OK);
        Assert.Equal(("renamed", port, "192.0.2.1"), (renamed.Name, renamed.Port, renamed.SenderIp));
    }

    [Fact]
    public async Task UpdateDevice_PartialBody_RefusedNamingMissingMembers()
    {
        using var created = await _client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "hEX", Address = "192.0.2.1" });
        var device = await created.ReadAsync<DeviceResponse>(HttpStatusCode.Created);

        using var response = await PutRawAsync($"/api/devices/{device.Id}", "{\"name\":\"renamed\"}");

        var problem = await response.ValidationProblemAsync();
        Assert.Equal(["address", "notes"], problem.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("192.0.2.1", (await _client.GetAsync<DeviceResponse>($"/api/devices/{device.Id}")).Address);
    }

    [Fact]
    public async Task UpdateSensor_RacingDelete_NeverBringsTheSensorBack()
    {
        for (var i = 0; i < 15; i++)
        {
            var request = new SensorRequest { Name = $"race {i}", Port = LoopbackPorts.FreeUdp() };
            using var created = await _client.PostJsonAsync("/api/sensors", request);
            var sensor = await created.ReadAsync<SensorResponse>(HttpStatusCode.Created);

            var put = _client.PutJsonAsync($"/api/sensors/{sensor.Id}", request with { Name = $"race {i} renamed" });
            var delete = _client.DeleteAsync(ApiJson.Url($"/api/sensors/{sensor.Id}"));
            using var putResponse = await put;
            using var deleteResponse = await delete;

            Assert.Equal(HttpStatusCode.NoContent, deleteResponse.StatusCode);
            Assert.Contains(putResponse.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.NotFound });
            using var gone = await _client.GetAsync(ApiJson.Url($"/api/sensors/{sensor.Id}"));
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        Assert.Empty(await _client.GetAsync<SensorResponse[]>("/api/sensors"));
    }

    [Fact]
    public async Task PutAndPause_DeletedSensor_NotFoundNotRecreated()
    {
        var request = new SensorRequest { Name = "gone", Port = LoopbackPorts.FreeUdp() };
        using var created = await _client.PostJsonAsync("/api/sensors", request);
        var sensor = await created.ReadAsync<SensorResponse>(HttpStatusCode.Created);
        using var deleted = await _client.DeleteAsync(ApiJson.Url($"/api/sensors/{sensor.Id}"));

        using var put = await _client.PutJsonAsync($"/api/sensors/{sensor.Id}", request);
        using var pause = await _client.PostAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/pause"), null);

        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, pause.StatusCode);
        Assert.Empty(await _client.GetAsync<SensorResponse[]>("/api/sensors"));
    }

    [Theory]
    [InlineData("name", "evil\u202Egpj.exe", "U+202E")]
    [InlineData("name", "a\u2066b", "U+2066")]
    [InlineData("name", "line\nbreak", "U+000A")]
    [InlineData("tags", "wan\u0007", "U+0007")]
    public async Task CreateSensor_BidiOrControlCharacters_RefusedNamingTheField(string field, string value, string character)
    {
        var request = new SensorRequest { Name = field == "name" ? value : "ok", Tags = field == "tags" ? [value] : null, Port = LoopbackPorts.FreeUdp() };

        using var response = await _client.PostJsonAsync("/api/sensors", request);

        var problem = await response.ValidationProblemAsync();
        Assert.Contains(character, Assert.Single(problem.Errors[field]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDevice_BidiName_Refused()
    {
        using var response = await _client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "core\u202Erouter" });

        var problem = await response.ValidationProblemAsync();
        Assert.Contains("U+202E", Assert.Single(problem.Errors["name"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDevice_HugeNotesOrName_RefusedWithTheLimit()
    {
        using var response = await _client.PostJsonAsync("/api/devices", new DeviceRequest { Name = new string('n', 200), Notes = new string('x', 5000) });

        var problem = await response.ValidationProblemAsync();
        Assert.Contains("at most 128", Assert.Single(problem.Errors["name"]), StringComparison.Ordinal);
        Assert.Contains("at most 4,000", Assert.Single(problem.Errors["notes"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_TwoSensorsWithOneName_DistinctSeries()
    {
        foreach (var _ in new[] { 1, 2 })
        {
            using var created = await _client.PostJsonAsync("/api/sensors", new SensorRequest { Name = "uplink", Port = LoopbackPorts.FreeUdp() });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var metrics = await _client.GetStringAsync(ApiJson.Url("/metrics"));

        var series = metrics.Split('\n').Where(l => l.StartsWith("flowweb_sensor_flows_total{", StringComparison.Ordinal)).Select(l => l[..l.LastIndexOf(' ')]).ToList();
        Assert.Equal(2, series.Count);
        Assert.Equal(2, series.Distinct(StringComparer.Ordinal).Count());
    }

    private static string RemoveMember(string json, string member)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node.Remove(member);
        return node.ToJsonString();
    }

    private Task<HttpResponseMessage> PostRawAsync(string path, string json) =>
        _client.PostAsync(ApiJson.Url(path), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> PutRawAsync(string path, string json) =>
        _client.PutAsync(ApiJson.Url(path), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    private static async Task<ProblemDetails> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonSerializer.Deserialize<ProblemDetails>(body, ApiJson.Options)!;
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using FlowWeb.Api;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Api;

/// <summary>Sensors and devices through /api: the same service and validation as the form, with real UDP ports.</summary>
public sealed class SensorCrudApiTests : IDisposable
{
    private readonly FlowWebFactory _factory = new();
    private readonly HttpClient _client;

    public SensorCrudApiTests() => _client = _factory.CreateClient();

    [Fact]
    public async Task Sensors_CreateReadUpdatePauseDelete_RoundTripsThroughTheService()
    {
        using var deviceResponse = await _client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "hEX S", Address = "192.0.2.1", Notes = "office" });
        var device = await deviceResponse.ReadAsync<DeviceResponse>(HttpStatusCode.Created);
        Assert.Equal($"/api/devices/{device.Id}", deviceResponse.Headers.Location?.OriginalString);

        var port = LoopbackPorts.FreeUdp();
        var request = new SensorRequest
        {
            Name = "Office uplink", Tags = ["wan"], Priority = 4, DeviceId = device.Id, Port = port, SenderIp = "127.0.0.1",
            IncludeFilter = "Protocol[TCP]", ChannelGroups = new Dictionary<StandardChannelGroup, ChannelGroupMode> { [StandardChannelGroup.Web] = ChannelGroupMode.Detail },
            Toplists = [new ToplistSettings { Id = 7, Name = "Ports", Type = ToplistType.Custom, Fields = [ToplistField.DestinationPort] }],
        };
        using var created = await _client.PostJsonAsync("/api/sensors", request);
        var sensor = await created.ReadAsync<SensorResponse>(HttpStatusCode.Created);
        Assert.Equal($"/api/sensors/{sensor.Id}", created.Headers.Location?.OriginalString);

        var read = await _client.GetAsync<SensorResponse>($"/api/sensors/{sensor.Id}");
        Assert.Equal("Office uplink", read.Name);
        Assert.Equal(["wan"], read.Tags);
        Assert.Equal(device.Id, read.DeviceId);
        Assert.Equal(port, read.Port);
        Assert.Equal("Protocol[TCP]", read.IncludeFilter);
        Assert.Equal(ChannelGroupMode.Detail, read.ChannelGroups[StandardChannelGroup.Web]);
        var toplist = Assert.Single(read.Toplists);
        Assert.Equal((7, ToplistType.Custom, ToplistField.DestinationPort), (toplist.Id, toplist.Type, Assert.Single(toplist.Fields!)));
        Assert.Equal(sensor.Id, Assert.Single(await _client.GetAsync<SensorResponse[]>("/api/sensors")).Id);
        var stored = await _factory.Services.GetRequiredService<SensorService>().GetSensorAsync(sensor.Id);
        Assert.Equal("Office uplink", stored?.Name);

        using var updated = await _client.PutJsonAsync($"/api/sensors/{sensor.Id}", request with { Name = "Office WAN", Priority = 5 });
        Assert.Equal("Office WAN", (await updated.ReadAsync<SensorResponse>(HttpStatusCode.OK)).Name);
        Assert.Equal(5, (await _client.GetAsync<SensorResponse>($"/api/sensors/{sensor.Id}")).Priority);

        using var paused = await _client.PostAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/pause"), null);
        Assert.True((await paused.ReadAsync<SensorResponse>(HttpStatusCode.OK)).Paused);
        Assert.Equal(SensorState.Paused, (await _client.GetAsync<SensorLiveResponse>($"/api/sensors/{sensor.Id}/live")).State);
        using var pausedSeries = await _client.GetAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/series"));
        Assert.Equal(HttpStatusCode.Conflict, pausedSeries.StatusCode);
        using var resumed = await _client.PostAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/resume"), null);
        Assert.False((await resumed.ReadAsync<SensorResponse>(HttpStatusCode.OK)).Paused);

        using var deleted = await _client.DeleteAsync(ApiJson.Url($"/api/sensors/{sensor.Id}"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await _client.GetAsync(ApiJson.Url($"/api/sensors/{sensor.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await _client.GetAsync<SensorResponse[]>("/api/sensors"));

        using var deviceDeleted = await _client.DeleteAsync(ApiJson.Url($"/api/devices/{device.Id}"));
        Assert.Equal(HttpStatusCode.NoContent, deviceDeleted.StatusCode);
        Assert.Empty(await _client.GetAsync<DeviceResponse[]>("/api/devices"));
    }

    [Fact]
    public async Task UpdateSensor_DetectionSetInTheForm_KeptByAnApiPutThatDoesNotCarryIt()
    {
        var service = _factory.Services.GetRequiredService<SensorService>();
        var sensor = new SensorDefinition
        {
            Name = "Detected uplink", Port = LoopbackPorts.FreeUdp(),
            Detection = new FlowWeb.Core.Detection.SensorDetectionSettings { StartAfterSeconds = 2, ProtectedNetworks = ["203.0.113.0/24"] },
        };
        Assert.True((await service.SaveSensorAsync(sensor)).Saved);

        using var updated = await _client.PutJsonAsync($"/api/sensors/{sensor.Id}", new SensorRequest { Name = "Renamed uplink", Port = sensor.Port });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var stored = (await service.GetSensorAsync(sensor.Id))!;
        Assert.Equal(("Renamed uplink", 2, "203.0.113.0/24"), (stored.Name, stored.Detection.StartAfterSeconds, Assert.Single(stored.Detection.ProtectedNetworks)));
    }

    [Fact]
    public async Task Devices_Update_ChangesNameAndAddress()
    {
        using var created = await _client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "RB5009", Address = "192.0.2.7" });
        var device = await created.ReadAsync<DeviceResponse>(HttpStatusCode.Created);

        using var updated = await _client.PutJsonAsync($"/api/devices/{device.Id}", new DeviceRequest { Name = "RB5009 core", Address = "2001:db8::7" });

        Assert.Equal(new DeviceResponse(device.Id, "RB5009 core", "2001:db8::7", ""), await updated.ReadAsync<DeviceResponse>(HttpStatusCode.OK));
        Assert.Equal("RB5009 core", (await _client.GetAsync<DeviceResponse>($"/api/devices/{device.Id}")).Name);
    }

    [Fact]
    public async Task CreateSensor_BadFilterPortAndDevice_400ListingEveryFieldAndSavesNothing()
    {
        var request = new SensorRequest { Name = "", Port = 70_000, DeviceId = Guid.NewGuid(), IncludeFilter = "SourceIP[10.0.0.256]" };

        using var response = await _client.PostJsonAsync("/api/sensors", request);

        var problem = await response.ValidationProblemAsync();
        Assert.Equal(400, problem.Status);
        Assert.Equal(["deviceId", "includeFilter", "name", "port"], problem.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("must be 1 to 65535", Assert.Single(problem.Errors["port"]));
        Assert.Equal("no such device", Assert.Single(problem.Errors["deviceId"]));
        Assert.Equal("position 17: octet 256 is out of range (0-255)", Assert.Single(problem.Errors["includeFilter"]));
        Assert.Empty(await _client.GetAsync<SensorResponse[]>("/api/sensors"));
    }

    [Fact]
    public async Task UpdateSensor_InvalidToplist_400WithToplistsErrorAndKeepsOldSettings()
    {
        using var created = await _client.PostJsonAsync("/api/sensors", new SensorRequest { Name = "Uplink", Port = _factory.UdpPort });
        var sensor = await created.ReadAsync<SensorResponse>(HttpStatusCode.Created);

        using var response = await _client.PutJsonAsync($"/api/sensors/{sensor.Id}",
            new SensorRequest { Name = "Uplink", Port = _factory.UdpPort, Toplists = [new ToplistSettings { Id = 1, Name = "Bad", PeriodMinutes = 0 }] });

        var problem = await response.ValidationProblemAsync();
        Assert.Contains("period must be 1 to 1440 minutes", Assert.Single(problem.Errors["toplists"]), StringComparison.Ordinal);
        Assert.Equal(6, (await _client.GetAsync<SensorResponse>($"/api/sensors/{sensor.Id}")).Toplists.Count);
    }

    [Fact]
    public async Task CreateDevice_NoNameBadAddress_400NamingBothFields()
    {
        using var response = await _client.PostJsonAsync("/api/devices", new DeviceRequest { Name = " ", Address = "router.example" });

        var problem = await response.ValidationProblemAsync();
        Assert.Equal(["address", "name"], problem.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateSensor_OwnUdpPort_CollectorOpensItAndDeleteClosesIt()
    {
        var port = LoopbackPorts.FreeUdp();
        var collector = _factory.Services.GetRequiredService<FlowCollector>();

        using var created = await _client.PostJsonAsync("/api/sensors", new SensorRequest { Name = "Second port", Port = port });
        var sensor = await created.ReadAsync<SensorResponse>(HttpStatusCode.Created);

        Assert.True(collector.OwnsPort(port));
        var taken = Assert.Throws<SocketException>(() => Bind(port));
        Assert.Equal(SocketError.AddressAlreadyInUse, taken.SocketErrorCode);

        using var deleted = await _client.DeleteAsync(ApiJson.Url($"/api/sensors/{sensor.Id}"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(collector.OwnsPort(port));
        Bind(port).Dispose();
    }

    [Fact]
    public async Task Sensors_UnknownIdsAndRoutes_404ProblemDetails()
    {
        var id = Guid.NewGuid();
        foreach (var path in new[] { $"/api/sensors/{id}", $"/api/sensors/{id}/live", $"/api/sensors/{id}/series", $"/api/sensors/{id}/toplists/1", $"/api/devices/{id}", "/api/nothing-here" })
        {
            using var response = await _client.GetAsync(ApiJson.Url(path));

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(404, (await response.Content.ReadFromJsonAsync<ProblemDetails>(ApiJson.Options))?.Status);
        }
    }

    [Fact]
    public async Task CreateSensor_MalformedJson_400ProblemDetailsNotAnHtmlPage()
    {
        using var content = new StringContent("""{"name": "x", "protocol": "NetFlowV11"}""", System.Text.Encoding.UTF8, "application/json");

        using var response = await _client.PostAsync(ApiJson.Url("/api/sensors"), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Binds the port as the collector does by default (dual-mode wildcard).</summary>
    private static Socket Bind(int port)
    {
        var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Two editors read the same sensor; the first saves; the second's save, sent with the ETag it read (If-Match),
    /// is refused with 412 instead of undoing the first one's change, and so is a delete sent with the old ETag.
    /// </summary>
    [Fact]
    public async Task Sensors_PutAndDeleteWithAStaleIfMatch_RefusedWith412AndTheFirstChangeKept()
    {
        var port = LoopbackPorts.FreeUdp();
        var request = new SensorRequest { Name = "Edge", Port = port, SenderIp = "127.0.0.1" };
        using var created = await _client.PostJsonAsync("/api/sensors", request);
        var id = (await created.ReadAsync<SensorResponse>(HttpStatusCode.Created)).Id;
        using var read = await _client.GetAsync(ApiJson.Url($"/api/sensors/{id}"));
        var etag = read.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);

        using var first = await SendAsync(HttpMethod.Put, $"/api/sensors/{id}", request with { Name = "Edge (renamed by A)" }, etag.Tag);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(etag, first.Headers.ETag);

        using var second = await SendAsync(HttpMethod.Put, $"/api/sensors/{id}", request with { Name = "Edge (renamed by B)" }, etag.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, second.StatusCode);
        Assert.Equal("Edge (renamed by A)", (await _client.GetAsync<SensorResponse>($"/api/sensors/{id}")).Name);

        using var staleDelete = await SendAsync(HttpMethod.Delete, $"/api/sensors/{id}", null, etag.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleDelete.StatusCode);
        using var delete = await SendAsync(HttpMethod.Delete, $"/api/sensors/{id}", null, first.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        // A PUT without If-Match still applies (last write wins), but never brings back a deleted sensor.
        using var afterDelete = await _client.PutJsonAsync($"/api/sensors/{id}", request);
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.StatusCode);
    }

    [Fact]
    public async Task Devices_PutWithAStaleIfMatch_RefusedWith412()
    {
        var body = new DeviceRequest { Name = "ccr", Address = "192.0.2.9", Notes = "" };
        using var created = await _client.PostJsonAsync("/api/devices", body);
        var id = (await created.ReadAsync<DeviceResponse>(HttpStatusCode.Created)).Id;
        using var read = await _client.GetAsync(ApiJson.Url($"/api/devices/{id}"));
        var etag = read.Headers.ETag!.Tag;

        using var first = await SendAsync(HttpMethod.Put, $"/api/devices/{id}", body with { Notes = "rack 4" }, etag);
        using var second = await SendAsync(HttpMethod.Put, $"/api/devices/{id}", body with { Notes = "rack 9" }, etag);
        using var any = await SendAsync(HttpMethod.Put, $"/api/devices/{id}", body with { Name = "ccr-1", Notes = "rack 4" }, "*");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.PreconditionFailed, HttpStatusCode.OK), (first.StatusCode, second.StatusCode, any.StatusCode));
        var stored = await _client.GetAsync<DeviceResponse>($"/api/devices/{id}");
        Assert.Equal(("ccr-1", "rack 4"), (stored.Name, stored.Notes));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string ifMatch)
    {
        using var message = new HttpRequestMessage(method, ApiJson.Url(path));
        if (body is not null)
        {
            message.Content = JsonContent.Create(body, body.GetType(), options: ApiJson.Options);
        }

        message.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await _client.SendAsync(message);
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}

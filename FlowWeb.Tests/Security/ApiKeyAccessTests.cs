using System.Net;
using System.Text.Json;
using FlowWeb.Accounts;
using FlowWeb.Api;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Security;

/// <summary>Who may do what through /api, /metrics and /openapi: no key, configured keys by role, users' keys by level, revoked keys.</summary>
public sealed class ApiKeyAccessTests : IDisposable
{
    private const string ViewerKey = "fwk_test-viewer-key-abcdefghijklmnop";
    private readonly FlowWebFactory _factory = new();

    public ApiKeyAccessTests()
    {
        _factory.Settings["Auth:ApiKeys:1:Name"] = "grafana";
        _factory.Settings["Auth:ApiKeys:1:Role"] = "Viewer";
        _factory.Settings["Auth:ApiKeys:1:KeyHash"] = ApiKeyService.Hash(ViewerKey);
    }

    [Theory]
    [InlineData("/api/sensors")]
    [InlineData("/api/devices")]
    [InlineData("/metrics")]
    [InlineData("/openapi/v1.json")]
    public async Task Get_NoKey_Unauthorized(string path)
    {
        using var client = Anonymous();

        using var response = await client.GetAsync(ApiJson.Url(path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Health_NoKey_Open()
    {
        using var client = Anonymous();

        Assert.Equal("Healthy", await client.GetStringAsync(ApiJson.Url("/health")));
    }

    [Fact]
    public async Task MetricsRequireApiKeyFalse_NoKey_Open()
    {
        _factory.Settings["Metrics:RequireApiKey"] = "false";
        using var client = Anonymous();

        Assert.Contains("flowweb_", await client.GetStringAsync(ApiJson.Url("/metrics")), StringComparison.Ordinal);
        using var api = await client.GetAsync(ApiJson.Url("/api/sensors"));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.OK)]
    [InlineData("false", HttpStatusCode.Unauthorized)]
    public async Task Metrics_FromLoopbackWithoutKey_OpenUnlessOpenToLoopbackFalse(string? openToLoopback, HttpStatusCode expected)
    {
        if (openToLoopback is not null)
        {
            _factory.Settings["Metrics:OpenToLoopback"] = openToLoopback;
        }

        _factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        using var metrics = await client.GetAsync(ApiJson.Url("/metrics"));
        using var api = await client.GetAsync(ApiJson.Url("/api/sensors"));

        Assert.Equal(expected, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task WrongKey_Unauthorized()
    {
        using var client = Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", "fwk_not-a-key-of-this-server-000000");

        using var response = await client.GetAsync(ApiJson.Url("/api/sensors"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ConfiguredViewerKey_ReadsButWriteForbidden()
    {
        using var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ViewerKey);

        Assert.Empty(await client.GetAsync<SensorResponse[]>("/api/sensors"));
        Assert.Contains("flowweb_", await client.GetStringAsync(ApiJson.Url("/metrics")), StringComparison.Ordinal);
        using var created = await client.PostJsonAsync("/api/sensors", new SensorRequest { Name = "x", Port = LoopbackPorts.FreeUdp() });
        using var device = await client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "x" });

        Assert.Equal(HttpStatusCode.Forbidden, created.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, device.StatusCode);
        using var admin = _factory.CreateClient();
        Assert.Empty(await admin.GetAsync<SensorResponse[]>("/api/sensors"));
    }

    [Fact]
    public async Task UserKeys_LevelCapsTheRole_RevokedKeyUnauthorized_LastUseRecorded()
    {
        using var admin = _factory.CreateClient();
        var keys = _factory.Services.GetRequiredService<ApiKeyService>();
        var operatorId = await CreateUserAsync("olga", AccountRoles.Operator);
        var readKey = await keys.CreateAsync(operatorId, "dashboard", ApiKeyLevel.Read);
        var writeKey = await keys.CreateAsync(operatorId, "script", ApiKeyLevel.Write);

        using var reader = Anonymous();
        reader.DefaultRequestHeaders.Add("X-Api-Key", readKey);
        using var writer = Anonymous();
        writer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", writeKey);

        Assert.Empty(await reader.GetAsync<SensorResponse[]>("/api/sensors"));
        using var refused = await reader.PostJsonAsync("/api/sensors", new SensorRequest { Name = "r", Port = LoopbackPorts.FreeUdp() });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var created = await writer.PostJsonAsync("/api/sensors", new SensorRequest { Name = "w", Port = LoopbackPorts.FreeUdp() });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var listed = await keys.ListAsync(operatorId);
        Assert.Equal(["dashboard", "script"], listed.Select(k => k.Name));
        Assert.All(listed, k => Assert.NotNull(k.LastUsed));
        Assert.All(listed, k => Assert.False(k.Prefix.Length > 12));

        Assert.True(await keys.RevokeAsync(listed[1].Id, operatorId));
        using var revoked = await writer.GetAsync(ApiJson.Url("/api/sensors"));
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [Fact]
    public async Task ApiKey_OnAPage_NotAcceptedThere()
    {
        using var client = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync(ApiJson.Url("/"));

        // The key is ignored on a page: the browser's sign-in is asked for.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_DeclaresTheKeySchemes()
    {
        using var client = _factory.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync(ApiJson.Url("/openapi/v1.json")));

        var schemes = document.RootElement.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.Equal(2, document.RootElement.GetProperty("security").GetArrayLength());
    }

    private HttpClient Anonymous()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        return client;
    }

    private async Task<string> CreateUserAsync(string name, string role)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = new IdentityUser(name);
        Assert.True((await users.CreateAsync(user, "a-long-enough-password")).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return user.Id;
    }

    public void Dispose() => _factory.Dispose();
}

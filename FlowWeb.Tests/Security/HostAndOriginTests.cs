using System.Net;
using FlowWeb.Api;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;

namespace FlowWeb.Tests.Security;

/// <summary>DNS rebinding (a foreign Host header) and cross-site requests (a foreign Origin) against the real app.</summary>
public sealed class HostAndOriginTests : IDisposable
{
    private readonly FlowWebFactory _factory = new();

    [Theory]
    [InlineData("evil.example", HttpStatusCode.BadRequest)]
    [InlineData("evil.example:5000", HttpStatusCode.BadRequest)]
    [InlineData("localhost", HttpStatusCode.OK)]
    [InlineData("127.0.0.1:5000", HttpStatusCode.OK)]
    [InlineData("[::1]:5000", HttpStatusCode.OK)]
    public async Task Request_HostHeader_OnlyTheMachinesNamesAreServed(string host, HttpStatusCode expected)
    {
        using var client = _factory.CreateClient();

        foreach (var path in new[] { "/api/sensors", "/metrics", "/health" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ApiJson.Url(path));
            request.Headers.Host = host;
            using var response = await client.SendAsync(request);
            Assert.True(expected == response.StatusCode, $"{host} {path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Request_ConfiguredAllowedHosts_AddedToTheMachinesNames()
    {
        _factory.Settings["AllowedHosts"] = "flowweb.lan;*.mgmt.example";
        using var client = _factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "flowweb.lan"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "nms.mgmt.example"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "localhost"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(client, "evil.example"));
    }

    [Fact]
    public async Task Request_AllowedHostsStar_AnyHostServed()
    {
        _factory.Settings["AllowedHosts"] = "*";
        using var client = _factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "evil.example"));
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Origin", "http://localhost:8081")]
    [InlineData("Origin", "null")]
    public async Task PauseFormPost_FromAnotherSite_RefusedAndSensorKeepsRunning(string header, string value)
    {
        using var client = _factory.CreateClient();
        var sensor = await CreateSensorAsync(client);

        using var post = new HttpRequestMessage(HttpMethod.Post, ApiJson.Url($"/api/sensors/{sensor.Id}/pause"))
        {
            Content = new FormUrlEncodedContent([]),
        };
        post.Headers.Add(header, value);
        using var response = await client.SendAsync(post);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False((await client.GetAsync<SensorResponse>($"/api/sensors/{sensor.Id}")).Paused);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, ApiJson.Url($"/api/sensors/{sensor.Id}"));
        delete.Headers.Add(header, value);
        using var deleted = await client.SendAsync(delete);
        Assert.Equal(HttpStatusCode.Forbidden, deleted.StatusCode);
        Assert.Single(await client.GetAsync<SensorResponse[]>("/api/sensors"));
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    [InlineData("Sec-Fetch-Site", "none")]
    [InlineData("Origin", "http://localhost")]
    public async Task PausePost_SameOriginOrNoBrowser_Accepted(string header, string value)
    {
        using var client = _factory.CreateClient();
        var sensor = await CreateSensorAsync(client);

        using var post = new HttpRequestMessage(HttpMethod.Post, ApiJson.Url($"/api/sensors/{sensor.Id}/pause"));
        post.Headers.Add(header, value);
        using var response = await client.SendAsync(post);

        Assert.True((await response.ReadAsync<SensorResponse>(HttpStatusCode.OK)).Paused);
    }

    [Fact]
    public async Task BlazorHub_ForeignOrigin_Refused()
    {
        using var client = _factory.CreateClient();

        using var negotiate = new HttpRequestMessage(HttpMethod.Post, ApiJson.Url("/_blazor/negotiate?negotiateVersion=1"));
        negotiate.Headers.Add("Origin", "http://evil.example");
        using var refused = await client.SendAsync(negotiate);
        using var handshake = new HttpRequestMessage(HttpMethod.Get, ApiJson.Url("/_blazor?id=x"));
        handshake.Headers.Add("Origin", "http://evil.example");
        handshake.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var refusedSocket = await client.SendAsync(handshake);
        using var own = new HttpRequestMessage(HttpMethod.Post, ApiJson.Url("/_blazor/negotiate?negotiateVersion=1"));
        own.Headers.Add("Origin", "http://localhost");
        using var accepted = await client.SendAsync(own);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedSocket.StatusCode);
        // Past the origin check (what the hub then serves is the pages' business: they need a signed-in user).
        Assert.NotEqual(HttpStatusCode.Forbidden, accepted.StatusCode);
    }

    [Fact]
    public async Task Response_AnyPage_SecurityHeaders()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync(ApiJson.Url("/api/sensors"));

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());

        // No inline script runs but the one carrying this response's nonce (a fresh one per response).
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
        Assert.Matches("script-src 'self' 'nonce-[0-9a-f]{32}';", csp);
        using var again = await client.GetAsync(ApiJson.Url("/api/sensors"));
        Assert.NotEqual(csp, again.Headers.GetValues("Content-Security-Policy").Single());
    }

    /// <summary>The sign-in page's import map carries the nonce its response's policy names; nothing else is inline.</summary>
    [Fact]
    public async Task SignInPage_InlineScript_OnlyTheImportMapWithTheResponsesNonce()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/account/login", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();
        // Blazor adds its own "frame-ancestors 'self'" policy to interactive pages; both are enforced, ours is the stricter.
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"), p => p.Contains("script-src", StringComparison.Ordinal));
        var nonce = System.Text.RegularExpressions.Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;

        var inline = System.Text.RegularExpressions.Regex.Matches(html, "<script(?![^>]*\\bsrc=)[^>]*>");
        Assert.True(inline.Count == 1, "inline scripts: " + string.Join(" | ", inline.Select(m => m.Value)));
        var map = inline[0];
        Assert.Contains("type=\"importmap\"", map.Value, StringComparison.Ordinal);
        Assert.Contains($"nonce=\"{nonce}\"", map.Value, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiJson.Url("/api/sensors"));
        request.Headers.Host = host;
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<SensorResponse> CreateSensorAsync(HttpClient client)
    {
        using var created = await client.PostJsonAsync("/api/sensors", new SensorRequest { Name = "uplink", Port = LoopbackPorts.FreeUdp() });
        return await created.ReadAsync<SensorResponse>(HttpStatusCode.Created);
    }

    public void Dispose() => _factory.Dispose();
}

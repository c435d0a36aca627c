using System.Net;
using FlowWeb.Accounts;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Security;

/// <summary>Single sign-on by a reverse proxy's Remote-User header, on real Kestrel (the remote address matters): believed only from trusted proxies.</summary>
public sealed class ProxyHeaderSignOnTests : IDisposable
{
    private readonly FlowWebFactory _factory = new();

    [Fact]
    public async Task RemoteUser_FromTrustedProxy_SignedInWithTheirFlowWebRole()
    {
        _factory.Settings["Auth:ProxyHeader:TrustedProxies:0"] = "127.0.0.1";
        using var client = Start();
        client.DefaultRequestHeaders.Add("Remote-User", TestAccounts.AdminUser);

        using var users = await client.GetAsync(ApiJson.Url("/users"));
        var page = await users.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        Assert.Contains($">{TestAccounts.AdminUser}<", page, StringComparison.Ordinal);
        Assert.Contains("add-user-button", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoteUser_Unknown_RefusedUnlessNewUserRole()
    {
        _factory.Settings["Auth:ProxyHeader:TrustedProxies:0"] = "127.0.0.1";
        _factory.Settings["Auth:ProxyHeader:NewUserRole"] = "Viewer";
        using var client = Start();
        client.DefaultRequestHeaders.Add("Remote-User", "newcomer");

        using var home = await client.GetAsync(ApiJson.Url("/"));
        using var users = await client.GetAsync(ApiJson.Url("/users"));

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal("Viewer", (await _factory.Services.GetRequiredService<AccountService>().ListAsync()).Single(u => u.UserName == "newcomer").Role);
        Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
    }

    [Fact]
    public async Task RemoteUser_NoAccountAndNoNewUserRole_Unauthorized()
    {
        _factory.Settings["Auth:ProxyHeader:TrustedProxies:0"] = "127.0.0.1";
        using var client = Start();
        client.DefaultRequestHeaders.Add("Remote-User", "stranger");

        using var response = await client.GetAsync(ApiJson.Url("/"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain((await _factory.Services.GetRequiredService<AccountService>().ListAsync()), u => u.UserName == "stranger");
    }

    [Fact]
    public async Task RemoteUser_FromAnUntrustedAddress_Ignored()
    {
        _factory.Settings["Auth:ProxyHeader:TrustedProxies:0"] = "192.0.2.99";
        using var client = Start();
        client.DefaultRequestHeaders.Add("Remote-User", TestAccounts.AdminUser);

        using var response = await client.GetAsync(ApiJson.Url("/users"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    private HttpClient Start()
    {
        _factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
    }

    public void Dispose() => _factory.Dispose();
}

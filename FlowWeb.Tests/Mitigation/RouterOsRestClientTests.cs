using FlowWeb.Core.Mitigation;

namespace FlowWeb.Tests.Mitigation;

/// <summary>The REST client against a RouterOS stand-in over real HTTPS on 127.0.0.1.</summary>
public sealed class RouterOsRestClientTests
{
    private static DeviceMitigationSettings Settings(FakeRouterOsRest router, string? thumbprint = null) => new()
    {
        Url = router.Url.ToString(),
        Username = FakeRouterOsRest.User,
        CertificateThumbprint = thumbprint ?? router.Thumbprint,
    };

    [Fact]
    public async Task AddAndRemove_PinnedCertificate_PutsEntryWithTimeoutThenDeletesIt()
    {
        await using var router = await FakeRouterOsRest.StartAsync();
        using var client = new RouterOsRestClient(Settings(router), FakeRouterOsRest.Password);

        var added = await client.AddAddressListEntryAsync("203.0.113.5", "flowweb-ddos", TimeSpan.FromMinutes(90), "FlowWeb attack 7: NTP amplification", CancellationToken.None);

        Assert.True(added.Succeeded, added.Message);
        var put = Assert.Single(router.Requests);
        Assert.Equal(("PUT", "/rest/ip/firewall/address-list", FakeRouterOsRest.User), (put.Method, put.Path, put.User));
        Assert.Equal("flowweb-ddos", put.Body["list"]);
        Assert.Equal("203.0.113.5", put.Body["address"]);
        Assert.Equal("1h30m", put.Body["timeout"]);
        Assert.Equal(added.Id, Assert.Single(router.Entries("ip/firewall/address-list"))[".id"]);

        var removed = await client.RemoveAsync("ip/firewall/address-list", added.Id!, CancellationToken.None);
        Assert.True(removed.Succeeded, removed.Message);
        Assert.Empty(router.Entries("ip/firewall/address-list"));
        Assert.Equal("DELETE", router.Requests.Last().Method);
        Assert.Equal($"/rest/ip/firewall/address-list/{added.Id}", router.Requests.Last().Path);
    }

    [Fact]
    public async Task IPv6AndBlackhole_GoToTheIPv6Menus()
    {
        await using var router = await FakeRouterOsRest.StartAsync();
        using var client = new RouterOsRestClient(Settings(router), FakeRouterOsRest.Password);

        Assert.True((await client.AddAddressListEntryAsync("2001:db8::5", "flowweb-ddos", null, "manual", CancellationToken.None)).Succeeded);
        Assert.True((await client.AddBlackholeRouteAsync("2001:db8::5", "FlowWeb", CancellationToken.None)).Succeeded);

        var requests = router.Requests.ToList();
        Assert.Equal("/rest/ipv6/firewall/address-list", requests[0].Path);
        Assert.False(requests[0].Body.ContainsKey("timeout"));
        Assert.Equal("/rest/ipv6/route", requests[1].Path);
        Assert.Equal("2001:db8::5/128", requests[1].Body["dst-address"]);
        Assert.Equal("yes", requests[1].Body["blackhole"]);
    }

    [Fact]
    public async Task Errors_AreReportedAsTheRouterPutsThem()
    {
        await using var router = await FakeRouterOsRest.StartAsync();
        using var client = new RouterOsRestClient(Settings(router), FakeRouterOsRest.Password);
        using var wrongPassword = new RouterOsRestClient(Settings(router), "guess");

        Assert.True((await client.AddAddressListEntryAsync("192.0.2.9", "l", null, "", CancellationToken.None)).Succeeded);
        var duplicate = await client.AddAddressListEntryAsync("192.0.2.9", "l", null, "", CancellationToken.None);
        var unauthorized = await wrongPassword.AddAddressListEntryAsync("192.0.2.10", "l", null, "", CancellationToken.None);
        var missing = await client.RemoveAsync("ip/firewall/address-list", "*FFFF", CancellationToken.None);

        Assert.Equal((false, "400 Bad Request: failure: already have such entry"), (duplicate.Succeeded, duplicate.Message));
        Assert.Equal((false, "401 Unauthorized"), (unauthorized.Succeeded, unauthorized.Message));
        Assert.Equal((false, "404 Not Found: no such item"), (missing.Succeeded, missing.Message));
    }

    [Fact]
    public async Task SelfSignedCertificate_WithoutOrWithWrongPin_IsRefused()
    {
        await using var router = await FakeRouterOsRest.StartAsync();
        using var unpinned = new RouterOsRestClient(Settings(router, thumbprint: ""), FakeRouterOsRest.Password);
        using var wrongPin = new RouterOsRestClient(Settings(router, thumbprint: new string('A', 64)), FakeRouterOsRest.Password);

        var a = await unpinned.AddAddressListEntryAsync("192.0.2.9", "l", null, "", CancellationToken.None);
        var b = await wrongPin.AddAddressListEntryAsync("192.0.2.9", "l", null, "", CancellationToken.None);

        Assert.False(a.Succeeded);
        Assert.StartsWith("cannot reach the router", a.Message, StringComparison.Ordinal);
        Assert.False(b.Succeeded);
        Assert.Empty(router.Requests);
    }

    [Theory]
    [InlineData("http://192.0.2.1", "Url")]
    [InlineData("https://192.0.2.1/?x=1", "Url")]
    [InlineData("", "Url")]
    public void Validate_BadUrl_NamesTheField(string url, string field)
    {
        var errors = new DeviceMitigationSettings { Automatic = true, Url = url, Username = "u" }.Validate();
        Assert.Contains(errors, e => e.Field == field);
    }

    [Fact]
    public void Validate_EverythingWrong_EveryFieldNamed()
    {
        var errors = new DeviceMitigationSettings
        {
            Automatic = true, Url = "https://192.0.2.1", Username = "", ListName = "bad list", BanMinutes = 0, Whitelist = ["300.1.1.1"],
            CertificateThumbprint = "12:34",
        }.Validate();

        Assert.Equal(["Username", "ListName", "BanMinutes", "Whitelist", "CertificateThumbprint"], errors.Select(e => e.Field));
    }
}

using System.Net;
using FlowWeb.Accounts;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Security;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// OpenID Connect sign-in in real Chromium against a strict provider on loopback (<see cref="OidcProviderStub"/>):
/// the provider's groups decide the FlowWeb role, unmapped users and name collisions with local accounts are refused.
/// </summary>
[Collection(BrowserCollection.Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes the app and provider through IAsyncLifetime.DisposeAsync")]
public sealed class OidcJourneyTests(BrowserAppFixture fixture) : IAsyncLifetime
{
    private OidcProviderStub _provider = default!;
    private FlowWebFactory _app = default!;
    private Uri _baseUrl = default!;

    public async Task InitializeAsync()
    {
        _provider = await OidcProviderStub.StartAsync();
        _app = new FlowWebFactory();
        _app.Settings["Auth:Oidc:Authority"] = _provider.Authority;
        _app.Settings["Auth:Oidc:ClientId"] = OidcProviderStub.ClientId;
        _app.Settings["Auth:Oidc:ClientSecret"] = OidcProviderStub.ClientSecret;
        _app.Settings["Auth:Oidc:RequireHttpsMetadata"] = "false";
        _app.Settings["Auth:Oidc:RoleClaim"] = "groups";
        _app.Settings["Auth:Oidc:RoleMap:net-ops"] = "Operator";
        _app.Settings["Auth:Oidc:RoleMap:noc-admins"] = "Administrator";
        _app.Settings["Auth:Oidc:DisplayName"] = "Test IdP";
        _app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        _baseUrl = new Uri(address + "/");
        _provider.RedirectUri = address + OidcSignIn.CallbackPath;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task MappedGroup_SignsInAsOperator_EditsSensorButNoUsersPage_RoleFollowsTheProvider()
    {
        var sensor = new SensorDefinition { Name = "SSO journey", Port = LoopbackPorts.FreeUdp(), SenderIp = "127.0.0.1" };
        Assert.True((await _app.Services.GetRequiredService<SensorService>().SaveSensorAsync(sensor)).Saved);
        _provider.NextUser = new OidcUser("sub-olga", "olga", "staff", "net-ops");

        await using (var browser = await SignInBySsoAsync("oidc-operator"))
        {
            var page = browser.Page;
            await browser.WaitInteractiveAsync();
            await Expect(page.Locator(".signed-in-user")).ToHaveTextAsync("olga");
            Assert.True(_provider.PkceVerified);
            Assert.Empty(_provider.Refusals);

            await browser.GoToAsync($"sensors/{sensor.Id}");
            Assert.True(await page.Locator("a[href$='/edit']").CountAsync() > 0);
            await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
            await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Resume" })).ToBeVisibleAsync();
            Assert.True((await _app.Services.GetRequiredService<SensorService>().GetSensorAsync(sensor.Id))!.Paused);
            Assert.Equal(0, await page.Locator("a[href='users']").CountAsync());
            await page.GotoAsync(new Uri(_baseUrl, "users").ToString());
            await Expect(page.GetByText("Your role does not allow this page")).ToBeVisibleAsync();
        }

        var audit = await _app.Services.GetRequiredService<AuditLog>().LatestAsync(50);
        var created = Assert.Single(audit, e => e.Action == "user.create" && e.Subject == "olga");
        Assert.Equal("olga (OpenID Connect)", created.Actor);
        Assert.Contains("Operator", created.After, StringComparison.Ordinal);
        Assert.Contains(audit, e => e.Action == "sensor.pause" && e.Actor == "olga");

        // Moved to the administrators' group at the provider: the next sign-in carries the new role, and it is audited.
        _provider.NextUser = new OidcUser("sub-olga", "olga", "noc-admins");
        await using (var again = await SignInBySsoAsync("oidc-promoted"))
        {
            await again.GoToAsync("users");
            await Expect(again.Page.Locator("tr.user-row[data-user='olga']")).ToBeVisibleAsync();
        }

        Assert.Equal(AccountRoles.Administrator, (await _app.Services.GetRequiredService<AccountService>().ListAsync()).Single(u => u.UserName == "olga").Role);
        Assert.Contains(await _app.Services.GetRequiredService<AuditLog>().LatestAsync(50), e => e.Action == "user.role" && e.Subject == "olga" && e.After!.Contains("Administrator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnmappedGroups_Refused_WithMessage_AndNoAccountCreated()
    {
        _provider.NextUser = new OidcUser("sub-gus", "gus", "guests");
        await using var browser = await BrowserSession.OpenAsync(fixture.Browser, _baseUrl, "oidc-unmapped", signIn: false);

        await browser.Page.GotoAsync(new Uri(_baseUrl, "account/login").ToString());
        await browser.Page.ClickAsync(".sso-button");

        await browser.Page.WaitForAsync(u => u.Contains("sso=norole", StringComparison.Ordinal));
        await Expect(browser.Page.GetByTestId("login-error")).ToContainTextAsync("no FlowWeb role");
        Assert.True(_provider.PkceVerified);
        Assert.DoesNotContain(await _app.Services.GetRequiredService<AccountService>().ListAsync(), u => u.UserName == "gus");
    }

    [Fact]
    public async Task ProviderUserNamedLikeLocalAdministrator_NotLinked_Refused()
    {
        // Someone who may choose their user name at the provider must not become the local administrator.
        _provider.NextUser = new OidcUser("sub-mallory", TestAccounts.AdminUser, "net-ops");
        await using var browser = await BrowserSession.OpenAsync(fixture.Browser, _baseUrl, "oidc-takeover", signIn: false);

        await browser.Page.GotoAsync(new Uri(_baseUrl, "account/login").ToString());
        await browser.Page.ClickAsync(".sso-button");

        await browser.Page.WaitForAsync(u => u.Contains("sso=refused", StringComparison.Ordinal));
        await Expect(browser.Page.GetByTestId("login-error")).ToContainTextAsync("refused");
        Assert.Equal(AccountRoles.Administrator, (await _app.Services.GetRequiredService<AccountService>().ListAsync()).Single(u => u.UserName == TestAccounts.AdminUser).Role);
    }

    [Fact]
    public async Task ProviderUserNamedLikeProxyMadeAccount_NotLinked_RefusedAndTheLogSaysWhy()
    {
        // An account the proxy made has no password; a provider user who picks its name must not get its keys and audit name.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.NotNull((await scope.ServiceProvider.GetRequiredService<ExternalAccounts>().ForProxyAsync("pat", AccountRoles.Viewer)).User);
        }

        _provider.NextUser = new OidcUser("sub-mallory", "pat", "noc-admins");
        await using var browser = await BrowserSession.OpenAsync(fixture.Browser, _baseUrl, "oidc-proxy-takeover", signIn: false);

        await browser.Page.GotoAsync(new Uri(_baseUrl, "account/login").ToString());
        await browser.Page.ClickAsync(".sso-button");

        await browser.Page.WaitForAsync(u => u.Contains("sso=refused", StringComparison.Ordinal));
        await Expect(browser.Page.GetByTestId("login-error")).ToContainTextAsync("refused the account");
        Assert.Contains(_app.Logs.Events, e => e.Message.Contains("sign-in of pat refused: a FlowWeb account named pat already exists", StringComparison.Ordinal)
            && e.Message.Contains("Auth:Oidc:LinkAccountsByName", StringComparison.Ordinal));
        Assert.Equal(AccountRoles.Viewer, (await _app.Services.GetRequiredService<AccountService>().ListAsync()).Single(u => u.UserName == "pat").Role);
    }

    private async Task<BrowserSession> SignInBySsoAsync(string name)
    {
        var browser = await BrowserSession.OpenAsync(fixture.Browser, _baseUrl, name, signIn: false);
        await browser.Page.GotoAsync(new Uri(_baseUrl, "account/login").ToString());
        await Expect(browser.Page.Locator(".sso-button")).ToHaveTextAsync("Sign in with Test IdP");
        await browser.Page.ClickAsync(".sso-button");
        await browser.Page.WaitForAsync(u => !u.Contains("/account/", StringComparison.Ordinal) && !u.Contains("/signin-oidc", StringComparison.Ordinal) && u.StartsWith(_baseUrl.ToString(), StringComparison.Ordinal));
        return browser;
    }
}

using System.Net;
using FlowWeb.Accounts;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// Each role in real Chromium: what it is shown and what the server refuses when asked anyway; an administrator
/// manages users and keys; pages of another origin cannot change anything, and a rebound host name is refused.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RoleJourneyTests(BrowserAppFixture app)
{
    private const string Password = "role-journey-password";

    [Fact]
    public async Task Viewer_SeesSensorButChangesNothing_ServerRefusesTheChangeAnyway()
    {
        var sensor = await SensorAsync("Viewer journey");
        await UserAsync("vera", AccountRoles.Viewer);
        await using var browser = await BrowserSession.OpenAsync(app, "role-viewer", signIn: false);
        await browser.SignInAsync("vera", Password);
        var page = browser.Page;

        await browser.GoToAsync($"sensors/{sensor.Id}");
        await Expect(page.Locator(".sensor-title")).ToHaveTextAsync("Viewer journey");
        await Expect(page.Locator(".sensor-history-button")).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).CountAsync());
        Assert.Equal(0, await page.Locator("a[href$='/edit']").CountAsync());
        await browser.GoToAsync("");
        Assert.Equal(0, await page.Locator(".add-device-button").CountAsync());

        // Asked anyway, from the viewer's own signed-in page (same origin, session cookie): refused.
        var status = await page.EvaluateAsync<int>($"async () => (await fetch('api/sensors/{sensor.Id}/pause', {{ method: 'POST' }})).status");
        Assert.Equal(403, status);
        Assert.False((await app.Service<SensorService>().GetSensorAsync(sensor.Id))!.Paused);

        await page.GotoAsync(new Uri(app.BaseUrl, $"sensors/{sensor.Id}/edit").ToString());
        await Expect(page.GetByText("Your role does not allow this page")).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(app.BaseUrl, "users").ToString());
        await Expect(page.GetByText("Your role does not allow this page")).ToBeVisibleAsync();
        Assert.All(browser.Errors, e => Assert.Contains("403", e, StringComparison.Ordinal)); // only the refused fetch above
    }

    [Fact]
    public async Task Operator_PausesSensorButNotUsers()
    {
        var sensor = await SensorAsync("Operator journey");
        await UserAsync("otto", AccountRoles.Operator);
        await using var browser = await BrowserSession.OpenAsync(app, "role-operator", signIn: false);
        await browser.SignInAsync("otto", Password);
        var page = browser.Page;

        await browser.GoToAsync($"sensors/{sensor.Id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeVisibleAsync();
        Assert.True((await app.Service<SensorService>().GetSensorAsync(sensor.Id))!.Paused);
        var recorded = (await app.Service<AuditLog>().LatestAsync(50)).First(e => e.Subject.Contains(sensor.Id.ToString(), StringComparison.Ordinal));
        Assert.Equal(("sensor.pause", "otto"), (recorded.Action, recorded.Actor));
        Assert.Equal(0, await page.Locator("a[href='users']").CountAsync());

        await page.GotoAsync(new Uri(app.BaseUrl, "users").ToString());
        await Expect(page.GetByText("Your role does not allow this page")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Administrator_AddsUserAndCreatesKeyShownOnce_KeyWorksUntilRevoked()
    {
        await using var browser = await BrowserSession.OpenAsync(app, "role-admin");
        var page = browser.Page;

        await browser.GoToAsync("users");
        await page.FillAsync("#new-user-name", "nina");
        await page.FillAsync("#new-user-password", Password);
        await page.ClickAsync(".add-user-button");
        await Expect(page.Locator("tr.user-row[data-user='nina']")).ToBeVisibleAsync();

        await browser.GoToAsync("account");
        await page.FillAsync("#key-name", "grafana");
        await page.ClickAsync(".create-key-button");
        var key = (await page.Locator(".new-key-value").InnerTextAsync()).Trim();
        Assert.StartsWith(ApiKeyService.KeyPrefix, key, StringComparison.Ordinal);
        await Expect(page.Locator("tr.api-key-row[data-key='grafana']")).ToContainTextAsync("Read");
        await browser.ScreenshotAsync("account-keys.png");

        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        using var read = await http.GetAsync(new Uri("api/sensors", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        await page.ReloadAsync();
        await browser.WaitInteractiveAsync();
        Assert.Equal(0, await page.Locator(".new-key-value").CountAsync());
        await page.Locator("tr.api-key-row[data-key='grafana'] .revoke-key-button").ClickAsync();
        await Expect(page.Locator("tr.api-key-row[data-key='grafana']")).ToContainTextAsync("revoked");
        using var revoked = await http.GetAsync(new Uri("api/sensors", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [Fact]
    public async Task PageOfAnotherOrigin_FormPostAndTextPlainFetch_ChangeNothing()
    {
        var sensor = await SensorAsync("Cross-origin target");
        await using var evil = await EvilSiteAsync(sensor.Id);
        await using var browser = await BrowserSession.OpenAsync(app, "cross-origin");
        var page = browser.Page;

        await page.GotoAsync(evil.Url + "fetch");
        await page.WaitForFunctionAsync("() => window.flowwebResult !== 'pending'");
        Assert.Equal("sent", await page.EvaluateAsync<string>("() => window.flowwebResult"));
        await page.GotoAsync(evil.Url + "form");
        await page.WaitForAsync(u => u.Contains("/pause", StringComparison.Ordinal));
        Assert.Contains("Cross-site request refused", await page.ContentAsync(), StringComparison.Ordinal);

        var sensors = await app.Service<SensorService>().ListSensorsAsync();
        Assert.DoesNotContain(sensors, s => s.Name == "evil");
        Assert.False(sensors.Single(s => s.Id == sensor.Id).Paused);
    }

    [Fact]
    public async Task RebindingHostName_ResolvedToTheServer_Refused()
    {
        // Chromium resolves rebind.test to 127.0.0.1, as an attacker's DNS would after rebinding.
        await using var rebinding = await app.Browser.BrowserType.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserAppFixture.ChromiumPath, Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--host-resolver-rules=MAP rebind.test 127.0.0.1"],
        });
        var page = await rebinding.NewPageAsync();

        var response = await page.GotoAsync($"http://rebind.test:{app.BaseUrl.Port}/health");

        Assert.Equal(400, response!.Status);
    }

    [Fact]
    public async Task FirstRun_FromLoopback_SetupCreatesAdministratorAndSignsIn()
    {
        await using var fresh = new FlowWebFactory();
        fresh.Settings["Auth:InitialAdmin:UserName"] = "";
        fresh.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        fresh.StartServer();
        var address = fresh.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await using var browser = await BrowserSession.OpenAsync(app.Browser, new Uri(address.TrimEnd('/') + "/"), "first-run", signIn: false);
        var page = browser.Page;

        await page.GotoAsync(address);
        Assert.EndsWith("/setup", page.Url, StringComparison.Ordinal);
        await browser.ScreenshotAsync("setup.png");
        await page.FillAsync("#username", "owner");
        await page.FillAsync("#password", Password);
        await page.FillAsync("#confirm", Password);
        await page.ClickAsync("button[type=submit]");

        await browser.WaitInteractiveAsync();
        await Expect(page.Locator(".signed-in-user")).ToHaveTextAsync("owner");
        Assert.Equal(AccountRoles.Administrator, (await fresh.Services.GetRequiredService<AccountService>().ListAsync()).Single().Role);
        Assert.Empty(browser.Errors);
    }

    private async Task<SensorDefinition> SensorAsync(string name)
    {
        var sensor = new SensorDefinition { Name = name, Port = LoopbackPorts.FreeUdp(), SenderIp = "127.0.0.1" };
        var saved = await app.Service<SensorService>().SaveSensorAsync(sensor);
        Assert.True(saved.Saved, string.Join("; ", saved.Errors));
        return sensor;
    }

    private async Task UserAsync(string name, string role)
    {
        var accounts = app.Service<AccountService>();
        if ((await accounts.ListAsync()).All(u => u.UserName != name))
        {
            Assert.Empty(await accounts.CreateAsync(name, Password, role));
        }
    }

    /// <summary>A site on another loopback port: one page auto-submits a form to pause, one fetches a create as text/plain.</summary>
    private async Task<EvilSite> EvilSiteAsync(Guid sensor)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var site = builder.Build();
        var target = app.BaseUrl.ToString().TrimEnd('/');
        site.MapGet("/form", () => Results.Content(
            $"<form id=f method=post action='{target}/api/sensors/{sensor}/pause'></form><script>document.getElementById('f').submit()</script>", "text/html"));
        site.MapGet("/fetch", () => Results.Content(
            $$"""
            <script>
            window.flowwebResult = 'pending';
            const simple = (path, body) => fetch('{{target}}' + path, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body });
            Promise.all([simple('/api/sensors/{{sensor}}/pause', ''), simple('/api/sensors', JSON.stringify({ name: 'evil', port: 40999 }))])
              .then(() => window.flowwebResult = 'sent', () => window.flowwebResult = 'failed');
            </script>
            """, "text/html"));
        await site.StartAsync();
        var address = site.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EvilSite(site, address.TrimEnd('/') + "/");
    }

    private sealed class EvilSite(WebApplication site, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public async ValueTask DisposeAsync() => await site.DisposeAsync();
    }
}

using System.Net;
using FlowWeb.Api;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Detection;
using FlowWeb.Tests.Web;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Mitigation;

/// <summary>
/// The app with automatic action on a device whose "router" is the RouterOS stand-in over HTTPS: attacks over real
/// UDP are banned when they start and the bans removed when they end; a whitelisted victim is not banned; manual
/// bans have no timeout; every action is on the attack; the password is stored encrypted.
/// </summary>
public sealed class AutomaticMitigationTests
{
    private static readonly string[] Whitelist = ["203.0.113.99"];

    [Fact]
    public async Task Attack_AutomaticActionOn_AddressListEntryWhileItLastsAndWhitelistRespected()
    {
        await using var router = await FakeRouterOsRest.StartAsync();
        using var factory = new FlowWebFactory();
        factory.Settings["Detection:EndAfterSeconds"] = "3";
        using var client = factory.CreateClient();

        var device = await (await client.PostJsonAsync("/api/devices", new { name = "edge router", address = "127.0.0.1" })).ReadAsync<DeviceResponse>(HttpStatusCode.Created);
        var settings = await (await client.PutJsonAsync($"/api/devices/{device.Id}/mitigation", new
        {
            automatic = true, url = router.Url.ToString(), username = FakeRouterOsRest.User, password = FakeRouterOsRest.Password,
            banMinutes = 30, whitelist = Whitelist, certificateThumbprint = router.Thumbprint,
        })).ReadAsync<MitigationSettingsResponse>(HttpStatusCode.OK);
        Assert.True(settings.HasPassword);

        var sensor = new SensorDefinition
        {
            Name = "edge", Port = factory.UdpPort, DeviceId = device.Id,
            Detection = new SensorDetectionSettings { ProtectedNetworks = AttackScenario.ProtectedNetworks },
        };
        Assert.True((await factory.Services.GetRequiredService<SensorService>().SaveSensorAsync(sensor)).Saved);

        var flood = AttackScenario.Of(AttackKind.SynFlood, ipv6: false, 1);
        var whitelisted = flood with { Victim = "203.0.113.99" };
        using var driver = new AttackDriver(factory.UdpPort, client, sensor.Id, 1);
        await driver.AttackUntilReportedAsync([flood, whitelisted]);

        // The flood goes on until the ban is on the router: on a busy machine the ban may come seconds after the report,
        // and an attack left quiet by then would have ended (and its ban been taken back) before it is looked at. Waits
        // for the request, not the entry: the fake router logs a request after its effect, so an entry can be seen
        // before its PUT is.
        await driver.AttackUntilAsync([flood, whitelisted], () => Task.FromResult(router.Requests.Any(r => r.Method == "PUT")), 1, 15);
        var put = Assert.Single(router.Requests, r => r.Method == "PUT");
        Assert.Equal("/rest/ip/firewall/address-list", put.Path);
        Assert.Equal(("flowweb-ddos", flood.Victim, "30m"), (put.Body["list"], put.Body["address"], put.Body["timeout"]));
        Assert.StartsWith("FlowWeb attack ", put.Body["comment"], StringComparison.Ordinal);
        var entry = Assert.Single(router.Entries("ip/firewall/address-list"));

        var attacks = await driver.QuietUntilAsync(list => list.Length == 2 && list.All(a => !a.Ongoing) && router.Requests.Any(r => r.Method == "DELETE"),
            TimeSpan.FromSeconds(25));
        Assert.Empty(router.Entries("ip/firewall/address-list"));
        Assert.Equal($"/rest/ip/firewall/address-list/{entry[".id"]}", Assert.Single(router.Requests, r => r.Method == "DELETE").Path);
        Assert.DoesNotContain(router.Requests, r => r.Body.GetValueOrDefault("address") == whitelisted.Victim);

        var banned = await Poll.UntilAsync(() => client.GetAsync<AttackResponse>($"/api/attacks/{attacks.Single(a => a.Victim == flood.Victim).Id}"),
            a => a.Actions.Count == 2, TimeSpan.FromSeconds(10), a => string.Join("; ", a.Actions.Select(x => $"{x.Action} {x.Outcome}")));
        Assert.Equal(["ban", "remove"], banned.Actions.Select(a => a.Action));
        Assert.All(banned.Actions, a => Assert.True(a.Succeeded && !a.Manual && a.Device == "edge router", a.Outcome));
        Assert.Equal(entry[".id"], banned.Actions[0].RouterId);

        var skipped = await client.GetAsync<AttackResponse>($"/api/attacks/{attacks.Single(a => a.Victim == whitelisted.Victim).Id}");
        var skip = Assert.Single(skipped.Actions);
        Assert.Equal(("skip", "not banned: 203.0.113.99 is whitelisted"), (skip.Action, skip.Outcome));

        // By hand: no timeout, and it stays after the attack until removed by hand.
        using var ban = await client.PostAsync(new Uri($"/api/attacks/{banned.Id}/bans?deviceId={device.Id}", UriKind.Relative), null);
        var manual = await ban.ReadAsync<AttackAction>(HttpStatusCode.OK);
        Assert.True(manual.Manual && manual.Succeeded, manual.Outcome);
        Assert.False(router.Requests.Last().Body.ContainsKey("timeout"));
        Assert.Single(router.Entries("ip/firewall/address-list"));
        using var unban = await client.DeleteAsync(new Uri($"/api/attacks/{banned.Id}/bans?deviceId={device.Id}", UriKind.Relative));
        Assert.True((await unban.ReadAsync<AttackAction>(HttpStatusCode.OK)).Succeeded);
        Assert.Empty(router.Entries("ip/firewall/address-list"));

        // The audit log: FlowWeb's own actions as "system", those asked through the API as the key's user.
        var audit = await factory.Services.GetRequiredService<FlowWeb.Accounts.AuditLog>().LatestAsync(50);
        var subject = $"attack {banned.Id} on edge router";
        Assert.Equal("system", Assert.Single(audit, e => e.Action == "attack.auto-ban" && e.Subject == subject).Actor);
        Assert.Equal("system", Assert.Single(audit, e => e.Action == "attack.auto-remove" && e.Subject == subject).Actor);
        Assert.Contains(audit, e => e.Action == "attack.auto-skip" && e.Actor == "system");
        var manualEntry = Assert.Single(audit, e => e.Action == "attack.ban" && e.Subject == subject);
        Assert.Equal("key:tests (API key tests)", manualEntry.Actor);
        Assert.Contains(flood.Victim, manualEntry.After, StringComparison.Ordinal);
        Assert.Equal("key:tests (API key tests)", Assert.Single(audit, e => e.Action == "attack.unban" && e.Subject == subject).Actor);

        // The password is in the database only encrypted, and never comes back through the API.
        await using var db = new SqliteConnection($"Data Source={Path.Combine(factory.DataDirectory, "flowweb.db")};Mode=ReadOnly");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT ProtectedPassword FROM DeviceMitigations";
        var stored = (string)(await command.ExecuteScalarAsync())!;
        Assert.DoesNotContain(FakeRouterOsRest.Password, stored, StringComparison.Ordinal);
        Assert.True(stored.Length > 40);
        var json = await client.GetStringAsync(new Uri($"/api/devices/{device.Id}/mitigation", UriKind.Relative));
        Assert.DoesNotContain(FakeRouterOsRest.Password, json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MitigationSettings_Invalid_EveryFieldNamedAndNothingSaved()
    {
        using var factory = new FlowWebFactory();
        using var client = factory.CreateClient();
        var device = await (await client.PostJsonAsync("/api/devices", new { name = "r" })).ReadAsync<DeviceResponse>(HttpStatusCode.Created);

        using var response = await client.PutJsonAsync($"/api/devices/{device.Id}/mitigation", new { automatic = true, url = "http://r", banMinutes = 0 });
        var problem = await response.ValidationProblemAsync();

        Assert.Equal(["banMinutes", "url", "username"], problem.Errors.Keys.Order());
        Assert.False((await client.GetAsync<MitigationSettingsResponse>($"/api/devices/{device.Id}/mitigation")).Automatic);
    }
}

using System.Net;
using FlowWeb.Accounts;
using FlowWeb.Api;
using FlowWeb.Core.Storage;
using FlowWeb.Core.Storage.Entities;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Security;

/// <summary>Changes through the API are recorded with who made them and the settings before and after; old entries expire; administrators read them.</summary>
public sealed class AuditLogTests : IDisposable
{
    private readonly FlowWebFactory _factory = new();

    [Fact]
    public async Task ApiChanges_RecordedWithActorAndSettings_NewestFirst()
    {
        using var client = _factory.CreateClient();
        using var created = await client.PostJsonAsync("/api/sensors", new SensorRequest { Name = "audited", Port = LoopbackPorts.FreeUdp() });
        var sensor = await created.ReadAsync<SensorResponse>(HttpStatusCode.Created);
        using var paused = await client.PostAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/pause"), null);
        using var renamed = await client.PutJsonAsync($"/api/sensors/{sensor.Id}", new SensorRequest { Name = "audited 2", Port = sensor.Port, Paused = true });
        using var deleted = await client.DeleteAsync(ApiJson.Url($"/api/sensors/{sensor.Id}"));
        using var device = await client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "edge" });

        var entries = await _factory.Services.GetRequiredService<AuditLog>().LatestAsync(10);

        Assert.Equal(["device.create", "sensor.delete", "sensor.update", "sensor.pause", "sensor.create"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("key:tests (API key tests)", e.Actor));
        var update = entries[2];
        Assert.Contains("\"name\":\"audited\"", update.Before, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"audited 2\"", update.After, StringComparison.Ordinal);
        Assert.Null(entries[1].After);
        Assert.Null(entries[4].Before);
        Assert.Contains(sensor.Id.ToString(), entries[1].Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LimitChange_RecordedWithOldAndNewLimits()
    {
        using var client = _factory.CreateClient();
        var port = LoopbackPorts.FreeUdp();
        using var created = await client.PostJsonAsync("/api/sensors", new SensorRequest { Name = "limited", Port = port });
        var sensor = await created.ReadAsync<SensorResponse>(HttpStatusCode.Created);
        var sensors = _factory.Services.GetRequiredService<FlowWeb.Core.Sensors.SensorService>();
        var before = (await sensors.GetSensorAsync(sensor.Id))!;
        var limit = new FlowWeb.Core.Alerts.Limits.ChannelLimit { ChannelId = FlowWeb.Core.Aggregation.SensorAggregator.BuildChannels(before).Channels[0].Id, UpperError = 900_000_000 };
        Assert.True((await sensors.SaveSensorAsync(before with { Limits = [limit] })).Saved);
        Assert.True((await sensors.SaveSensorAsync(before with { Limits = [limit with { UpperError = 500_000_000 }] })).Saved);

        var entries = await _factory.Services.GetRequiredService<AuditLog>().LatestAsync(10);

        Assert.Equal(["sensor.limits", "sensor.limits", "sensor.create"], entries.Select(e => e.Action));
        Assert.Equal("[]", entries[1].Before);
        Assert.Contains("\"upperError\":900000000", entries[0].Before, StringComparison.Ordinal);
        Assert.Contains("\"upperError\":500000000", entries[0].After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MitigationSettingsChanged_RecordedWithoutThePassword()
    {
        using var client = _factory.CreateClient();
        using var created = await client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "border", Address = "192.0.2.30" });
        var device = await created.ReadAsync<DeviceResponse>(HttpStatusCode.Created);

        using var saved = await client.PutJsonAsync($"/api/devices/{device.Id}/mitigation",
            new MitigationSettingsRequest(true, "https://192.0.2.30", "flowweb", "s3cret-router-pass", BanMinutes: 30));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var entry = Assert.Single(await _factory.Services.GetRequiredService<AuditLog>().LatestAsync(10), e => e.Action == "device.mitigation");
        Assert.Contains("border", entry.Subject, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"https://192.0.2.30\"", entry.After, StringComparison.Ordinal);
        Assert.Contains("\"hasPassword\":true", entry.After, StringComparison.Ordinal);
        Assert.Contains("\"hasPassword\":false", entry.Before, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-router-pass", entry.Before + entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlarmAcknowledgedThroughApi_RecordedWithActorAndComment()
    {
        using var client = _factory.CreateClient();
        const string Key = "attack:audit-test";
        _factory.Services.GetRequiredService<FlowWeb.Core.Alerts.IAlertSink>().Raise(
            FlowWeb.Core.Alerts.AlertSignal.Started(Key, FlowWeb.Core.Alerts.AlertKind.Attack, FlowWeb.Core.Alerts.AlertSeverity.Error, "detect", "192.0.2.7", "SYN flood"));
        var center = _factory.Services.GetRequiredService<FlowWeb.Core.Alerts.AlertCenter>();
        await Poll.UntilAsync(() => Task.FromResult(center.ActiveAlarm(Key)), a => a is not null, TimeSpan.FromSeconds(10), _ => "alarm not raised");

        using var acknowledged = await client.PostJsonAsync("/api/alarms/acknowledge", new AcknowledgeRequest(Key, "upstream informed", "noc"));
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);

        var entry = Assert.Single(await _factory.Services.GetRequiredService<AuditLog>().LatestAsync(10), e => e.Action == "alarm.acknowledge");
        Assert.Equal("key:tests (API key tests)", entry.Actor);
        Assert.Contains(Key, entry.Subject, StringComparison.Ordinal);
        Assert.Contains("upstream informed", entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditPage_Administrator_ListsEntries()
    {
        using var api = _factory.CreateClient();
        using var created = await api.PostJsonAsync("/api/devices", new DeviceRequest { Name = "listed-device" });
        using var browser = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        browser.DefaultRequestHeaders.Remove("X-Api-Key");
        await TestAccounts.SignInAsync(browser);

        var page = await browser.GetStringAsync(ApiJson.Url("/audit"));

        Assert.Contains("device.create", page, StringComparison.Ordinal);
        Assert.Contains("listed-device", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_EntriesOlderThanRetention_DeletedOnWrite()
    {
        var contexts = _factory.Services.GetRequiredService<IDbContextFactory<FlowWebDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.AuditEntries.Add(new AuditEntryRow { TimeUnixMs = DateTimeOffset.UtcNow.AddDays(-400).ToUnixTimeMilliseconds(), Actor = "old", Action = "sensor.create", Subject = "old" });
            await db.SaveChangesAsync();
        }

        using var client = _factory.CreateClient();
        using var created = await client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "fresh" });

        var entries = await _factory.Services.GetRequiredService<AuditLog>().LatestAsync(10);
        Assert.Equal(["fresh"], entries.Select(e => e.Subject.Split(' ')[0]));
    }

    public void Dispose() => _factory.Dispose();
}

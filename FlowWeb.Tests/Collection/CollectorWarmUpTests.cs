using FlowWeb.Api;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Storage;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Collection;

/// <summary>
/// The collector's warm-up runs the whole receive path (every export protocol, both address families, the toplists
/// and detection) on datagrams of its own before the ports open, then a first attack and alert through their stores
/// into a private database, and leaves nothing of either anywhere a user looks.
/// </summary>
public sealed class CollectorWarmUpTests
{
    [Fact]
    public void Run_EveryProtocolDecodedAndEveryRecordCounted()
    {
        var result = CollectorWarmUp.Run(new AggregationOptions(), new DetectionOptions(), TimeProvider.System);

        // v5 carries the IPv4 records (seven in eight), v9 and both IPFIX shapes every record.
        var perProtocol = CollectorWarmUp.RecordsPerProtocol;
        var v4 = perProtocol - (perProtocol / 8);
        Assert.Equal(0, result.Failed);
        Assert.Equal(v4 + (3 * perProtocol), result.Records);
        Assert.Equal(result.Records, result.Accepted);
        Assert.InRange(result.Datagrams, 4 * (perProtocol / 30), 4 * perProtocol);

        // Connections, talkers and the three address lists filled their small tables and purged; protocols did not.
        Assert.Equal(5, result.PurgedToplists);
    }

    [Fact]
    public async Task App_WarmedUpAtStart_NoExporterSensorFlowOrAttackLeftBehind()
    {
        using var factory = new FlowWebFactory();
        using var client = factory.CreateClient();

        var metrics = (await client.GetStringAsync(ApiJson.Url("/metrics"))).Split('\n');
        Assert.DoesNotContain(metrics, l => l.StartsWith("flowweb_flows_received_total{", StringComparison.Ordinal));
        Assert.DoesNotContain(metrics, l => l.StartsWith("flowweb_datagrams_received_total{", StringComparison.Ordinal));
        Assert.Contains("flowweb_decoder_budget{table=\"exporters\",measure=\"used\"} 0", metrics);
        Assert.Contains("flowweb_decoder_budget{table=\"template_bytes\",measure=\"used\"} 0", metrics);
        Assert.Empty(await client.GetAsync<AttackResponse[]>("/api/attacks"));
    }

    [Fact]
    public async Task AttackPath_FloodStartsAnAttackStoredInAPrivateDatabase_AppDatabaseUntouched()
    {
        using var factory = new FlowWebFactory();
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<FlowWebDbContext>>();

        var result = await AttackPathWarmUp.RunAsync(new DetectionOptions(), TimeProvider.System, contexts, CancellationToken.None);

        Assert.Equal(AttackType.NtpAmplification, result.Attack);
        Assert.Equal(2, result.AttackWrites);
        Assert.Equal(4, result.AlertWrites); // the event, the alarm's start, its escalation and its end

        // Neither this run nor the one at start-up wrote to the application's database.
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        Assert.Equal(0, await db.Attacks.CountAsync(CancellationToken.None));
        Assert.Equal(0, await db.Alarms.CountAsync(CancellationToken.None));
        Assert.DoesNotContain(await db.AlertEvents.Select(e => e.Source).ToListAsync(CancellationToken.None), s => s == "warm-up");
    }

    [Fact]
    public async Task AttackPath_WithoutADatabase_StillStartsTheAttack()
    {
        var result = await AttackPathWarmUp.RunAsync(new DetectionOptions(), TimeProvider.System, contexts: null, CancellationToken.None);

        Assert.Equal(AttackType.NtpAmplification, result.Attack);
        Assert.Equal(0, result.AttackWrites + result.AlertWrites);
    }
}

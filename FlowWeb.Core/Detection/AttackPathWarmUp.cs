using System.Diagnostics;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Alerts;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace FlowWeb.Core.Detection;

/// <summary>
/// Runs what a first attack and a first alert run, once, before any port opens, with nothing anybody sees: an NTP
/// amplification flood on a documentation address goes into a detector of its own until the attack starts, its report
/// is stored twice (new, then updated) by an <see cref="AttackStore"/> and an alarm with its events by an
/// <see cref="AlertStore"/>, both in a private in-memory SQLite database that is dropped afterwards. The contexts
/// come from the application's own factory, pointed at that database: Entity Framework builds its model's accessors
/// and caches compiled queries per context configuration, so a factory of its own would have warmed a copy nobody uses.
/// </summary>
/// <remarks>
/// Every method is compiled at its first call (tiered compilation is off, see FlowWeb.csproj). A fresh server's
/// first heavy load used to pay for compiling the attack, Entity Framework, JSON and alert paths while it ran: about
/// 370 KB of code in 1,450 methods on the benchmark's workload, on the thread pool beside the receive thread. A load
/// after a small earlier attack cost 10-12 % less CPU per flow than the same load on a fresh server (notes of issue
/// 10). The code is process-wide, so compiling it here serves the real detector and the real database later.
/// </remarks>
internal static class AttackPathWarmUp
{
    /// <summary>Flood records per second: 2,000 of 100 packets, above the default packet and UDP thresholds.</summary>
    private const int RecordsPerSecond = 2000;

    /// <summary>What the warm-up did: the attack it started (null if none did) and the rows it stored.</summary>
    public readonly record struct Result(TimeSpan Took, AttackType? Attack, int AttackWrites, int AlertWrites);

    /// <param name="contexts">The application's context factory; null (no database configured) warms detection only.</param>
    public static async Task<Result> RunAsync(DetectionOptions detection, TimeProvider time, IDbContextFactory<FlowWebDbContext>? contexts, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var report = StartAttack(detection, time);
        if (contexts is null)
        {
            return new Result(Stopwatch.GetElapsedTime(started), report?.Type, 0, 0);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = $"flowweb-warm-up-{Guid.NewGuid():N}",
            Mode = SqliteOpenMode.Memory,
            Cache = SqliteCacheMode.Shared,
        }.ToString();

        // A shared-cache memory database lives while a connection to it is open.
        var keep = new SqliteConnection(connectionString);
        await using (keep.ConfigureAwait(false))
        {
            await keep.OpenAsync(cancellationToken).ConfigureAwait(false);
            var privateContexts = new PrivateContexts(contexts, connectionString);
            var db = privateContexts.CreateDbContext();
            await using (db.ConfigureAwait(false))
            {
                await db.Database.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            }

            var attackWrites = 0;
            if (report is not null)
            {
                var store = new AttackStore(privateContexts);
                await store.UpsertAsync([report], cancellationToken).ConfigureAwait(false);
                await store.UpsertAsync([report with { End = report.Start.AddSeconds(60) }], cancellationToken).ConfigureAwait(false);
                attackWrites = 2;
                await store.DeleteEndedBeforeAsync(time.GetUtcNow().AddDays(1), cancellationToken).ConfigureAwait(false);
            }

            var alertWrites = await WriteAlertsAsync(new AlertStore(privateContexts), time, cancellationToken).ConfigureAwait(false);
            return new Result(Stopwatch.GetElapsedTime(started), report?.Type, attackWrites, alertWrites);
        }
    }

    /// <summary>Feeds a flood to a detector of its own, second by second, until the attack starts; its first report.</summary>
    private static AttackReport? StartAttack(DetectionOptions detection, TimeProvider time)
    {
        var sensor = new SensorDefinition { Name = "warm-up" };
        var detector = new SensorDetector(sensor.Id, sensor.Name, new DetectionConfig(detection, sensor.Detection), time, () => 1);
        var first = time.GetUtcNow().ToUnixTimeSeconds();
        var shard = detector.CreateShards(1, first)[0];
        var exporter = FlowAddress.FromIPv4(0x7F00_0001);
        var victim = FlowAddress.FromIPv4(0xC000_0237); // 192.0.2.55 (TEST-NET-1)
        var random = new Random(123);
        var limit = detector.Config.StartAfterSeconds + 3;

        // A second's flood as one batch, through the path the collector's receive threads use.
        var records = new FlowRecord[RecordsPerSecond];
        var accepted = Enumerable.Range(0, RecordsPerSecond).ToArray();
        var rates = Enumerable.Repeat(1u, RecordsPerSecond).ToArray();
        for (var s = 0; s < limit; s++)
        {
            var second = first + s;
            for (var i = 0; i < RecordsPerSecond; i++)
            {
                records[i] = new FlowRecord
                {
                    SrcAddr = FlowAddress.FromIPv4(0x0A00_0000u | (uint)random.Next(1 << 24)),
                    DstAddr = victim,
                    SrcPort = 123,
                    DstPort = (ushort)random.Next(1024, 65536),
                    Protocol = 17,
                    Packets = 100,
                    Bytes = 100 * 468,
                    StartMs = second * 1000,
                    EndMs = (second * 1000) + 500,
                    InIf = 1,
                    OutIf = 2,
                };
            }

            shard.Add(new ObservedBatch(records, accepted, rates, exporter, second));

            shard.Roll(second + 1);
            foreach (var change in detector.Tick(second + 1))
            {
                if (change.Started)
                {
                    // An ongoing attack's report, as each tick after the start makes it (with the evidence merged since).
                    foreach (var attack in detector.OngoingAttacks)
                    {
                        _ = attack.Report();
                    }

                    return change.Report;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// An event and an alarm raised, escalated and cleared on a center of its own (no listener), each step written as the
    /// alert writer does, then the retention of events; returns the writes.
    /// </summary>
    private static async Task<int> WriteAlertsAsync(AlertStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var center = new AlertCenter(time);
        const string source = "warm-up";
        const string key = "warm-up:alarm";
        var writes = 0;
        AlertSignal[][] steps =
        [
            [
                AlertSignal.Event("warm-up:event", AlertKind.Exporter, AlertSeverity.Info, source, "192.0.2.1", "Warm-up event"),
                AlertSignal.Started(key, AlertKind.Attack, AlertSeverity.Warning, source, "192.0.2.55", "Warm-up alarm"),
            ],

            // Escalated: a quiet update (same severity) stays in memory, and the stored alarm's update would not run.
            [AlertSignal.Started(key, AlertKind.Attack, AlertSeverity.Error, source, "192.0.2.55", "Warm-up alarm, escalated")],
            [AlertSignal.Cleared(key, AlertKind.Attack, source, "Warm-up alarm cleared")],
        ];
        foreach (var step in steps)
        {
            foreach (var signal in step)
            {
                center.Raise(signal);
            }

            var batch = new List<AlertWrite>();
            while (center.Writes.TryRead(out var write))
            {
                batch.Add(write);
            }

            await store.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            writes += batch.Count;
        }

        await store.DeleteExpiredAsync(time.GetUtcNow().AddDays(1), maxEvents: 1, batch: 100, cancellationToken).ConfigureAwait(false);
        return writes;
    }

    /// <summary>The application's contexts, each pointed at the private database before it opens a connection.</summary>
    private sealed class PrivateContexts(IDbContextFactory<FlowWebDbContext> contexts, string connectionString) : IDbContextFactory<FlowWebDbContext>
    {
        public FlowWebDbContext CreateDbContext()
        {
            var db = contexts.CreateDbContext();
            db.Database.SetConnectionString(connectionString);
            return db;
        }
    }
}

using System.Text.Json;
using FlowWeb.Core.Storage;
using FlowWeb.Core.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace FlowWeb.Core.Alerts;

/// <summary>Which events of the log to read: all filters optional, newest first, at most <see cref="MaxCount"/>.</summary>
public sealed record AlertQuery
{
    public const int MaxCount = 1000;

    public Guid? SensorId { get; init; }

    public Guid? DeviceId { get; init; }

    /// <summary>This severity and worse.</summary>
    public AlertSeverity? MinSeverity { get; init; }

    public AlertKind? Kind { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>Only events older than this id (the next page).</summary>
    public long? BeforeId { get; init; }

    public int Count { get; init; } = 100;
}

/// <summary>The log and the active alarms in the database: one context per operation, no-tracking reads.</summary>
public sealed class AlertStore(IDbContextFactory<FlowWebDbContext> contexts)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal async Task<(long MaxEventId, List<Alarm> Active)> LoadAsync(CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var max = await db.AlertEvents.MaxAsync(e => (long?)e.Id, cancellationToken).ConfigureAwait(false) ?? 0;
            var rows = await db.Alarms.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return (max, [.. rows.Select(ToAlarm)]);
        }
    }

    /// <summary>Inserts the events and brings each alarm touched to its last state, in one transaction.</summary>
    internal async Task WriteAsync(IReadOnlyList<AlertWrite> writes, CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                db.AlertEvents.AddRange(writes.Where(w => w.Event is not null).Select(w => ToRow(w.Event!)));
                var alarms = writes.Where(w => w.AlarmChanged).GroupBy(w => w.AlarmKey, StringComparer.Ordinal).Select(g => (g.Key, g.Last().Alarm)).ToList();
                var keys = alarms.Select(a => a.Key).ToList();
                var existing = await db.Alarms.Where(a => keys.Contains(a.Key)).Select(a => a.Key).ToListAsync(cancellationToken).ConfigureAwait(false);
                foreach (var (key, alarm) in alarms)
                {
                    var exists = existing.Contains(key, StringComparer.Ordinal);
                    if (alarm is null)
                    {
                        if (exists)
                        {
                            db.Alarms.Remove(new AlarmRow { Key = key });
                        }
                    }
                    else if (exists)
                    {
                        db.Alarms.Update(ToRow(alarm));
                    }
                    else
                    {
                        db.Alarms.Add(ToRow(alarm));
                    }
                }

                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<IReadOnlyList<AlertEvent>> QueryAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            IQueryable<AlertEventRow> rows = db.AlertEvents.AsNoTracking();
            if (query.SensorId is { } sensor)
            {
                rows = rows.Where(e => e.SensorId == sensor);
            }

            if (query.DeviceId is { } device)
            {
                rows = rows.Where(e => e.DeviceId == device);
            }

            if (query.MinSeverity is { } min)
            {
                var severities = Enum.GetValues<AlertSeverity>().Where(s => s >= min).ToList();
                rows = rows.Where(e => severities.Contains(e.Severity));
            }

            if (query.Kind is { } kind)
            {
                rows = rows.Where(e => e.Kind == kind);
            }

            if (query.From is { } from)
            {
                var ms = from.ToUnixTimeMilliseconds();
                rows = rows.Where(e => e.AtMs >= ms);
            }

            if (query.To is { } to)
            {
                var ms = to.ToUnixTimeMilliseconds();
                rows = rows.Where(e => e.AtMs < ms);
            }

            if (query.BeforeId is { } before)
            {
                rows = rows.Where(e => e.Id < before);
            }

            var count = Math.Clamp(query.Count, 1, AlertQuery.MaxCount);
            var list = await rows.OrderByDescending(e => e.Id).Take(count).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. list.Select(ToEvent)];
        }
    }

    /// <summary>Deletes events older than <paramref name="cutoff"/> and, beyond <paramref name="maxEvents"/>, the oldest; in batches.</summary>
    internal async Task<int> DeleteExpiredAsync(DateTimeOffset cutoff, int maxEvents, int batch, CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var cutoffMs = cutoff.ToUnixTimeMilliseconds();
            var deleted = 0;
            while (true)
            {
                var ids = await db.AlertEvents.Where(e => e.AtMs < cutoffMs).OrderBy(e => e.Id).Select(e => e.Id).Take(batch)
                    .ToListAsync(cancellationToken).ConfigureAwait(false);
                if (ids.Count == 0)
                {
                    break;
                }

                var low = ids[0];
                var high = ids[^1];
                deleted += await db.AlertEvents.Where(e => e.Id >= low && e.Id <= high).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }

            var total = await db.AlertEvents.CountAsync(cancellationToken).ConfigureAwait(false);
            if (total > maxEvents)
            {
                var keepFrom = await db.AlertEvents.OrderByDescending(e => e.Id).Skip(maxEvents - 1).Select(e => e.Id)
                    .FirstAsync(cancellationToken).ConfigureAwait(false);
                deleted += await db.AlertEvents.Where(e => e.Id < keepFrom).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }

            return deleted;
        }
    }

    private static AlertEventRow ToRow(AlertEvent e) => new()
    {
        Id = e.Id,
        AtMs = e.At.ToUnixTimeMilliseconds(),
        Phase = e.Phase,
        Kind = e.Kind,
        Severity = e.Severity,
        Source = e.Source,
        Key = e.Key,
        Subject = e.Subject,
        Message = e.Message,
        SensorId = e.SensorId,
        DeviceId = e.DeviceId,
        ValuesJson = JsonSerializer.Serialize(e.Values, Json),
        DetailsJson = JsonSerializer.Serialize(e.Details, Json),
    };

    private static AlertEvent ToEvent(AlertEventRow r) => new(
        r.Id, DateTimeOffset.FromUnixTimeMilliseconds(r.AtMs), r.Phase, r.Kind, r.Severity, r.Source, r.Key, r.Subject, r.Message,
        r.SensorId, r.DeviceId, Values(r.ValuesJson), Details(r.DetailsJson));

    private static AlarmRow ToRow(Alarm a) => new()
    {
        Key = a.Key,
        Kind = a.Kind,
        Severity = a.Severity,
        Source = a.Source,
        Subject = a.Subject,
        Message = a.Message,
        SensorId = a.SensorId,
        DeviceId = a.DeviceId,
        StartedAtMs = a.StartedAt.ToUnixTimeMilliseconds(),
        UpdatedAtMs = a.UpdatedAt.ToUnixTimeMilliseconds(),
        ValuesJson = JsonSerializer.Serialize(a.Values, Json),
        DetailsJson = JsonSerializer.Serialize(a.Details, Json),
        AcknowledgedAtMs = a.Acknowledged?.At.ToUnixTimeMilliseconds(),
        AcknowledgedBy = a.Acknowledged?.By,
        AcknowledgeComment = a.Acknowledged?.Comment,
    };

    private static Alarm ToAlarm(AlarmRow r) => new(
        r.Key, r.Kind, r.Severity, r.Source, r.Subject, r.Message, r.SensorId, r.DeviceId,
        DateTimeOffset.FromUnixTimeMilliseconds(r.StartedAtMs), DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAtMs),
        Values(r.ValuesJson), Details(r.DetailsJson),
        r.AcknowledgedAtMs is { } at ? new AlarmAcknowledgement(DateTimeOffset.FromUnixTimeMilliseconds(at), r.AcknowledgedBy ?? "", r.AcknowledgeComment ?? "") : null);

    private static Dictionary<string, double> Values(string json) => JsonSerializer.Deserialize<Dictionary<string, double>>(json, Json) ?? [];

    private static Dictionary<string, string> Details(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json, Json) ?? [];
}

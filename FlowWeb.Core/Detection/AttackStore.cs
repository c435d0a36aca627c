using System.Text.Json;
using System.Text.Json.Serialization;
using FlowWeb.Core.Storage;
using FlowWeb.Core.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace FlowWeb.Core.Detection;

/// <summary>Which stored attacks to list: every filter optional, newest first, at most <see cref="MaxCount"/>.</summary>
public sealed record AttackQuery
{
    public const int MaxCount = 1000;

    /// <summary>True: only ongoing; false: only ended; null: both.</summary>
    public bool? Active { get; init; }

    /// <summary>Attacks that were on at some moment in [From, To).</summary>
    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public Guid? SensorId { get; init; }

    public AttackDirection? Direction { get; init; }

    public AttackType? Type { get; init; }

    /// <summary>The victim's text starts with this (an address, a prefix's start).</summary>
    public string? Victim { get; init; }

    public int Count { get; init; } = 100;

    /// <summary>Only attacks with a smaller id (the next page).</summary>
    public long? BeforeId { get; init; }
}

/// <summary>Attack records in the database: one context per operation, no-tracking reads, upserts by id.</summary>
public sealed class AttackStore
{
    private readonly Lazy<IDbContextFactory<FlowWebDbContext>> _contexts;

    /// <param name="contexts">Resolved at first use: hosted services are built before start-up validation, and the context factory reads the storage options.</param>
    public AttackStore(Lazy<IDbContextFactory<FlowWebDbContext>> contexts) => _contexts = contexts;

    public AttackStore(IDbContextFactory<FlowWebDbContext> contexts)
        : this(new Lazy<IDbContextFactory<FlowWebDbContext>>(contexts))
    {
    }

    private IDbContextFactory<FlowWebDbContext> Contexts => _contexts.Value;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public async Task<long> MaxIdAsync(CancellationToken cancellationToken = default)
    {
        var db = await Contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Attacks.MaxAsync(a => (long?)a.Id, cancellationToken).ConfigureAwait(false) ?? 0;
        }
    }

    /// <summary>
    /// Attacks still open in the database after a crash: closed at their last update and marked, since nobody knows
    /// when they really ended. Returns how many.
    /// </summary>
    public async Task<int> CloseOrphansAsync(CancellationToken cancellationToken = default)
    {
        var db = await Contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var open = await db.Attacks.Where(a => a.End == null).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var row in open)
            {
                var report = Read(row) with { End = DateTimeOffset.FromUnixTimeSeconds(row.LastUpdate), ClosedByRestart = true };
                Fill(row, report);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return open.Count;
        }
    }

    /// <summary>Inserts or updates each report's row (the last report of an id wins), in one transaction.</summary>
    public async Task UpsertAsync(IReadOnlyCollection<AttackReport> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var latest = reports.GroupBy(r => r.Id).Select(g => g.Last()).ToList();
        var ids = latest.Select(r => r.Id).ToList();
        var db = await Contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Attacks.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken).ConfigureAwait(false);
            foreach (var report in latest)
            {
                if (!rows.TryGetValue(report.Id, out var row))
                {
                    row = new AttackRow { Id = report.Id };
                    db.Attacks.Add(row);
                    Fill(row, report);
                    continue;
                }

                // Actions are only ever added, some straight to the database: keep every one either side knows.
                Fill(row, report with { Actions = Union(Read(row).Actions, report.Actions) });
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds an action to a stored attack (one that ended before the action was taken); false when there is no such attack.</summary>
    public async Task<bool> AppendActionAsync(long id, AttackAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        var db = await Contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Attacks.FirstOrDefaultAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return false;
            }

            var report = Read(row);
            Fill(row, report with { Actions = Union(report.Actions, [action]) });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    private static List<AttackAction> Union(IReadOnlyList<AttackAction> a, IReadOnlyList<AttackAction> b) =>
        [.. a.Concat(b).Distinct().OrderBy(x => x.Time)];

    public async Task<AttackReport?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        var db = await Contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Attacks.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false);
            return row is null ? null : Read(row);
        }
    }

    /// <summary>The attacks matching the query, newest first, without their graph and sample records (lists stay small).</summary>
    public async Task<IReadOnlyList<AttackReport>> QueryAsync(AttackQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var db = await Contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = db.Attacks.AsNoTracking();
            if (query.Active is { } active)
            {
                rows = active ? rows.Where(a => a.End == null) : rows.Where(a => a.End != null);
            }

            if (query.From is { } from)
            {
                var f = from.ToUnixTimeSeconds();
                rows = rows.Where(a => a.End == null || a.End > f);
            }

            if (query.To is { } to)
            {
                var t = to.ToUnixTimeSeconds();
                rows = rows.Where(a => a.Start < t);
            }

            if (query.SensorId is { } sensor)
            {
                rows = rows.Where(a => a.SensorId == sensor);
            }

            if (query.Direction is { } direction)
            {
                var text = direction.ToString();
                rows = rows.Where(a => a.Direction == text);
            }

            if (query.Type is { } type)
            {
                var text = type.ToString();
                rows = rows.Where(a => a.Type == text || a.Vector == text);
            }

            if (!string.IsNullOrWhiteSpace(query.Victim))
            {
                var victim = query.Victim.Trim();
                rows = rows.Where(a => a.Victim.StartsWith(victim));
            }

            if (query.BeforeId is { } before)
            {
                rows = rows.Where(a => a.Id < before);
            }

            var count = Math.Clamp(query.Count, 1, AttackQuery.MaxCount);
            var list = await rows.OrderByDescending(a => a.Id).Take(count).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. list.Select(r => Read(r) with { Series = [], SampleFlows = [] })];
        }
    }

    /// <summary>Deletes attacks that ended before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> DeleteEndedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var before = cutoff.ToUnixTimeSeconds();
        var db = await Contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Attacks.Where(a => a.End != null && a.End < before).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Fill(AttackRow row, AttackReport report)
    {
        row.SensorId = report.SensorId;
        row.SensorName = Truncate(report.SensorName, 200);
        row.Victim = Truncate(report.Victim, 64);
        row.Direction = report.Direction.ToString();
        row.Type = report.Type.ToString();
        row.Vector = report.Vector.ToString();
        row.Start = report.Start.ToUnixTimeSeconds();
        row.End = report.End?.ToUnixTimeSeconds();
        row.LastUpdate = report.LastUpdate.ToUnixTimeSeconds();
        row.PeakPacketsPerSecond = report.PeakPacketsPerSecond;
        row.PeakBitsPerSecond = report.PeakBitsPerSecond;
        row.PeakFlowsPerSecond = report.PeakFlowsPerSecond;
        row.DistinctSources = report.DistinctSources;
        row.Report = JsonSerializer.Serialize(report, Json);
    }

    private static AttackReport Read(AttackRow row)
    {
        AttackReport? report = null;
        try
        {
            report = JsonSerializer.Deserialize<AttackReport>(row.Report, Json);
        }
        catch (JsonException)
        {
            // A damaged document still leaves the columns: the list shows what they hold.
        }

        report ??= new AttackReport
        {
            Id = row.Id,
            SensorId = row.SensorId,
            SensorName = row.SensorName,
            Victim = row.Victim,
            Direction = Enum.TryParse<AttackDirection>(row.Direction, out var d) ? d : default,
            Type = Enum.TryParse<AttackType>(row.Type, out var t) ? t : AttackType.Mixed,
            Vector = Enum.TryParse<AttackType>(row.Vector, out var v) ? v : AttackType.Mixed,
            Start = DateTimeOffset.FromUnixTimeSeconds(row.Start),
            DetectedAt = DateTimeOffset.FromUnixTimeSeconds(row.Start),
            LastUpdate = DateTimeOffset.FromUnixTimeSeconds(row.LastUpdate),
            PeakPacketsPerSecond = row.PeakPacketsPerSecond,
            PeakBitsPerSecond = row.PeakBitsPerSecond,
            PeakFlowsPerSecond = row.PeakFlowsPerSecond,
            DistinctSources = row.DistinctSources,
        };
        return report with { Id = row.Id, End = row.End is { } end ? DateTimeOffset.FromUnixTimeSeconds(end) : null };
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

using System.Text.Json;
using System.Text.Json.Serialization;
using FlowWeb.Core.Storage;
using FlowWeb.Core.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace FlowWeb.Core.Notifications;

public enum DeliveryOutcome
{
    Sent,
    Failed,

    /// <summary>Never attempted: the delivery queue was full.</summary>
    Dropped,
}

/// <summary>One delivery's outcome as the channel list shows it.</summary>
public sealed record DeliveryRecord(
    Guid DeliveryId, DateTimeOffset At, Guid ChannelId, string ChannelName, string RuleName, NotificationType Type, string Title,
    DeliveryOutcome Outcome, int Attempts, string Error);

/// <summary>Channels, rules and delivery outcomes in the database; secrets pass through <see cref="SecretProtector"/> both ways.</summary>
public sealed class NotificationStore(IDbContextFactory<FlowWebDbContext> contexts, SecretProtector secrets)
{
    /// <summary>Delivery outcomes kept (the newest).</summary>
    public const int MaxDeliveries = 10_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private sealed record RuleSettings(
        List<Alerts.AlertKind> Kinds, List<Sensors.SensorState> States, Alerts.AlertSeverity MinSeverity, List<Guid> SensorIds, List<string> Tags,
        List<Guid> ChannelIds, int DelaySeconds, int RepeatMinutes, bool NotifyOnClear, int MaxPerHour);

    private sealed record ChannelSettings(EmailSettings Email, WebhookSettings Webhook, ScriptSettings Script);

    /// <summary>Channels with their secrets decrypted; a channel whose secret cannot be decrypted comes with <c>SecretProblem</c>.</summary>
    public async Task<IReadOnlyList<(NotificationChannelDefinition Channel, string? SecretProblem)>> GetChannelsAsync(CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.NotificationChannels.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(r =>
            {
                var settings = JsonSerializer.Deserialize<ChannelSettings>(r.SettingsJson, Json) ?? new ChannelSettings(new(), new(), new());
                var secret = secrets.Unprotect(r.ProtectedSecret, out var problem);
                return (new NotificationChannelDefinition
                {
                    Id = r.Id, Name = r.Name, Type = r.Type, Enabled = r.Enabled,
                    Email = settings.Email ?? new(), Webhook = settings.Webhook ?? new(), Script = settings.Script ?? new(), Secret = secret,
                }, problem);
            }).OrderBy(c => c.Item1.Name, StringComparer.OrdinalIgnoreCase)];
        }
    }

    public async Task SaveChannelAsync(NotificationChannelDefinition channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var row = new NotificationChannelRow
        {
            Id = channel.Id,
            Name = channel.Name.Trim(),
            Type = channel.Type,
            Enabled = channel.Enabled,
            SettingsJson = JsonSerializer.Serialize(new ChannelSettings(channel.Email, channel.Webhook, channel.Script), Json),
            ProtectedSecret = secrets.Protect(channel.Secret),
        };
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var id = channel.Id;
            if (await db.NotificationChannels.AnyAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false))
            {
                db.NotificationChannels.Update(row);
            }
            else
            {
                db.NotificationChannels.Add(row);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> DeleteChannelAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.NotificationChannels.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    public async Task<IReadOnlyList<NotificationRuleDefinition>> GetRulesAsync(CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.NotificationRules.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(r =>
            {
                var s = JsonSerializer.Deserialize<RuleSettings>(r.SettingsJson, Json)!;
                return new NotificationRuleDefinition
                {
                    Id = r.Id, Name = r.Name, Enabled = r.Enabled, Kinds = s.Kinds ?? [], States = s.States ?? [], MinSeverity = s.MinSeverity,
                    SensorIds = s.SensorIds ?? [], Tags = s.Tags ?? [], ChannelIds = s.ChannelIds ?? [], DelaySeconds = s.DelaySeconds,
                    RepeatMinutes = s.RepeatMinutes, NotifyOnClear = s.NotifyOnClear, MaxPerHour = s.MaxPerHour,
                };
            }).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase)];
        }
    }

    public async Task SaveRuleAsync(NotificationRuleDefinition rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var row = new NotificationRuleRow
        {
            Id = rule.Id,
            Name = rule.Name.Trim(),
            Enabled = rule.Enabled,
            SettingsJson = JsonSerializer.Serialize(new RuleSettings([.. rule.Kinds], [.. rule.States], rule.MinSeverity, [.. rule.SensorIds],
                [.. rule.Tags], [.. rule.ChannelIds], rule.DelaySeconds, rule.RepeatMinutes, rule.NotifyOnClear, rule.MaxPerHour), Json),
        };
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var id = rule.Id;
            if (await db.NotificationRules.AnyAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false))
            {
                db.NotificationRules.Update(row);
            }
            else
            {
                db.NotificationRules.Add(row);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> DeleteRuleAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.NotificationRules.Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    /// <summary>Records outcomes and keeps only the newest <see cref="MaxDeliveries"/>.</summary>
    public async Task AddDeliveriesAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.NotificationDeliveries.AddRange(records.Select(r => new NotificationDeliveryRow
            {
                DeliveryId = r.DeliveryId, AtMs = r.At.ToUnixTimeMilliseconds(), ChannelId = r.ChannelId, ChannelName = Cut(r.ChannelName, 100),
                RuleName = Cut(r.RuleName, 100), Type = r.Type, Title = Cut(r.Title, 300), Outcome = r.Outcome, Attempts = r.Attempts, Error = Cut(r.Error, 1000),
            }));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            var newest = await db.NotificationDeliveries.MaxAsync(d => (long?)d.Id, cancellationToken).ConfigureAwait(false) ?? 0;
            var cutoff = newest - MaxDeliveries;
            if (cutoff > 0)
            {
                await db.NotificationDeliveries.Where(d => d.Id <= cutoff).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The newest outcomes, optionally of one channel.</summary>
    public async Task<IReadOnlyList<DeliveryRecord>> GetDeliveriesAsync(Guid? channelId, int count, CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            IQueryable<NotificationDeliveryRow> rows = db.NotificationDeliveries.AsNoTracking();
            if (channelId is { } id)
            {
                rows = rows.Where(d => d.ChannelId == id);
            }

            var list = await rows.OrderByDescending(d => d.Id).Take(Math.Clamp(count, 1, 1000)).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. list.Select(d => new DeliveryRecord(d.DeliveryId, DateTimeOffset.FromUnixTimeMilliseconds(d.AtMs), d.ChannelId, d.ChannelName,
                d.RuleName, d.Type, d.Title, d.Outcome, d.Attempts, d.Error))];
        }
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];
}

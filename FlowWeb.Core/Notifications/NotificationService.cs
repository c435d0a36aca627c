using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Notifications;

/// <summary>
/// The one way to change notification channels and rules, shared by the UI, the API and configuration: validate,
/// store, then serve the new set from memory (the rule engine and the dispatcher read it every second and never
/// touch the database). A channel's secret is kept unless a new one is given or it is cleared explicitly.
/// </summary>
public sealed class NotificationService(NotificationStore store, SensorService sensors, NotificationDispatcher dispatcher, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile IReadOnlyList<NotificationChannelDefinition> _channels = [];
    private volatile IReadOnlyDictionary<Guid, string> _secretProblems = new Dictionary<Guid, string>();
    private volatile IReadOnlyList<NotificationRuleDefinition> _rules = [];

    public IReadOnlyList<NotificationChannelDefinition> Channels => _channels;

    public IReadOnlyList<NotificationRuleDefinition> Rules => _rules;

    public NotificationChannelDefinition? Channel(Guid id) => _channels.FirstOrDefault(c => c.Id == id);

    public NotificationRuleDefinition? Rule(Guid id) => _rules.FirstOrDefault(r => r.Id == id);

    /// <summary>Why a channel's stored secret cannot be used (its keys are gone), or null.</summary>
    public string? SecretProblem(Guid channel) => _secretProblems.GetValueOrDefault(channel);

    public ChannelDeliveryStats Stats(Guid channel) => dispatcher.Stats(channel);

    public Task<IReadOnlyList<DeliveryRecord>> DeliveriesAsync(Guid? channel, int count, CancellationToken cancellationToken = default) =>
        store.GetDeliveriesAsync(channel, count, cancellationToken);

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        var channels = await store.GetChannelsAsync(cancellationToken).ConfigureAwait(false);
        _channels = [.. channels.Select(c => c.Channel)];
        _secretProblems = channels.Where(c => c.SecretProblem is not null).ToDictionary(c => c.Channel.Id, c => c.SecretProblem!);
        _rules = await store.GetRulesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var channel in _channels)
        {
            dispatcher.Track(channel.Id);
        }
    }

    public IReadOnlyList<ValidationError> ValidateChannel(NotificationChannelDefinition channel) => NotificationChannelValidator.Validate(channel, _channels);

    /// <summary>Creates or replaces a channel. <paramref name="newSecret"/>: null keeps the stored secret, a value replaces it; <paramref name="clearSecret"/> removes it.</summary>
    public async Task<SaveResult> SaveChannelAsync(NotificationChannelDefinition channel, string? newSecret = null, bool clearSecret = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var secret = clearSecret ? null : !string.IsNullOrEmpty(newSecret) ? newSecret : Channel(channel.Id)?.Secret;
            channel = Normalize(channel) with { Secret = secret };
            var errors = ValidateChannel(channel);
            if (errors.Count > 0)
            {
                return SaveResult.Invalid(errors);
            }

            await store.SaveChannelAsync(channel, cancellationToken).ConfigureAwait(false);
            await LoadAsync(cancellationToken).ConfigureAwait(false);
            return SaveResult.Ok;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes a channel and takes it out of every rule that named it.</summary>
    public async Task<bool> DeleteChannelAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var rule in _rules.Where(r => r.ChannelIds.Contains(id)))
            {
                await store.SaveRuleAsync(rule with { ChannelIds = [.. rule.ChannelIds.Where(c => c != id)] }, cancellationToken).ConfigureAwait(false);
            }

            var deleted = await store.DeleteChannelAsync(id, cancellationToken).ConfigureAwait(false);
            await LoadAsync(cancellationToken).ConfigureAwait(false);
            return deleted;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<ValidationError>> ValidateRuleAsync(NotificationRuleDefinition rule, CancellationToken cancellationToken = default)
    {
        var known = (await sensors.ListSensorsAsync(cancellationToken).ConfigureAwait(false)).Select(s => s.Id).ToHashSet();
        return NotificationRuleValidator.Validate(rule, _rules, [.. _channels.Select(c => c.Id)], known);
    }

    public async Task<SaveResult> SaveRuleAsync(NotificationRuleDefinition rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            rule = rule with
            {
                Name = rule.Name.Trim(),
                Tags = [.. rule.Tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)],
                Kinds = [.. rule.Kinds.Distinct()],
                States = [.. rule.States.Distinct()],
                SensorIds = [.. rule.SensorIds.Distinct()],
                ChannelIds = [.. rule.ChannelIds.Distinct()],
            };
            var errors = await ValidateRuleAsync(rule, cancellationToken).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                return SaveResult.Invalid(errors);
            }

            await store.SaveRuleAsync(rule, cancellationToken).ConfigureAwait(false);
            await LoadAsync(cancellationToken).ConfigureAwait(false);
            return SaveResult.Ok;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> DeleteRuleAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var deleted = await store.DeleteRuleAsync(id, cancellationToken).ConfigureAwait(false);
            await LoadAsync(cancellationToken).ConfigureAwait(false);
            return deleted;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends a test message through a channel now (with the usual retries) and says how it went.</summary>
    public async Task<(DeliveryOutcome Outcome, int Attempts, string Error)?> SendTestAsync(Guid id, CancellationToken cancellationToken = default)
    {
        if (Channel(id) is not { } channel)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var message = new NotificationMessage(NotificationType.Test, $"Test message for channel '{channel.Name}'",
            $"This is a test from FlowWeb, sent {now.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC. If you read it, the channel '{channel.Name}' works.",
            "send test", now, null, null);
        return await dispatcher.DeliverNowAsync(channel, message, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _gate.Dispose();

    private static NotificationChannelDefinition Normalize(NotificationChannelDefinition c) => c with
    {
        Name = c.Name?.Trim() ?? "",
        Email = c.Email with
        {
            Host = c.Email.Host?.Trim() ?? "",
            UserName = c.Email.UserName?.Trim() ?? "",
            From = c.Email.From?.Trim() ?? "",
            To = [.. c.Email.To.Select(t => t?.Trim() ?? "").Where(t => t.Length > 0)],
        },
        Webhook = c.Webhook with { Url = c.Webhook.Url?.Trim() ?? "" },
        Script = c.Script with { Path = c.Script.Path?.Trim() ?? "" },
    };
}

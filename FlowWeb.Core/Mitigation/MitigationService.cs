using System.Collections.Concurrent;
using System.Threading.Channels;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowWeb.Core.Mitigation;

/// <summary>
/// Acts on attacks through the RouterOS REST API of the sensor's device: with automatic action on, the attacked
/// address (or an outgoing attack's sender) is banned when the attack starts — an address-list entry whose timeout is
/// the ban time, or a blackhole route — and the ban is removed when the attack ends. Bans made by hand (an attack's
/// page) have no timeout and stay until removed by hand. Whitelisted addresses are never banned automatically. Every
/// action, and its failure, is logged on the attack. Calls to routers run on this service's own loop, one at a
/// time: the detector never waits for a router.
/// </summary>
public sealed partial class MitigationService(
    AttackDetection detection, AttackRecorder recorder, MitigationSettingsStore settings, IServiceProvider services, TimeProvider time,
    ILogger<MitigationService> logger) : BackgroundService, IAttackObserver
{
    // Resolved at use: hosted services are built before start-up validation, and the sensor store reads the storage options.
    private SensorService Sensors => services.GetRequiredService<SensorService>();

    private enum Kind
    {
        AutomaticBan,
        AutomaticRemoval,
        ManualBan,
        ManualRemoval,
    }

    private sealed record Work(Kind Kind, AttackReport Attack, Guid? DeviceId, TaskCompletionSource<AttackAction?>? Done);

    private readonly Channel<Work> _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(1000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly ConcurrentDictionary<long, List<AttackAction>> _automaticBans = new();
    private long _dropped;

    /// <summary>Automatic actions not taken because the queue was full (a storm of attacks on a slow router).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        detection.AddObserver(this);
        return base.StartAsync(cancellationToken);
    }

    public void OnAttackStarted(AttackReport attack) => Enqueue(new Work(Kind.AutomaticBan, attack, null, null));

    public void OnAttackUpdated(AttackReport attack)
    {
    }

    public void OnAttackEnded(AttackReport attack)
    {
        if (_automaticBans.ContainsKey(attack.Id))
        {
            Enqueue(new Work(Kind.AutomaticRemoval, attack, null, null));
        }
    }

    /// <summary>Bans an attack's target on a device by hand, without a timeout, audited as <c>attack.ban</c>. Returns the logged action.</summary>
    public Task<AttackAction?> BanAsync(AttackReport attack, Guid deviceId, IChangeAudit audit, CancellationToken cancellationToken = default) =>
        AskAuditedAsync(Kind.ManualBan, "attack.ban", attack, deviceId, audit, cancellationToken);

    /// <summary>
    /// Removes the bans of an attack on a device (manual or automatic), audited as <c>attack.unban</c>. Returns the
    /// last logged action, or null when there was none.
    /// </summary>
    public Task<AttackAction?> RemoveBansAsync(AttackReport attack, Guid deviceId, IChangeAudit audit, CancellationToken cancellationToken = default) =>
        AskAuditedAsync(Kind.ManualRemoval, "attack.unban", attack, deviceId, audit, cancellationToken);

    /// <summary>
    /// A manual action, audited here for every caller (page, API). The audit is written after the queue answers, on
    /// the caller's side of it: the queue runs outside their request, where the acting user is not known.
    /// </summary>
    private async Task<AttackAction?> AskAuditedAsync(
        Kind kind, string auditAction, AttackReport attack, Guid deviceId, IChangeAudit audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attack);
        ArgumentNullException.ThrowIfNull(audit);
        var action = await Ask(kind, attack, deviceId).ConfigureAwait(false);
        if (action is not null)
        {
            await audit.RecordAsync(auditAction, $"attack {attack.Id} on {action.Device}", null, action, cancellationToken).ConfigureAwait(false);
        }

        return action;
    }

    /// <summary>Bans of an attack still in place on a device, from its action log: every successful ban not followed by its removal.</summary>
    public static IReadOnlyList<AttackAction> StandingBans(AttackReport attack, Guid? deviceId = null)
    {
        ArgumentNullException.ThrowIfNull(attack);
        var standing = new List<AttackAction>();
        foreach (var action in attack.Actions.OrderBy(a => a.Time))
        {
            if (deviceId is not null && action.DeviceId != deviceId)
            {
                continue;
            }

            if (action is { Action: "ban", Succeeded: true })
            {
                standing.Add(action);
            }
            else if (action is { Action: "remove", Succeeded: true })
            {
                standing.RemoveAll(b => b.DeviceId == action.DeviceId && b.RouterId == action.RouterId && b.Path == action.Path);
            }
        }

        return standing;
    }

    private Task<AttackAction?> Ask(Kind kind, AttackReport attack, Guid deviceId)
    {
        var done = new TaskCompletionSource<AttackAction?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Work(kind, attack, deviceId, done)))
        {
            done.SetException(new InvalidOperationException("Too many mitigation actions are waiting; try again in a moment."));
        }

        return done.Task;
    }

    private void Enqueue(Work work)
    {
        if (!_queue.Writer.TryWrite(work))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var work in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var action = await RunAsync(work, stoppingToken).ConfigureAwait(false);
                    work.Done?.TrySetResult(action);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e, work.Attack.Id);
                    work.Done?.TrySetException(e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task<AttackAction?> RunAsync(Work work, CancellationToken cancellationToken)
    {
        var attack = work.Attack;
        var deviceId = work.DeviceId ?? (await Sensors.GetSensorAsync(attack.SensorId, cancellationToken).ConfigureAwait(false))?.DeviceId;
        if (deviceId is not { } device)
        {
            return null;
        }

        var config = await settings.GetAsync(device, cancellationToken).ConfigureAwait(false);
        var manual = work.Kind is Kind.ManualBan or Kind.ManualRemoval;
        if ((!manual && !config.Automatic) || string.IsNullOrWhiteSpace(config.Url))
        {
            return null;
        }

        var deviceName = (await Sensors.ListDevicesAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(d => d.Id == device)?.Name ?? device.ToString();
        var password = await settings.PasswordAsync(device, cancellationToken).ConfigureAwait(false);
        using var client = new RouterOsRestClient(config, password);
        switch (work.Kind)
        {
            case Kind.AutomaticBan or Kind.ManualBan:
                var banned = await BanAsync(client, config, deviceName, attack, manual, cancellationToken).ConfigureAwait(false);
                await AuditAutomaticAsync(attack, banned, cancellationToken).ConfigureAwait(false);
                return banned;
            default:
                var bans = work.Kind == Kind.AutomaticRemoval
                    ? (_automaticBans.TryRemove(attack.Id, out var automatic) ? automatic : [])
                    : StandingBans(await CurrentAsync(attack, cancellationToken).ConfigureAwait(false), device);
                AttackAction? last = null;
                foreach (var ban in bans.Where(b => b.DeviceId == device && b.Path is not null && b.RouterId is not null))
                {
                    var answer = await client.RemoveAsync(ban.Path!, ban.RouterId!, cancellationToken).ConfigureAwait(false);
                    last = await LogAsync(attack, new AttackAction(time.GetUtcNow(), device, deviceName, "remove", ban.Target, ban.Path, ban.RouterId, answer.Succeeded, answer.Message, manual), cancellationToken).ConfigureAwait(false);
                    await AuditAutomaticAsync(attack, last, cancellationToken).ConfigureAwait(false);
                }

                return last;
        }
    }

    private async Task<AttackAction> BanAsync(RouterOsRestClient client, DeviceMitigationSettings config, string deviceName, AttackReport attack, bool manual, CancellationToken cancellationToken)
    {
        var target = attack.Victim;
        var action = config.Action == MitigationAction.BlackholeRoute ? "blackhole route" : $"address list {config.ListName}";
        if (!manual && config.IsWhitelisted(target))
        {
            return await LogAsync(attack, new AttackAction(time.GetUtcNow(), config.DeviceId, deviceName, "skip", target, null, null, true, $"not banned: {target} is whitelisted", manual), cancellationToken).ConfigureAwait(false);
        }

        var comment = $"FlowWeb attack {attack.Id}: {attack.Vector.Title()}{(manual ? " (manual)" : "")}";
        RouterOsAnswer answer;
        string path;
        if (config.Action == MitigationAction.BlackholeRoute)
        {
            path = $"{RouterOsRestClient.Menu(target)}/route";
            answer = await client.AddBlackholeRouteAsync(target, comment, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            path = $"{RouterOsRestClient.Menu(target)}/firewall/address-list";
            answer = await client.AddAddressListEntryAsync(target, config.ListName, manual ? null : TimeSpan.FromMinutes(config.BanMinutes), comment, cancellationToken).ConfigureAwait(false);
        }

        var outcome = answer.Succeeded ? $"{action}: {answer.Message}{(manual ? ", no timeout" : $", timeout {RouterOsCommands.Duration(TimeSpan.FromMinutes(config.BanMinutes))}")}" : $"{action} failed: {answer.Message}";
        var logged = await LogAsync(attack, new AttackAction(time.GetUtcNow(), config.DeviceId, deviceName, "ban", target, path, answer.Id, answer.Succeeded, outcome, manual), cancellationToken).ConfigureAwait(false);
        if (answer.Succeeded && !manual)
        {
            _automaticBans.AddOrUpdate(attack.Id, _ => [logged], (_, list) => [.. list, logged]);

            // Ended while the router was being asked: take it back at once.
            if (detection.Ongoing.All(a => a.Id != attack.Id))
            {
                Enqueue(new Work(Kind.AutomaticRemoval, attack, config.DeviceId, null));
            }
        }

        return logged;
    }

    /// <summary>The attack as it is now (its actions included): live if ongoing, else as stored.</summary>
    private async Task<AttackReport> CurrentAsync(AttackReport attack, CancellationToken cancellationToken)
    {
        if (detection.Ongoing.FirstOrDefault(a => a.Id == attack.Id) is { } live)
        {
            return live;
        }

        // Just ended: its last report (with the actions it took live) may still be queued.
        await recorder.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await recorder.GetAsync(attack.Id, cancellationToken).ConfigureAwait(false) ?? attack;
    }

    /// <summary>
    /// Actions FlowWeb takes on its own are audited here as "system"; manual ones by <see cref="AskAuditedAsync"/>,
    /// where the acting user is known (this queue runs outside their request).
    /// </summary>
    private Task AuditAutomaticAsync(AttackReport attack, AttackAction action, CancellationToken cancellationToken) =>
        action.Manual || services.GetService<IChangeAudit>() is not { } audit ? Task.CompletedTask
            : audit.RecordAsync($"attack.auto-{action.Action}", $"attack {attack.Id} on {action.Device}", null, action, cancellationToken);

    /// <summary>Logs an action and adds it to the attack: live, or stored before this returns (the next read sees it).</summary>
    private async Task<AttackAction> LogAsync(AttackReport attack, AttackAction action, CancellationToken cancellationToken)
    {
        if (action.Succeeded)
        {
            LogAction(logger, attack.Id, action.Action, action.Target, action.Device, action.Outcome);
        }
        else
        {
            LogActionFailed(logger, attack.Id, action.Action, action.Target, action.Device, action.Outcome);
        }

        if (!detection.TryAddAction(attack.Id, action))
        {
            await recorder.AppendActionAsync(attack.Id, action, cancellationToken).ConfigureAwait(false);
        }

        return action;
    }

    [LoggerMessage(EventId = 140, Level = LogLevel.Warning, Message = "Attack {Id}: {Action} {Target} on {Device}: {Outcome}")]
    private static partial void LogAction(ILogger logger, long id, string action, string target, string device, string outcome);

    [LoggerMessage(EventId = 141, Level = LogLevel.Error, Message = "Attack {Id}: {Action} {Target} on {Device} failed: {Outcome}")]
    private static partial void LogActionFailed(ILogger logger, long id, string action, string target, string device, string outcome);

    [LoggerMessage(EventId = 142, Level = LogLevel.Error, Message = "Mitigation of attack {Id} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, long id);
}

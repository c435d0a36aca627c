using System.Globalization;
using FlowWeb.Core.Alerts;
using Microsoft.Extensions.Hosting;

namespace FlowWeb.Core.Detection;

/// <summary>
/// Attacks become alarms: one alarm per attack (started when it is declared, cleared when it ends), of kind
/// <see cref="AlertKind.Attack"/>, so notification rules can mail or call a webhook on attack start and end.
/// Nothing is raised per update: an attack's rates go to its record and page, not to the alert log.
/// </summary>
internal sealed class AttackAlerts(AttackDetection detection, IServiceProvider services) : IHostedService, IAttackObserver
{
    private IAlertSink _alerts = null!;

    /// <summary>Resolved at start, not in the constructor: hosted services are built before options are validated.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService(typeof(IAlertSink)) is IAlertSink sink)
        {
            _alerts = sink;
            detection.AddObserver(this);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static string AlarmKey(AttackReport attack)
    {
        ArgumentNullException.ThrowIfNull(attack);
        return string.Create(CultureInfo.InvariantCulture, $"attack:{attack.SensorId}:{attack.Direction}:{attack.Victim}:{attack.Type}");
    }

    public void OnAttackStarted(AttackReport attack)
    {
        ArgumentNullException.ThrowIfNull(attack);
        _alerts.Raise(AlertSignal.Started(AlarmKey(attack), AlertKind.Attack, AlertSeverity.Error, "detect", attack.Victim, attack.Headline) with
        {
            SensorId = attack.SensorId,
            Values = new Dictionary<string, double>
            {
                ["bitsPerSecond"] = attack.PeakBitsPerSecond,
                ["packetsPerSecond"] = attack.PeakPacketsPerSecond,
                ["flowsPerSecond"] = attack.PeakFlowsPerSecond,
            },
            Details = new Dictionary<string, string>
            {
                ["victim"] = attack.Victim,
                ["type"] = attack.Type.ToString(),
                ["direction"] = attack.Direction.ToString(),
                ["attackId"] = attack.Id.ToString(CultureInfo.InvariantCulture),
            },
        });
    }

    public void OnAttackUpdated(AttackReport attack)
    {
    }

    public void OnAttackEnded(AttackReport attack)
    {
        ArgumentNullException.ThrowIfNull(attack);
        var lasted = (attack.End ?? attack.LastUpdate) - attack.Start;
        _alerts.Raise(AlertSignal.Cleared(AlarmKey(attack), AlertKind.Attack, "detect", string.Create(CultureInfo.InvariantCulture,
            $"{attack.Headline} ended after {lasted.TotalMinutes:0.#} min; peak {attack.PeakBitsPerSecond / 1e6:0.#} Mbit/s, {attack.PeakPacketsPerSecond:0} packets/s")));
    }
}

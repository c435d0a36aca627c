using FlowWeb.Core.Live;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Alerts;

/// <summary>
/// Turns sensors' states into events and alarms: every change of state is logged with the old and new state, the
/// reason and the Total channel's values; while a sensor is Down, Warning, or Unknown after it had data, it has an
/// alarm (<c>sensor:{id}:state</c>, severity Error for Down, else Warning) that clears when it is Up again (or
/// paused, or deleted). The first state seen after start-up is not a change; it only brings the alarms from before
/// the restart up to date once the sensor has a definite state.
/// </summary>
public sealed class SensorStateMonitor(IAlertSink alerts, AlertCenter center)
{
    public const string Source = "sensors";

    private readonly Dictionary<Guid, SensorState> _last = [];

    public static string AlarmKey(Guid sensor) => $"sensor:{sensor}:state";

    public void Evaluate(IReadOnlyList<SensorLiveSnapshot> sensors)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        foreach (var sensor in sensors)
        {
            var d = sensor.Definition;
            var state = sensor.Status.State;
            var hadData = sensor.LastDataAt is not null;
            if (!_last.TryGetValue(d.Id, out var previous))
            {
                _last[d.Id] = state;
                if (state == SensorState.Unknown && !hadData)
                {
                    continue; // Just started: nothing is known yet either way.
                }

                Reconcile(sensor, state);
                continue;
            }

            if (previous == state)
            {
                continue;
            }

            _last[d.Id] = state;
            var alarmed = IsAlarm(state, hadData);
            var key = AlarmKey(d.Id);
            var values = Values(sensor);
            var details = new Dictionary<string, string>
            {
                ["oldState"] = previous.ToString(),
                [AlertSignal.StateDetail] = state.ToString(),
                ["reason"] = sensor.Status.Message,
            };
            var message = $"{state} (was {previous}): {sensor.Status.Message}";
            if (alarmed)
            {
                alerts.Raise(AlertSignal.Started(key, AlertKind.SensorState, state == SensorState.Down ? AlertSeverity.Error : AlertSeverity.Warning, Source, d.Name, message) with
                {
                    SensorId = d.Id, DeviceId = d.DeviceId, Values = values, Details = details,
                });
            }
            else if (center.ActiveAlarm(key) is not null)
            {
                alerts.Raise(AlertSignal.Cleared(key, AlertKind.SensorState, Source, message) with
                {
                    SensorId = d.Id, DeviceId = d.DeviceId, Values = values, Details = details,
                });
            }
            else
            {
                alerts.Raise(AlertSignal.Event(key, AlertKind.SensorState, AlertSeverity.Info, Source, d.Name, message) with
                {
                    SensorId = d.Id, DeviceId = d.DeviceId, Values = values, Details = details,
                });
            }
        }

        var present = sensors.Select(s => s.Definition.Id).ToHashSet();
        foreach (var gone in _last.Keys.Where(id => !present.Contains(id)).ToList())
        {
            _last.Remove(gone);
            alerts.Raise(AlertSignal.Cleared(AlarmKey(gone), AlertKind.SensorState, Source, "The sensor was deleted"));
        }

        // Alarms of sensors deleted while FlowWeb was stopped.
        foreach (var alarm in center.ActiveAlarms().Where(a => a.Kind == AlertKind.SensorState && a.SensorId is { } id && !present.Contains(id)))
        {
            alerts.Raise(AlertSignal.Cleared(alarm.Key, AlertKind.SensorState, Source, "The sensor was deleted"));
        }
    }

    /// <summary>The first state after start-up: opens, updates or clears the alarm kept from before the restart.</summary>
    private void Reconcile(SensorLiveSnapshot sensor, SensorState state)
    {
        var d = sensor.Definition;
        var key = AlarmKey(d.Id);
        var details = new Dictionary<string, string> { [AlertSignal.StateDetail] = state.ToString(), ["reason"] = sensor.Status.Message };
        if (IsAlarm(state, sensor.LastDataAt is not null))
        {
            alerts.Raise(AlertSignal.Started(key, AlertKind.SensorState, state == SensorState.Down ? AlertSeverity.Error : AlertSeverity.Warning, Source, d.Name,
                $"{state}: {sensor.Status.Message}") with { SensorId = d.Id, DeviceId = d.DeviceId, Values = Values(sensor), Details = details });
        }
        else if (center.ActiveAlarm(key) is not null)
        {
            alerts.Raise(AlertSignal.Cleared(key, AlertKind.SensorState, Source, $"{state}: {sensor.Status.Message}") with { SensorId = d.Id, Details = details });
        }
    }

    private static bool IsAlarm(SensorState state, bool hadData) =>
        state is SensorState.Down or SensorState.Warning || (state == SensorState.Unknown && hadData);

    private static Dictionary<string, double> Values(SensorLiveSnapshot sensor)
    {
        var total = sensor.Channels.FirstOrDefault(c => c.ChannelId == ChannelIds.Total);
        return total is null
            ? []
            : new Dictionary<string, double>
            {
                ["bitsPerSecond"] = total.BitsPerSecond,
                ["packetsPerSecond"] = total.PacketsPerSecond,
                ["flowsPerSecond"] = total.FlowsPerSecond,
            };
    }
}

using System.Globalization;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Alerts.Limits;

/// <summary>A limit a sensor's channel is beyond (held long enough to count).</summary>
public sealed record LimitBreach(ChannelLimit Limit, LimitLevel Level, string ChannelName, double Value)
{
    /// <summary><c>Total 962 Mbit/s above the upper error limit 950 Mbit/s: Uplink saturated</c>.</summary>
    public string Text
    {
        get
        {
            var message = Limit.Message(Level);
            return $"{ChannelName} {ChannelLimit.Format(Value, Limit.Metric)} {Level.Describe()} {ChannelLimit.Format(Limit.Threshold(Level), Limit.Metric)}" +
                   (string.IsNullOrWhiteSpace(message) ? "" : $": {message.Trim()}");
        }
    }
}

/// <summary>
/// Evaluates sensors' channel limits against their current values (the live snapshot's, never the receive path's
/// structures). A limit counts once the value stayed beyond it for its hold time; getting better (back within, or
/// from an error to a warning) counts at once. Each crossing is an alarm (<c>limit:{sensor}:{channel}:{metric}</c>)
/// and the sensor's state follows through <see cref="Apply"/>: error → Down, warning → Warning, the limits' texts
/// before the technical reason. Only the monitor's loop calls <see cref="Evaluate"/>; pages read a published copy.
/// </summary>
public sealed class ChannelLimitMonitor(IAlertSink alerts) : ISensorStatusOverlay
{
    private readonly Dictionary<(Guid Sensor, int Channel, LimitMetric Metric), State> _states = [];
    private volatile IReadOnlyDictionary<Guid, IReadOnlyList<LimitBreach>> _published = new Dictionary<Guid, IReadOnlyList<LimitBreach>>();

    private sealed class State
    {
        public LimitLevel? Candidate;
        public DateTimeOffset CandidateSince;
        public LimitLevel? Active;
    }

    public IReadOnlyList<LimitBreach> Breaches(Guid sensor) => _published.GetValueOrDefault(sensor) ?? [];

    public SensorStatus Apply(SensorDefinition definition, SensorStatus status)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(status);
        var breaches = Breaches(definition.Id);
        if (breaches.Count == 0 || status.State is SensorState.Paused or SensorState.Unknown)
        {
            return status;
        }

        var error = breaches.Any(b => b.Level.IsError());
        var state = error || status.State == SensorState.Down ? SensorState.Down : SensorState.Warning;
        var text = string.Join("; ", breaches.OrderByDescending(b => b.Level.IsError()).Select(b => b.Text));
        return new SensorStatus(state, status.State == SensorState.Up ? text : $"{text}; {status.Message}");
    }

    /// <summary>One pass over every sensor; sensors not listed (deleted, paused) lose their limit alarms.</summary>
    public void Evaluate(IReadOnlyList<SensorLiveSnapshot> sensors, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        var published = new Dictionary<Guid, IReadOnlyList<LimitBreach>>();
        var seen = new HashSet<(Guid, int, LimitMetric)>();
        foreach (var sensor in sensors)
        {
            var d = sensor.Definition;
            // Limits speak about traffic: a sensor without a fresh value (Unknown, Paused) keeps no breach.
            if (d.Paused || sensor.Status.State is SensorState.Unknown or SensorState.Paused || sensor.LastDataAt is null)
            {
                continue;
            }

            var breaches = new List<LimitBreach>();
            foreach (var limit in d.Limits)
            {
                var channel = sensor.Channels.FirstOrDefault(c => c.ChannelId == limit.ChannelId);
                if (channel is null)
                {
                    continue;
                }

                var key = (d.Id, limit.ChannelId, limit.Metric);
                seen.Add(key);
                var value = limit.Metric switch
                {
                    LimitMetric.PacketsPerSecond => channel.PacketsPerSecond,
                    LimitMetric.FlowsPerSecond => channel.FlowsPerSecond,
                    _ => channel.BitsPerSecond,
                };
                if (Step(key, limit, value, now) is { } level)
                {
                    var breach = new LimitBreach(limit, level, channel.Name, value);
                    breaches.Add(breach);
                    Raise(d, key, breach);
                }
            }

            if (breaches.Count > 0)
            {
                published[d.Id] = breaches;
            }
        }

        foreach (var key in _states.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            if (_states[key].Active is not null)
            {
                alerts.Raise(AlertSignal.Cleared(Key(key), AlertKind.Limit, "limits", "The limit no longer applies (sensor paused, without data, or limit removed)"));
            }

            _states.Remove(key);
        }

        _published = published;
    }

    /// <summary>Moves one limit's state on and returns the level that counts now (null = within limits).</summary>
    private LimitLevel? Step((Guid, int, LimitMetric) key, ChannelLimit limit, double value, DateTimeOffset now)
    {
        if (!_states.TryGetValue(key, out var state))
        {
            _states[key] = state = new State();
        }

        var crossed = limit.Crossed(value);
        var before = state.Active;
        if (crossed is null || (before is { } active && Rank(crossed.Value) <= Rank(active)))
        {
            // Within limits, or no worse than what already counts: at once.
            state.Active = crossed;
            state.Candidate = null;
        }
        else
        {
            if (state.Candidate != crossed)
            {
                state.Candidate = crossed;
                state.CandidateSince = now;
            }

            if (now - state.CandidateSince >= TimeSpan.FromSeconds(limit.HoldSeconds))
            {
                state.Active = crossed;
                state.Candidate = null;
            }
        }

        if (before is not null && state.Active is null)
        {
            alerts.Raise(AlertSignal.Cleared(Key(key), AlertKind.Limit, "limits",
                string.Create(CultureInfo.InvariantCulture, $"Back within limits: {ChannelLimit.Format(value, limit.Metric)}")) with
            {
                Values = new Dictionary<string, double> { [Metric(limit.Metric)] = value },
            });
        }

        return state.Active;
    }

    private void Raise(SensorDefinition sensor, (Guid, int, LimitMetric) key, LimitBreach breach)
    {
        // Every pass: an unchanged alarm only gets its value updated (no event); a new level is an event.
        alerts.Raise(AlertSignal.Started(Key(key), AlertKind.Limit, breach.Level.Severity(), "limits", sensor.Name, breach.Text) with
        {
            SensorId = sensor.Id,
            DeviceId = sensor.DeviceId,
            Values = new Dictionary<string, double>
            {
                [Metric(breach.Limit.Metric)] = breach.Value,
                ["limit"] = breach.Limit.Threshold(breach.Level),
                ["holdSeconds"] = breach.Limit.HoldSeconds,
            },
            Details = new Dictionary<string, string>
            {
                ["channel"] = breach.ChannelName,
                [AlertSignal.StateDetail] = breach.Level.ToString(),
            },
        });
    }

    private static int Rank(LimitLevel level) => level.IsError() ? 2 : 1;

    private static string Key((Guid Sensor, int Channel, LimitMetric Metric) key) =>
        string.Create(CultureInfo.InvariantCulture, $"limit:{key.Sensor}:{key.Channel}:{key.Metric}");

    private static string Metric(LimitMetric metric) => metric switch
    {
        LimitMetric.BitsPerSecond => "bitsPerSecond",
        LimitMetric.PacketsPerSecond => "packetsPerSecond",
        _ => "flowsPerSecond",
    };
}

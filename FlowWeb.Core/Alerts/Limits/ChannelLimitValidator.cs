using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Alerts.Limits;

/// <summary>Checks a sensor's channel limits; each problem names the field <c>Limits</c> and the channel it concerns.</summary>
public static class ChannelLimitValidator
{
    public const string Field = "Limits";
    public const int MaxLimits = 64;

    public static void Check(SensorDefinition sensor, Action<string, string> fail)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        ArgumentNullException.ThrowIfNull(fail);
        if (sensor.Limits.Count == 0)
        {
            return;
        }

        if (sensor.Limits.Count > MaxLimits)
        {
            fail(Field, $"at most {MaxLimits} limits");
            return;
        }

        Dictionary<int, string>? channels = null;
        try
        {
            channels = Aggregation.SensorAggregator.BuildChannels(sensor).Channels.ToDictionary(c => c.Id, c => c.Name);
        }
        catch (ArgumentException)
        {
            // The channel definition is invalid and reported on its own field; the channels cannot be checked.
        }

        foreach (var limit in sensor.Limits)
        {
            var name = channels?.GetValueOrDefault(limit.ChannelId) ?? $"channel {limit.ChannelId}";
            var prefix = $"{name} {Unit(limit.Metric)}";
            if (channels is not null && !channels.ContainsKey(limit.ChannelId))
            {
                fail(Field, $"the sensor has no channel with id {limit.ChannelId}");
            }

            if (!Enum.IsDefined(limit.Metric))
            {
                fail(Field, $"{prefix}: unknown value '{limit.Metric}' (BitsPerSecond, PacketsPerSecond or FlowsPerSecond)");
            }

            if (limit.IsEmpty)
            {
                fail(Field, $"{prefix}: set at least one limit");
            }

            foreach (var (label, value) in new[] { ("upper error", limit.UpperError), ("upper warning", limit.UpperWarning), ("lower warning", limit.LowerWarning), ("lower error", limit.LowerError) })
            {
                if (value is { } v && (double.IsNaN(v) || double.IsInfinity(v) || v < 0))
                {
                    fail(Field, $"{prefix}: the {label} limit must be a number of 0 or more");
                }
            }

            // From low to high: lower error < lower warning < upper warning < upper error, for those that are set.
            var ordered = new[] { ("lower error", limit.LowerError), ("lower warning", limit.LowerWarning), ("upper warning", limit.UpperWarning), ("upper error", limit.UpperError) }
                .Where(l => l.Item2 is not null).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                if (ordered[i].Item2 <= ordered[i - 1].Item2)
                {
                    fail(Field, $"{prefix}: the {ordered[i].Item1} limit must be above the {ordered[i - 1].Item1} limit");
                }
            }

            if (limit.HoldSeconds is < 0 or > ChannelLimit.MaxHoldSeconds)
            {
                fail(Field, $"{prefix}: the hold time must be 0 to {ChannelLimit.MaxHoldSeconds} seconds");
            }

            if (new[] { limit.UpperErrorMessage, limit.UpperWarningMessage, limit.LowerWarningMessage, limit.LowerErrorMessage }.Any(m => (m?.Length ?? 0) > ChannelLimit.MaxMessageLength))
            {
                fail(Field, $"{prefix}: a limit message may have at most {ChannelLimit.MaxMessageLength} characters");
            }
        }

        foreach (var duplicate in sensor.Limits.GroupBy(l => (l.ChannelId, l.Metric)).Where(g => g.Count() > 1))
        {
            var name = channels?.GetValueOrDefault(duplicate.Key.ChannelId) ?? $"channel {duplicate.Key.ChannelId}";
            fail(Field, $"{name} {Unit(duplicate.Key.Metric)} has limits twice: keep one");
        }
    }

    public static string Unit(LimitMetric metric) => metric switch
    {
        LimitMetric.BitsPerSecond => "bit/s",
        LimitMetric.PacketsPerSecond => "packets/s",
        _ => "flows/s",
    };
}

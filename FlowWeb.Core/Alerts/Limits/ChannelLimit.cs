using System.Globalization;

namespace FlowWeb.Core.Alerts.Limits;

/// <summary>The per-second value of a channel that a limit watches, in the channel's units.</summary>
public enum LimitMetric
{
    BitsPerSecond,
    PacketsPerSecond,
    FlowsPerSecond,
}

/// <summary>
/// PRTG's channel limits for one channel and one value: upper and lower error and warning limits (any may be unset),
/// each with a message, counted only once the value stayed beyond the limit for <see cref="HoldSeconds"/>. An error
/// limit makes the sensor Down, a warning limit Warning.
/// </summary>
public sealed record ChannelLimit
{
    public const int MaxMessageLength = 200;
    public const int MaxHoldSeconds = 3600;

    public int ChannelId { get; init; }

    public LimitMetric Metric { get; init; } = LimitMetric.BitsPerSecond;

    public double? UpperError { get; init; }

    public double? UpperWarning { get; init; }

    public double? LowerWarning { get; init; }

    public double? LowerError { get; init; }

    public string UpperErrorMessage { get; init; } = "";

    public string UpperWarningMessage { get; init; } = "";

    public string LowerWarningMessage { get; init; } = "";

    public string LowerErrorMessage { get; init; } = "";

    /// <summary>How long the value must stay beyond a limit before it counts (a one-second burst pages nobody).</summary>
    public int HoldSeconds { get; init; } = 60;

    public bool IsEmpty => UpperError is null && UpperWarning is null && LowerWarning is null && LowerError is null;

    /// <summary>The worst limit the value is beyond right now, or null within limits.</summary>
    public LimitLevel? Crossed(double value)
    {
        if (UpperError is { } ue && value > ue)
        {
            return LimitLevel.UpperError;
        }

        if (LowerError is { } le && value < le)
        {
            return LimitLevel.LowerError;
        }

        if (UpperWarning is { } uw && value > uw)
        {
            return LimitLevel.UpperWarning;
        }

        if (LowerWarning is { } lw && value < lw)
        {
            return LimitLevel.LowerWarning;
        }

        return null;
    }

    public double Threshold(LimitLevel level) => level switch
    {
        LimitLevel.UpperError => UpperError ?? double.NaN,
        LimitLevel.UpperWarning => UpperWarning ?? double.NaN,
        LimitLevel.LowerWarning => LowerWarning ?? double.NaN,
        _ => LowerError ?? double.NaN,
    };

    public string Message(LimitLevel level) => level switch
    {
        LimitLevel.UpperError => UpperErrorMessage,
        LimitLevel.UpperWarning => UpperWarningMessage,
        LimitLevel.LowerWarning => LowerWarningMessage,
        _ => LowerErrorMessage,
    };

    /// <summary>A value in the metric's unit, scaled for reading: <c>962 Mbit/s</c>, <c>1.2 kpackets/s</c>.</summary>
    public static string Format(double value, LimitMetric metric)
    {
        var unit = metric switch
        {
            LimitMetric.BitsPerSecond => "bit/s",
            LimitMetric.PacketsPerSecond => "packets/s",
            _ => "flows/s",
        };
        string[] prefixes = ["", "k", "M", "G", "T"];
        var scaled = Math.Abs(value);
        var p = 0;
        while (scaled >= 1000 && p < prefixes.Length - 1)
        {
            scaled /= 1000;
            p++;
        }

        var number = (value < 0 ? -scaled : scaled).ToString(scaled >= 100 ? "0" : scaled >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture);
        return $"{number} {prefixes[p]}{unit}";
    }
}

public enum LimitLevel
{
    LowerWarning,
    UpperWarning,
    LowerError,
    UpperError,
}

public static class LimitLevels
{
    public static bool IsError(this LimitLevel level) => level is LimitLevel.UpperError or LimitLevel.LowerError;

    public static AlertSeverity Severity(this LimitLevel level) => level.IsError() ? AlertSeverity.Error : AlertSeverity.Warning;

    public static string Describe(this LimitLevel level) => level switch
    {
        LimitLevel.UpperError => "above the upper error limit",
        LimitLevel.UpperWarning => "above the upper warning limit",
        LimitLevel.LowerWarning => "below the lower warning limit",
        _ => "below the lower error limit",
    };
}

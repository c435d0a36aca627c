using System.Globalization;

namespace FlowWeb.Components.Shared;

/// <summary>
/// A unit a number is shown in: its name and how many base units (bit/s, bytes) one of it holds. Decimal, as
/// network speeds are: 1 Mbit/s = 1,000,000 bit/s and, to match, 1 MB = 1,000,000 bytes.
/// </summary>
public readonly record struct DisplayUnit(string Name, double Scale);

/// <summary>
/// How numbers and versions read on every page, the one place that scales units: a rate or a volume is shown in the
/// largest unit in which it is at least 1 (per value), or every value of an axis or a column in the unit of its
/// largest value (per axis), with three significant digits. The API and CSV never go through here: they stay raw.
/// Times are formatted by <see cref="DisplayZone"/> (the reader's time zone, or UTC).
/// </summary>
public static class FlowFormat
{
    public static IReadOnlyList<DisplayUnit> BitRateUnits { get; } =
        [new("bit/s", 1), new("kbit/s", 1e3), new("Mbit/s", 1e6), new("Gbit/s", 1e9), new("Tbit/s", 1e12)];

    public static IReadOnlyList<DisplayUnit> ByteUnits { get; } =
        [new("B", 1), new("KB", 1e3), new("MB", 1e6), new("GB", 1e9), new("TB", 1e12)];

    public static string Version(int version) => version switch
    {
        1 => "NetFlow v1",
        5 => "NetFlow v5",
        9 => "NetFlow v9",
        10 => "IPFIX",
        Core.Decoding.SFlow.SFlowDatagram.Version => "sFlow v5",
        _ => "unknown",
    };

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Count(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The unit for a bit rate (or for an axis whose largest value it is): "6.22 Gbit/s", "54.8 Mbit/s", "900 bit/s".</summary>
    public static DisplayUnit BitRateUnit(double bitsPerSecond) => UnitFor(bitsPerSecond, BitRateUnits);

    public static DisplayUnit ByteUnit(double bytes) => UnitFor(bytes, ByteUnits);

    /// <summary>A rate in bit/s in its own unit: "6.22 Gbit/s".</summary>
    public static string BitRate(double bitsPerSecond) => In(bitsPerSecond, BitRateUnit(bitsPerSecond));

    /// <summary>Bytes in their own unit: "512 B", "1.50 KB", "12.3 MB", "4.00 GB".</summary>
    public static string Bytes(double bytes) => In(bytes, ByteUnit(bytes));

    /// <summary>A value in a given unit (an axis's or a column's), with its unit: "0.42 Gbit/s"; whole bytes and bit/s have no decimals.</summary>
    public static string In(double value, DisplayUnit unit) =>
        (unit.Scale == 1 ? Count(Math.Round(value)) : Number(value / unit.Scale)) + " " + unit.Name;

    /// <summary>
    /// Three significant digits and thousands separators, so columns read alike: 0, 0.42, 6.22, 54.8, 224, 1,024.
    /// </summary>
    public static string Number(double value)
    {
        var magnitude = Math.Abs(value);
        var format = magnitude == 0 || magnitude >= 100 ? "N0" : magnitude >= 10 ? "N1" : "N2";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>A per-second rate of things (packets/s, flows/s): one decimal below 100, whole above.</summary>
    public static string PerSecond(double value) =>
        value.ToString(Math.Abs(value) >= 100 ? "N0" : "N1", CultureInfo.InvariantCulture);

    public static string Percent(double share) => share.ToString("N1", CultureInfo.InvariantCulture) + " %";

    /// <summary>A rate in bit/s in its own unit, or a dash when there is none (nothing measured yet).</summary>
    public static string BitRateOrDash(double? bitsPerSecond) => bitsPerSecond is { } b ? BitRate(b) : "–";

    /// <summary>A percentage, or a dash when there is none (speed unknown, nothing measured).</summary>
    public static string PercentOrDash(double? share) => share is { } s ? Percent(s) : "–";

    /// <summary>"just now", "42 s ago", "3 min ago", "5 h ago", "2 d ago".</summary>
    public static string Ago(DateTimeOffset when, DateTimeOffset now)
    {
        var age = now - when;
        return age.TotalSeconds switch
        {
            < 1 => "just now",
            < 60 => $"{(int)age.TotalSeconds} s ago",
            < 3600 => $"{(int)age.TotalMinutes} min ago",
            < 86_400 => $"{(int)age.TotalHours} h ago",
            _ => $"{(int)age.TotalDays} d ago",
        };
    }

    /// <summary>A duration as a person says it: "5 s", "1 min", "15 min", "1 h", "1 day", "90 s".</summary>
    public static string Span(int seconds) => seconds switch
    {
        _ when seconds % 86_400 == 0 => seconds == 86_400 ? "1 day" : $"{seconds / 86_400} days",
        _ when seconds % 3600 == 0 => $"{seconds / 3600} h",
        _ when seconds % 60 == 0 && seconds >= 60 => $"{seconds / 60} min",
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds} s"),
    };

    private static DisplayUnit UnitFor(double value, IReadOnlyList<DisplayUnit> units)
    {
        var magnitude = Math.Abs(value);
        var unit = units[0];
        foreach (var candidate in units)
        {
            // 999.6 kbit/s would print as "1,000 kbit/s": the next unit reads better.
            if (magnitude >= candidate.Scale * 0.9995)
            {
                unit = candidate;
            }
        }

        return unit;
    }
}

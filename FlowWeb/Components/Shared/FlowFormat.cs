using System.Globalization;

namespace FlowWeb.Components.Shared;

/// <summary>How numbers, versions and times read on every page.</summary>
internal static class FlowFormat
{
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

    /// <summary>A rate in bit/s as PRTG shows traffic channels: kbit/s with one decimal.</summary>
    public static string Kbits(double bitsPerSecond) => (bitsPerSecond / 1000).ToString("N1", CultureInfo.InvariantCulture) + " kbit/s";

    /// <summary>A per-second rate with one decimal (packets/s, flows/s).</summary>
    public static string PerSecond(double value) => value.ToString("N1", CultureInfo.InvariantCulture);

    /// <summary>Bytes in decimal units: "512 B", "1.5 kB", "12.3 MB", "4.0 GB".</summary>
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB"];
        var unit = 0;
        while (Math.Abs(bytes) >= 1000 && unit < units.Length - 1)
        {
            bytes /= 1000;
            unit++;
        }

        return unit == 0
            ? bytes.ToString("N0", CultureInfo.InvariantCulture) + " B"
            : bytes.ToString("N1", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    public static string Percent(double share) => share.ToString("N1", CultureInfo.InvariantCulture) + " %";

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

    public static string Utc(DateTimeOffset when) => when.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A time of day in UTC, for graphs, toplist periods and the flow tail.</summary>
    public static string Clock(DateTimeOffset when) => when.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    public static string ClockMinutes(DateTimeOffset when) => when.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
}

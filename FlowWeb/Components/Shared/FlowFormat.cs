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
        _ => "unknown",
    };

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

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
}

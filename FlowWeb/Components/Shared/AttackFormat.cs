using FlowWeb.Core.Detection;

namespace FlowWeb.Components.Shared;

/// <summary>How attack pages say an attack's length: "42 s", "3 min 5 s", "2 h 10 min" (ongoing ones up to now).</summary>
public static class AttackFormat
{
    public static string Duration(AttackReport attack, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(attack);
        var seconds = (int)Math.Max(0, ((attack.End ?? now) - attack.Start).TotalSeconds);
        return seconds < 60 ? $"{seconds} s" : seconds < 3600 ? $"{seconds / 60} min {seconds % 60} s" : $"{seconds / 3600} h {seconds % 3600 / 60} min";
    }
}

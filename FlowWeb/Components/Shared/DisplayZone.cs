using System.Globalization;

namespace FlowWeb.Components.Shared;

/// <summary>
/// The time zone pages show and read times in: the browser's, learned once the page is interactive, or UTC when the
/// reader switched to it (the browser remembers the switch). The layout cascades it to every component; one rendered
/// without it (a test, the prerendered first paint) shows UTC, and every time it prints says which zone it is in.
/// The API and CSV never use it: they stay UTC ISO 8601.
/// </summary>
public sealed class DisplayZone
{
    private DisplayZone(TimeZoneInfo zone, string name, bool isUtc, bool fixedOffset)
    {
        Zone = zone;
        Name = name;
        IsUtc = isUtc;
        IsFixedOffset = fixedOffset;
    }

    public static DisplayZone Utc { get; } = new(TimeZoneInfo.Utc, "UTC", isUtc: true, fixedOffset: false);

    public TimeZoneInfo Zone { get; }

    /// <summary>The IANA name ("Europe/Berlin"), or "UTC".</summary>
    public string Name { get; }

    public bool IsUtc { get; }

    /// <summary>The server knows no zone by the browser's name: a fixed offset stands in (no daylight saving changes).</summary>
    public bool IsFixedOffset { get; }

    /// <summary>
    /// The browser's zone by its IANA name; when this machine has no data for it, a fixed zone with the offset the
    /// browser reported (right until the next daylight saving change).
    /// </summary>
    public static DisplayZone Browser(string? ianaName, int offsetMinutes)
    {
        if (!string.IsNullOrWhiteSpace(ianaName) && ianaName.Length <= 64)
        {
            if (ianaName is "UTC" or "Etc/UTC")
            {
                return Utc;
            }

            try
            {
                return new DisplayZone(TimeZoneInfo.FindSystemTimeZoneById(ianaName), ianaName, isUtc: false, fixedOffset: false);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                // Fall back to the offset below.
            }
        }

        var offset = TimeSpan.FromMinutes(Math.Clamp(offsetMinutes, -14 * 60, 14 * 60));
        var name = "UTC" + OffsetText(offset);
        return new DisplayZone(TimeZoneInfo.CreateCustomTimeZone(name, offset, name, name), name, isUtc: false, fixedOffset: true);
    }

    /// <summary>The wall-clock time in this zone.</summary>
    public DateTime Local(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, Zone).DateTime;

    /// <summary>"UTC", or the zone's offset at that moment, e.g. "UTC+01:00" (daylight saving included).</summary>
    public string Suffix(DateTimeOffset at) => IsUtc ? "UTC" : "UTC" + OffsetText(Zone.GetUtcOffset(at));

    /// <summary>What the zone switch and captions call it: "UTC" or "Europe/Berlin (UTC+01:00)".</summary>
    public string Label(DateTimeOffset now) => IsUtc || IsFixedOffset ? Suffix(now) : $"{Name} ({Suffix(now)})";

    /// <summary>"2025-03-01 14:03:05 UTC+01:00".</summary>
    public string DateTime(DateTimeOffset time) => Format(time, "yyyy-MM-dd HH:mm:ss") + " " + Suffix(time);

    /// <summary>"2025-03-01 14:03" without the zone (for ranges whose caption names it once).</summary>
    public string DateMinutes(DateTimeOffset time) => Format(time, "yyyy-MM-dd HH:mm");

    public string Date(DateTimeOffset time) => Format(time, "yyyy-MM-dd");

    /// <summary>A time of day, for graphs, toplist periods and the flow tail: "14:03:05".</summary>
    public string Clock(DateTimeOffset time) => Format(time, "HH:mm:ss");

    public string ClockMinutes(DateTimeOffset time) => Format(time, "HH:mm");

    public string Format(DateTimeOffset time, string format) => Local(time).ToString(format, CultureInfo.InvariantCulture);

    /// <summary>
    /// A wall-clock time typed in this zone as an instant. A time the clocks skipped (spring forward) is read as
    /// the moment after the gap; a time they passed twice (fall back) as its first occurrence.
    /// </summary>
    public DateTimeOffset FromLocal(DateTime local)
    {
        local = System.DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            var before = Zone.GetUtcOffset(local.AddHours(-3));
            return new DateTimeOffset(local - before, TimeSpan.Zero);
        }

        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>Midnight at the start of the day holding <paramref name="time"/>, in this zone.</summary>
    public DateTimeOffset StartOfDay(DateTimeOffset time) => FromLocal(Local(time).Date);

    private static string OffsetText(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}

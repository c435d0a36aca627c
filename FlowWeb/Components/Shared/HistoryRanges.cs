using System.Globalization;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;

namespace FlowWeb.Components.Shared;

/// <summary>The ranges of a history page, as PRTG offers them.</summary>
public enum HistoryRange
{
    Live,
    Today,
    Yesterday,
    TwoHours,
    TwoDays,
    ThirtyDays,
    Year,
    Custom,
}

/// <summary>
/// What a history page shows: [<see cref="From"/>, <see cref="To"/>) at <see cref="Resolution"/>, chosen by the
/// history service from the range. <see cref="HistoryRange.Live"/> is read from memory, per second, so its
/// resolution is <see cref="HistoryResolution.Auto"/>.
/// </summary>
public sealed record HistoryWindow(HistoryRange Range, DateTimeOffset From, DateTimeOffset To, HistoryResolution Resolution)
{
    public bool IsLive => Range == HistoryRange.Live;

    public string ResolutionText => Resolution switch
    {
        HistoryResolution.Minute => "1 minute",
        HistoryResolution.Hour => "1 hour",
        HistoryResolution.Day => "1 day",
        _ => "1 second (live, from memory)",
    };
}

/// <summary>
/// Turns a range choice, or a custom from/to typed in the reader's time zone, into a <see cref="HistoryWindow"/>; bad
/// input yields errors naming the field. "Today" and "Yesterday" are days of the reader's zone.
/// </summary>
public static class HistoryRanges
{
    /// <summary>How custom times are typed and shown (in the reader's zone).</summary>
    public const string TimeFormat = "yyyy-MM-dd HH:mm";

    /// <summary>The live range: the last hour of per-second values kept in memory (<c>Aggregation:LiveWindowSeconds</c>).</summary>
    public static readonly TimeSpan LiveSpan = TimeSpan.FromHours(1);

    /// <summary>The longest custom range: as long as day history is kept.</summary>
    public static readonly TimeSpan MaxCustomSpan = TimeSpan.FromDays(3660);

    public static IReadOnlyList<HistoryRange> Presets { get; } =
        [HistoryRange.Live, HistoryRange.TwoHours, HistoryRange.Today, HistoryRange.Yesterday, HistoryRange.TwoDays, HistoryRange.ThirtyDays, HistoryRange.Year];

    public static string Label(HistoryRange range) => range switch
    {
        HistoryRange.Live => "Live",
        HistoryRange.Today => "Today",
        HistoryRange.Yesterday => "Yesterday",
        HistoryRange.TwoHours => "2 hours",
        HistoryRange.TwoDays => "2 days",
        HistoryRange.ThirtyDays => "30 days",
        HistoryRange.Year => "365 days",
        _ => "Custom",
    };

    /// <summary>The query-string name of a range (<c>?range=2d</c>).</summary>
    public static string Key(HistoryRange range) => range switch
    {
        HistoryRange.Live => "live",
        HistoryRange.Today => "today",
        HistoryRange.Yesterday => "yesterday",
        HistoryRange.TwoHours => "2h",
        HistoryRange.TwoDays => "2d",
        HistoryRange.ThirtyDays => "30d",
        HistoryRange.Year => "365d",
        _ => "custom",
    };

    public static HistoryRange? FromKey(string? key) => Enum.GetValues<HistoryRange>().Cast<HistoryRange?>()
        .FirstOrDefault(r => string.Equals(Key(r!.Value), key?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The length of a range that ends now (not Today, Yesterday or Custom, which are fixed in time).</summary>
    public static TimeSpan SpanOf(HistoryRange range) => range switch
    {
        HistoryRange.Live => LiveSpan,
        HistoryRange.TwoHours => TimeSpan.FromHours(2),
        HistoryRange.TwoDays => TimeSpan.FromDays(2),
        HistoryRange.ThirtyDays => TimeSpan.FromDays(30),
        HistoryRange.Year => TimeSpan.FromDays(365),
        _ => throw new ArgumentOutOfRangeException(nameof(range), range, "Today, yesterday and custom ranges have their own from and to."),
    };

    /// <summary>
    /// A preset range, with the resolution the history service would choose for it: the last hour, 2 hours... up to
    /// now, or today (local midnight to now) or yesterday (the local day before), in the reader's zone.
    /// </summary>
    public static HistoryWindow Preset(HistoryRange range, DateTimeOffset now, HistoryQueryService history, DisplayZone? zone = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        zone ??= DisplayZone.Utc;
        var midnight = zone.StartOfDay(now);
        var (from, to) = range switch
        {
            HistoryRange.Today => (midnight, now),
            HistoryRange.Yesterday => (zone.StartOfDay(midnight.AddHours(-1)), midnight),
            _ => (now - SpanOf(range), now),
        };
        return new HistoryWindow(range, from, to, range == HistoryRange.Live ? HistoryResolution.Auto : history.ChooseResolution(from, to));
    }

    /// <summary>A custom range over [from, to) (a zoom into a graph), with the resolution the history service chooses for it.</summary>
    public static HistoryWindow Span(DateTimeOffset from, DateTimeOffset to, HistoryQueryService history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return new HistoryWindow(HistoryRange.Custom, from, to, history.ChooseResolution(from, to));
    }

    /// <summary>
    /// A custom range from two times as typed in the reader's zone; null with the errors (field <c>From</c> or
    /// <c>To</c>) when they do not make a range.
    /// </summary>
    public static HistoryWindow? Custom(string? fromText, string? toText, DateTimeOffset now, HistoryQueryService history, out IReadOnlyList<ValidationError> errors,
        DisplayZone? zone = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        zone ??= DisplayZone.Utc;
        var problems = new List<ValidationError>();
        var from = ParseTime(fromText, "From", zone, problems);
        var to = ParseTime(toText, "To", zone, problems);
        if (from is { } f && to is { } t)
        {
            if (t <= f)
            {
                problems.Add(new ValidationError("To", "must be later than From"));
            }
            else if (t - f > MaxCustomSpan)
            {
                problems.Add(new ValidationError("From", $"the range may span at most {MaxCustomSpan.TotalDays:N0} days (day history is kept 10 years)"));
            }

            if (f >= now)
            {
                problems.Add(new ValidationError("From", $"must be in the past (now is {Format(now, zone)} {zone.Suffix(now)})"));
            }
        }

        errors = problems;
        return problems.Count > 0 ? null : new HistoryWindow(HistoryRange.Custom, from!.Value, to!.Value, history.ChooseResolution(from.Value, to.Value));
    }

    /// <summary>A time as custom ranges are typed, in the zone: "2025-03-01 08:00".</summary>
    public static string Format(DateTimeOffset time, DisplayZone? zone = null) => (zone ?? DisplayZone.Utc).Format(time, TimeFormat);

    private static DateTimeOffset? ParseTime(string? text, string field, DisplayZone zone, List<ValidationError> problems)
    {
        var where = zone.IsUtc ? "UTC" : $"in {zone.Label(DateTimeOffset.UtcNow)}";
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add(new ValidationError(field, $"is required: a time {(zone.IsUtc ? "in UTC" : where)} as {TimeFormat}"));
            return null;
        }

        if (DateTime.TryParseExact(text.Trim(), [TimeFormat, "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return zone.FromLocal(parsed);
        }

        problems.Add(new ValidationError(field, $"\"{text.Trim()}\" is not a time: write {TimeFormat} ({where}), e.g. 2025-03-01 08:00"));
        return null;
    }
}

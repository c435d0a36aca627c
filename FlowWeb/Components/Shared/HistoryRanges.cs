using System.Globalization;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;

namespace FlowWeb.Components.Shared;

/// <summary>The ranges of a history page, as PRTG offers them.</summary>
public enum HistoryRange
{
    Live,
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

/// <summary>Turns a range choice, or a custom from/to typed in UTC, into a <see cref="HistoryWindow"/>; bad input yields errors naming the field.</summary>
public static class HistoryRanges
{
    /// <summary>How custom times are typed and shown (UTC).</summary>
    public const string TimeFormat = "yyyy-MM-dd HH:mm";

    /// <summary>The live range: the last hour of per-second values kept in memory (<c>Aggregation:LiveWindowSeconds</c>).</summary>
    public static readonly TimeSpan LiveSpan = TimeSpan.FromHours(1);

    /// <summary>The longest custom range: as long as day history is kept.</summary>
    public static readonly TimeSpan MaxCustomSpan = TimeSpan.FromDays(3660);

    public static IReadOnlyList<HistoryRange> Presets { get; } = [HistoryRange.Live, HistoryRange.TwoHours, HistoryRange.TwoDays, HistoryRange.ThirtyDays, HistoryRange.Year];

    public static string Label(HistoryRange range) => range switch
    {
        HistoryRange.Live => "Live",
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
        HistoryRange.TwoHours => "2h",
        HistoryRange.TwoDays => "2d",
        HistoryRange.ThirtyDays => "30d",
        HistoryRange.Year => "365d",
        _ => "custom",
    };

    public static HistoryRange? FromKey(string? key) => Enum.GetValues<HistoryRange>().Cast<HistoryRange?>()
        .FirstOrDefault(r => string.Equals(Key(r!.Value), key?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static TimeSpan SpanOf(HistoryRange range) => range switch
    {
        HistoryRange.Live => LiveSpan,
        HistoryRange.TwoHours => TimeSpan.FromHours(2),
        HistoryRange.TwoDays => TimeSpan.FromDays(2),
        HistoryRange.ThirtyDays => TimeSpan.FromDays(30),
        HistoryRange.Year => TimeSpan.FromDays(365),
        _ => throw new ArgumentOutOfRangeException(nameof(range), range, "A custom range has its own from and to."),
    };

    /// <summary>A preset range ending now, with the resolution the history service would choose for it.</summary>
    public static HistoryWindow Preset(HistoryRange range, DateTimeOffset now, HistoryQueryService history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var from = now - SpanOf(range);
        return new HistoryWindow(range, from, now, range == HistoryRange.Live ? HistoryResolution.Auto : history.ChooseResolution(from, now));
    }

    /// <summary>A custom range from two UTC times as typed; null with the errors (field <c>From</c> or <c>To</c>) when they do not make a range.</summary>
    public static HistoryWindow? Custom(string? fromText, string? toText, DateTimeOffset now, HistoryQueryService history, out IReadOnlyList<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(history);
        var problems = new List<ValidationError>();
        var from = ParseTime(fromText, "From", problems);
        var to = ParseTime(toText, "To", problems);
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
                problems.Add(new ValidationError("From", $"must be in the past (now is {Format(now)} UTC)"));
            }
        }

        errors = problems;
        return problems.Count > 0 ? null : new HistoryWindow(HistoryRange.Custom, from!.Value, to!.Value, history.ChooseResolution(from.Value, to.Value));
    }

    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(string? text, string field, List<ValidationError> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add(new ValidationError(field, $"is required: a UTC time as {TimeFormat}"));
            return null;
        }

        if (DateTime.TryParseExact(text.Trim(), [TimeFormat, "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return new DateTimeOffset(parsed, TimeSpan.Zero);
        }

        problems.Add(new ValidationError(field, $"\"{text.Trim()}\" is not a time: write {TimeFormat} (UTC), e.g. 2025-03-01 08:00"));
        return null;
    }
}

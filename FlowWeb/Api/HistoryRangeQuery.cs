using System.Globalization;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;

namespace FlowWeb.Api;

/// <summary>
/// The range of a history request, from the query string: <c>from</c> and <c>to</c> as ISO 8601 times (or Unix
/// seconds), default the last <see cref="DefaultSpan"/> up to now; <c>resolution</c> auto (default), minute, hour or
/// day. Parsed here rather than bound, so that every bad value is reported by the name of its parameter.
/// </summary>
internal sealed record HistoryRangeQuery(DateTimeOffset From, DateTimeOffset To, HistoryResolution Resolution)
{
    public static readonly TimeSpan DefaultSpan = TimeSpan.FromHours(2);

    /// <summary>The longest range: as long as day history is kept, with a margin.</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(3660);

    /// <summary>Buckets per channel a chosen resolution may produce (a year of minutes would be 525,600).</summary>
    public const int MaxBuckets = 100_000;

    public const string TimeDescription = "ISO 8601 time (e.g. 2025-03-01T10:00:00Z; without an offset it is UTC) or Unix seconds";

    public static HistoryRangeQuery? Parse(string? from, string? to, string? resolution, DateTimeOffset now, HistoryQueryService history, out List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(history);
        errors = [];
        var end = ParseTime(to, nameof(to), errors) ?? now;
        var start = ParseTime(from, nameof(from), errors) ?? end - DefaultSpan;
        var chosen = ParseResolution(resolution, errors);
        if (errors.Count > 0)
        {
            return null;
        }

        if (start >= end)
        {
            errors.Add(new ValidationError(nameof(from), $"must be earlier than to ({Text(start)} is not before {Text(end)})"));
            return null;
        }

        if (end - start > MaxSpan)
        {
            errors.Add(new ValidationError(nameof(from), $"the range may span at most {MaxSpan.TotalDays:N0} days (day history is kept 10 years)"));
            return null;
        }

        if (chosen != HistoryResolution.Auto)
        {
            var buckets = (end - start).TotalSeconds / HistoryBuckets.SecondsOf(chosen);
            if (buckets > MaxBuckets)
            {
                errors.Add(new ValidationError(nameof(resolution),
                    $"{chosen.ToString().ToLowerInvariant()} resolution gives {buckets:N0} buckets for this range, more than {MaxBuckets:N0}: choose a coarser resolution, a shorter range, or auto"));
                return null;
            }
        }

        return new HistoryRangeQuery(start, end, chosen == HistoryResolution.Auto ? history.ChooseResolution(start, end) : chosen);
    }

    internal static DateTimeOffset? ParseTime(string? text, string field, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text.Trim();
        if (long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
        {
            if (unix <= 253_402_300_799)
            {
                return DateTimeOffset.FromUnixTimeSeconds(unix);
            }
        }
        else if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed.ToUniversalTime();
        }

        errors.Add(new ValidationError(field, $"\"{trimmed}\" is not a time: use an {TimeDescription}"));
        return null;
    }

    private static HistoryResolution ParseResolution(string? text, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return HistoryResolution.Auto;
        }

        if (Enum.TryParse<HistoryResolution>(text.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(text.Trim()[0]))
        {
            return parsed;
        }

        errors.Add(new ValidationError("resolution", $"\"{text.Trim()}\" is not a resolution: use auto, minute, hour or day"));
        return HistoryResolution.Auto;
    }

    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}

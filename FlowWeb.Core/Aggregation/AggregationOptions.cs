namespace FlowWeb.Core.Aggregation;

/// <summary>Bounds for running sensors (configuration section <c>Aggregation</c>).</summary>
public sealed class AggregationOptions
{
    public const string SectionName = "Aggregation";

    /// <summary>Seconds of per-second channel data kept in memory for live graphs.</summary>
    public int LiveWindowSeconds { get; set; } = 3600;

    /// <summary>Distinct keys a toplist period counts exactly; beyond it the list is approximate (Space-Saving) in the same memory.</summary>
    public int ToplistCapacity { get; set; } = 200_000;

    /// <summary>
    /// Seconds after a minute's end before it goes to history. Short by default, so a hard kill loses little more
    /// than the running minute: flows that arrive later for a minute already handed over (routers export long
    /// flows up to the active timeout late) are added to its stored row by a further write, not lost.
    /// </summary>
    public int MinuteGraceSeconds { get; set; } = 5;

    public IEnumerable<string> Validate()
    {
        if (LiveWindowSeconds is < 600 or > 86_400)
        {
            yield return $"{SectionName}:{nameof(LiveWindowSeconds)} must be 600 to 86400 (was {LiveWindowSeconds}).";
        }

        if (ToplistCapacity is < 100 or > 50_000_000)
        {
            yield return $"{SectionName}:{nameof(ToplistCapacity)} must be 100 to 50,000,000 (was {ToplistCapacity}).";
        }

        if (MinuteGraceSeconds is < 0 or > 600)
        {
            yield return $"{SectionName}:{nameof(MinuteGraceSeconds)} must be 0 to 600 (was {MinuteGraceSeconds}).";
        }
    }
}

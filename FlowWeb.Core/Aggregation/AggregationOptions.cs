namespace FlowWeb.Core.Aggregation;

/// <summary>Bounds for running sensors (configuration section <c>Aggregation</c>).</summary>
public sealed class AggregationOptions
{
    public const string SectionName = "Aggregation";

    /// <summary>Seconds of per-second channel data kept in memory for live graphs.</summary>
    public int LiveWindowSeconds { get; set; } = 3600;

    /// <summary>
    /// Distinct keys a toplist period counts exactly; beyond it the list is approximate (a frequent-items sketch with a
    /// stated error bound) in the same memory. Tables have a power of two of slots and hold up to three quarters of
    /// them, so the default is the most a 2^18-slot table holds; 200,000 would take a table twice the size.
    /// </summary>
    public int ToplistCapacity { get; set; } = 196_608;

    /// <summary>
    /// Memory all sensors' toplist tables share (bytes). Tables grow as keys arrive and ask this budget at every
    /// doubling; a table refused stays at its size with a larger error bound. 256 MiB holds six sensors' default
    /// toplists at full capacity; more sensors share it (see the README, Memory).
    /// </summary>
    public long MemoryBudgetBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Seconds after a minute's end before it goes to history. Short by default, so a hard kill loses little more
    /// than the running minute: flows that arrive later for a minute already handed over (routers export long
    /// flows up to the active timeout late) are added to its stored row by a further write, not lost.
    /// </summary>
    public int MinuteGraceSeconds { get; set; } = 5;

    /// <summary>A copy with every setting, those added later included (the collector's warm-up changes one of them).</summary>
    public AggregationOptions Clone() => (AggregationOptions)MemberwiseClone();

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

        if (MemoryBudgetBytes is < 16L * 1024 * 1024 or > 1L << 40)
        {
            yield return $"{SectionName}:{nameof(MemoryBudgetBytes)} must be 16 MiB (16777216) to 1 TiB (was {MemoryBudgetBytes}).";
        }

        if (MinuteGraceSeconds is < 0 or > 600)
        {
            yield return $"{SectionName}:{nameof(MinuteGraceSeconds)} must be 0 to 600 (was {MinuteGraceSeconds}).";
        }
    }
}

namespace FlowWeb.Core.Storage.History;

/// <summary>
/// One period of a toplist on the clock (10:00–10:15 for a 15-minute list) and the stored pieces that cover it: one
/// when the collector ran through it, several when a restart cut it (the part before the stop and the part after
/// the start, each stored with the span it covered). Pages show a slot once, its pieces merged.
/// </summary>
public sealed record ToplistSlot(DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<ToplistPeriodInfo> Pieces)
{
    /// <summary>Seconds of the slot that some piece covered.</summary>
    public long CoveredSeconds
    {
        get
        {
            long covered = 0, reached = Start.ToUnixTimeSeconds();
            foreach (var p in Pieces.OrderBy(p => p.Start))
            {
                var from = Math.Max(reached, p.Start.ToUnixTimeSeconds());
                var to = Math.Min(End.ToUnixTimeSeconds(), p.End.ToUnixTimeSeconds());
                if (to > from)
                {
                    covered += to - from;
                    reached = to;
                }
            }

            return covered;
        }
    }

    /// <summary>Part of the slot was not counted: the collector (or the sensor) started, stopped or restarted in it.</summary>
    public bool Partial => CoveredSeconds < (End - Start).TotalSeconds;

    /// <summary>
    /// The pieces' counts are not exact: a piece was approximate itself, or several pieces are summed and one kept
    /// only its top N (a key below it there is missing from the sum). One piece with its top N stored is exact.
    /// </summary>
    public bool Approximate => Pieces.Any(p => p.Approximate) || (Pieces.Count > 1 && Pieces.Any(p => p.Truncated));

    /// <summary>
    /// Groups stored periods (oldest first) into clock slots of <paramref name="periodMinutes"/>. A stored period
    /// longer than a slot (the toplist's period was longer when it was stored) is a slot of its own.
    /// </summary>
    public static List<ToplistSlot> Group(IEnumerable<ToplistPeriodInfo> periods, int periodMinutes)
    {
        ArgumentNullException.ThrowIfNull(periods);
        var length = Math.Max(1, periodMinutes) * 60L;
        var slots = new List<ToplistSlot>();
        foreach (var group in periods.GroupBy(p => SlotOf(p, length)).OrderBy(g => g.Key.Start))
        {
            slots.Add(new ToplistSlot(DateTimeOffset.FromUnixTimeSeconds(group.Key.Start), DateTimeOffset.FromUnixTimeSeconds(group.Key.End),
                [.. group.OrderBy(p => p.Start).ThenBy(p => p.Id)]));
        }

        return slots;
    }

    private static (long Start, long End) SlotOf(ToplistPeriodInfo p, long length)
    {
        var start = p.Start.ToUnixTimeSeconds();
        var end = p.End.ToUnixTimeSeconds();
        var slot = start - (((start % length) + length) % length);
        return end - slot > length ? (start, end) : (slot, slot + length);
    }
}

using FlowWeb.Core.Detection;

namespace FlowWeb.Components.Shared;

/// <summary>The attacks seen by some sensors in a time range, as spans to shade on their traffic graphs.</summary>
public static class AttackMarks
{
    /// <summary>At most this many per graph: a range with more shows the newest.</summary>
    public const int MaxMarks = 100;

    public static async Task<IReadOnlyList<AttackReport>> ListAsync(AttackQueryService query, IEnumerable<Guid> sensors, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(sensors);
        var attacks = new List<AttackReport>();
        foreach (var sensor in sensors)
        {
            attacks.AddRange(await query.ListAsync(new AttackQuery { SensorId = sensor, From = from, To = to, Count = MaxMarks }));
        }

        return [.. attacks.OrderByDescending(a => a.Id).Take(MaxMarks)];
    }

    public static IReadOnlyList<ChartMark> Of(IEnumerable<AttackReport> attacks) =>
        [.. attacks.Select(a => new ChartMark(a.Start, a.End, $"Attack: {a.Headline}", $"attacks/{a.Id}"))];
}

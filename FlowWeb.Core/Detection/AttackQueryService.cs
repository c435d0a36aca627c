namespace FlowWeb.Core.Detection;

/// <summary>
/// Attacks for pages and the API: ongoing ones from memory (current to the last second), the rest from the
/// database; a stored row of an attack that is still going on is replaced by its live report.
/// </summary>
public sealed class AttackQueryService(AttackDetection detection, AttackStore store)
{
    public async Task<IReadOnlyList<AttackReport>> ListAsync(AttackQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var live = detection.Ongoing.ToDictionary(a => a.Id);
        if (query.Active == true)
        {
            return [.. detection.Ongoing.Where(a => Matches(a, query)).Take(Math.Clamp(query.Count, 1, AttackQuery.MaxCount)).Select(Summary)];
        }

        var stored = await store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        var result = stored.Select(a => live.TryGetValue(a.Id, out var current) ? Summary(current) : a).ToList();

        // Started since the last write: not in the database yet.
        var missing = live.Values.Where(a => Matches(a, query) && result.All(r => r.Id != a.Id) && (query.BeforeId is null || a.Id < query.BeforeId)).Select(Summary);
        return [.. result.Concat(missing).OrderByDescending(a => a.Id).Take(Math.Clamp(query.Count, 1, AttackQuery.MaxCount))];
    }

    public async Task<AttackReport?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        detection.Ongoing.FirstOrDefault(a => a.Id == id) ?? await store.GetAsync(id, cancellationToken).ConfigureAwait(false);

    /// <summary>A list entry: the report without its graph and sample records.</summary>
    private static AttackReport Summary(AttackReport a) => a with { Series = [], SampleFlows = [] };

    private static bool Matches(AttackReport a, AttackQuery q) =>
        (q.Active is null || q.Active == a.Ongoing)
        && (q.From is null || a.End is null || a.End > q.From)
        && (q.To is null || a.Start < q.To)
        && (q.SensorId is null || a.SensorId == q.SensorId)
        && (q.Direction is null || a.Direction == q.Direction)
        && (q.Type is null || a.Type == q.Type || a.Vector == q.Type)
        && (string.IsNullOrWhiteSpace(q.Victim) || a.Victim.StartsWith(q.Victim.Trim(), StringComparison.OrdinalIgnoreCase));
}

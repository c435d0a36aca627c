using FlowWeb.Core.Decoding.SFlow;
using Microsoft.Data.Sqlite;

namespace FlowWeb.Core.Storage.History;

/// <summary>
/// Reads and writes the sFlow counters history (<c>SFlowCounterMinutes</c>): minutes are added to (upserted), so a
/// minute written in several passes sums up, and read back summed into buckets of a history window's resolution.
/// </summary>
public sealed class SFlowCounterStore(SqliteConnectionFactory connections)
{
    /// <summary>
    /// Rows (interface × bucket) one query may return: a year of hours for 11 interfaces, a day of minutes for 69. A
    /// query that could return more is refused before any row is read (<see cref="SFlowCounterHistory.OverCap"/>), so
    /// a request's cost is bounded and nothing is cut off without saying so.
    /// </summary>
    public const int MaxRows = 100_000;

    public readonly record struct MinuteKey(string Agent, uint SubAgent, uint IfIndex, long MinuteStart);

    public readonly record struct MinuteDelta(SFlowCounterTotals Increase, ulong IfSpeed)
    {
        public MinuteDelta Add(in SFlowCounterTotals more, ulong ifSpeed) => new(Increase + more, ifSpeed);
    }

    /// <summary>Adds the minutes' increases in one transaction.</summary>
    public async Task AddAsync(IReadOnlyList<(MinuteKey Key, MinuteDelta Delta)> rows, CancellationToken cancellationToken = default)
    {
        var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO SFlowCounterMinutes (Agent, SubAgent, IfIndex, MinuteStart, IfSpeed, InOctets, OutOctets, InErrors, OutErrors, InDiscards, OutDiscards, CoveredMs, Intervals, Discontinuities)
                VALUES ($agent, $sub, $if, $minute, $speed, $inOctets, $outOctets, $inErrors, $outErrors, $inDiscards, $outDiscards, $covered, $intervals, $discontinuities)
                ON CONFLICT (Agent, SubAgent, IfIndex, MinuteStart) DO UPDATE SET
                    IfSpeed = excluded.IfSpeed, InOctets = InOctets + excluded.InOctets, OutOctets = OutOctets + excluded.OutOctets,
                    InErrors = InErrors + excluded.InErrors, OutErrors = OutErrors + excluded.OutErrors, InDiscards = InDiscards + excluded.InDiscards,
                    OutDiscards = OutDiscards + excluded.OutDiscards, CoveredMs = CoveredMs + excluded.CoveredMs, Intervals = Intervals + excluded.Intervals,
                    Discontinuities = Discontinuities + excluded.Discontinuities
                """;
            string[] names = ["$agent", "$sub", "$if", "$minute", "$speed", "$inOctets", "$outOctets", "$inErrors", "$outErrors", "$inDiscards", "$outDiscards", "$covered", "$intervals", "$discontinuities"];
            var p = names.Select(n => command.Parameters.Add(n, SqliteType.Integer)).ToArray();
            p[0].SqliteType = SqliteType.Text;
            foreach (var (key, delta) in rows)
            {
                var i = delta.Increase;
                p[0].Value = key.Agent;
                p[1].Value = (long)key.SubAgent;
                p[2].Value = (long)key.IfIndex;
                p[3].Value = key.MinuteStart;
                p[4].Value = Clamp(delta.IfSpeed);
                p[5].Value = Clamp(i.InOctets);
                p[6].Value = Clamp(i.OutOctets);
                p[7].Value = Clamp(i.InErrors);
                p[8].Value = Clamp(i.OutErrors);
                p[9].Value = Clamp(i.InDiscards);
                p[10].Value = Clamp(i.OutDiscards);
                p[11].Value = Clamp(i.CoveredMs);
                p[12].Value = i.Intervals;
                p[13].Value = i.Discontinuities;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The agent's stored interfaces over [<paramref name="from"/>, <paramref name="to"/>), summed into buckets of
    /// <paramref name="bucketSeconds"/> (60 for minutes): one sub-agent or all, one interface or all, oldest bucket
    /// first. The interfaces are counted first, in the same read transaction (one snapshot, so the count holds for
    /// the read): when they times the range's buckets pass <see cref="MaxRows"/>, no row is read and the result says so.
    /// </summary>
    public async Task<SFlowCounterHistory> QueryAsync(string agent, uint? subAgent, uint? ifIndex, DateTimeOffset from, DateTimeOffset to, int bucketSeconds,
        CancellationToken cancellationToken = default)
    {
        bucketSeconds = Math.Max(60, bucketSeconds);
        var bucketsPerInterface = BucketsIn(from, to, bucketSeconds);
        var filter = (subAgent is null ? "" : " AND SubAgent = $sub") + (ifIndex is null ? "" : " AND IfIndex = $if");
        var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var transaction = connection.BeginTransaction(deferred: true);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.Parameters.AddWithValue("$agent", agent);
            command.Parameters.AddWithValue("$bucket", bucketSeconds);
            command.Parameters.AddWithValue("$from", from.ToUnixTimeSeconds());
            command.Parameters.AddWithValue("$to", to.ToUnixTimeSeconds());
            command.Parameters.AddWithValue("$sub", (long)(subAgent ?? 0));
            command.Parameters.AddWithValue("$if", (long)(ifIndex ?? 0));
            command.CommandText = $"SELECT count(*) FROM (SELECT DISTINCT SubAgent, IfIndex FROM SFlowCounterMinutes WHERE Agent = $agent AND MinuteStart >= $from AND MinuteStart < $to{filter})";
            var interfaces = (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            if ((long)interfaces * bucketsPerInterface > MaxRows)
            {
                return new SFlowCounterHistory([], interfaces, bucketsPerInterface);
            }

            command.CommandText = $"""
                SELECT SubAgent, IfIndex, (MinuteStart / $bucket) * $bucket AS B, max(IfSpeed), sum(InOctets), sum(OutOctets), sum(InErrors), sum(OutErrors),
                       sum(InDiscards), sum(OutDiscards), sum(CoveredMs), sum(Intervals), sum(Discontinuities)
                FROM SFlowCounterMinutes
                WHERE Agent = $agent AND MinuteStart >= $from AND MinuteStart < $to{filter}
                GROUP BY SubAgent, IfIndex, B ORDER BY SubAgent, IfIndex, B
                """;
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var buckets = new List<SFlowCounterBucket>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                buckets.Add(new SFlowCounterBucket(agent, (uint)reader.GetInt64(0), (uint)reader.GetInt64(1), DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(2)),
                    reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9),
                    reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12)));
            }

            return new SFlowCounterHistory(buckets, interfaces, bucketsPerInterface);
        }
    }

    /// <summary>The buckets of <paramref name="bucketSeconds"/> (aligned to multiples of it, as the query groups) that [from, to) touches.</summary>
    public static long BucketsIn(DateTimeOffset from, DateTimeOffset to, int bucketSeconds)
    {
        var start = from.ToUnixTimeSeconds();
        var end = to.ToUnixTimeSeconds();
        return end <= start ? 0 : ((end - 1) / bucketSeconds) - (start / bucketSeconds) + 1;
    }

    /// <summary>The agents and interfaces with stored minutes in the window (for the page's interface choice).</summary>
    public async Task<IReadOnlyList<(string Agent, uint SubAgent, uint IfIndex)>> InterfacesAsync(IReadOnlyCollection<string> agents, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken = default)
    {
        var found = new List<(string, uint, uint)>();
        var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            foreach (var agent in agents.Take(SFlowCounterRecorder.MaxAgents))
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT DISTINCT SubAgent, IfIndex FROM SFlowCounterMinutes WHERE Agent = $agent AND MinuteStart >= $from AND MinuteStart < $to ORDER BY SubAgent, IfIndex";
                command.Parameters.AddWithValue("$agent", agent);
                command.Parameters.AddWithValue("$from", from.ToUnixTimeSeconds());
                command.Parameters.AddWithValue("$to", to.ToUnixTimeSeconds());
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    found.Add((agent, (uint)reader.GetInt64(0), (uint)reader.GetInt64(1)));
                }
            }
        }

        return found;
    }

    private static long Clamp(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;
}

/// <summary>
/// What <see cref="SFlowCounterStore.QueryAsync"/> found: the buckets, or none when <see cref="Interfaces"/> ×
/// <see cref="BucketsPerInterface"/> passes <see cref="SFlowCounterStore.MaxRows"/> (<see cref="OverCap"/>).
/// </summary>
public sealed record SFlowCounterHistory(IReadOnlyList<SFlowCounterBucket> Buckets, int Interfaces, long BucketsPerInterface)
{
    public long RowsAtMost => Interfaces * BucketsPerInterface;

    public bool OverCap => RowsAtMost > SFlowCounterStore.MaxRows;
}

/// <summary>
/// One interface over one bucket: counters' increases over <see cref="CoveredMs"/> of measured intervals. Rates are
/// per measured second (null when no interval was measured), utilisation against the speed the agent reported.
/// </summary>
public sealed record SFlowCounterBucket(
    string Agent,
    uint SubAgent,
    uint IfIndex,
    DateTimeOffset Start,
    long IfSpeed,
    long InOctets,
    long OutOctets,
    long InErrors,
    long OutErrors,
    long InDiscards,
    long OutDiscards,
    long CoveredMs,
    long Intervals,
    long Discontinuities)
{
    public double? InBitsPerSecond => PerSecond(InOctets * 8.0);

    public double? OutBitsPerSecond => PerSecond(OutOctets * 8.0);

    public double? InErrorsPerSecond => PerSecond(InErrors);

    public double? OutErrorsPerSecond => PerSecond(OutErrors);

    public double? InDiscardsPerSecond => PerSecond(InDiscards);

    public double? OutDiscardsPerSecond => PerSecond(OutDiscards);

    /// <summary>Inbound rate as a percentage of the interface speed; null when the speed is unknown or nothing was measured.</summary>
    public double? InUtilisation => IfSpeed > 0 && InBitsPerSecond is { } b ? 100.0 * b / IfSpeed : null;

    public double? OutUtilisation => IfSpeed > 0 && OutBitsPerSecond is { } b ? 100.0 * b / IfSpeed : null;

    private double? PerSecond(double count) => CoveredMs > 0 ? count * 1000.0 / CoveredMs : null;
}

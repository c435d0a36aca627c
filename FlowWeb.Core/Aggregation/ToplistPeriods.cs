using FlowWeb.Core.Aggregation.Tables;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation;

/// <summary>A finished (or running) toplist period: its top rows and the period's totals.</summary>
public sealed record ToplistPeriodResult(
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyList<ToplistRow> Rows,
    long TotalBytes,
    long TotalPackets,
    long TotalFlows,
    bool Approximate,
    long ErrorBound,
    int DistinctKeys)
{
    /// <summary>
    /// The part of the period that was counted: later than <see cref="Start"/> when the sensor started during the
    /// period, earlier than <see cref="End"/> when a graceful stop cut it. History stores this span, so a period a
    /// restart cut reads as partial there; the live API names periods by their <see cref="Start"/>.
    /// </summary>
    public DateTimeOffset CoveredFrom { get => field == default ? Start : field; init; }

    /// <inheritdoc cref="CoveredFrom"/>
    public DateTimeOffset CoveredTo { get => field == default ? End : field; init; }

    /// <summary>Cut by a start or a stop of the collector (or a change of the sensor) during the period.</summary>
    public bool Partial => CoveredFrom > Start || CoveredTo < End;
}

/// <summary>One ranked entry of a toplist: <see cref="Bytes"/> is an upper bound, <see cref="Bytes"/> − <see cref="ErrorBytes"/> a lower one (equal while exact).</summary>
public readonly record struct ToplistRow(ToplistKey Key, long Bytes, long Packets, long Flows, long ErrorBytes);

/// <summary>
/// The running period of one or more toplists of the same period length that share tables, in one shard.
/// Periods are aligned to the clock (a 15-minute list runs :00–:15, :15–:30...). Flows are booked in the period
/// in which they arrive. Not thread-safe.
/// </summary>
internal sealed class ToplistPeriods
{
    /// <summary>
    /// A table this small (a few thousand slots) is read every tick a page watches it, so a quiet sensor's first flows
    /// show at once; a larger one only when the readers' refresh asks (see LiveInterest).
    /// </summary>
    public const long CheapScanBytes = 256 * 1024;

    private readonly long _periodSeconds;
    private ToplistTables _running;
    private long _periodStart;

    // The first second the running period counted: its start, or later when the sensor started (or was drained) during it.
    private long _coveredFrom;

    public ToplistPeriods(IReadOnlyList<ToplistDefinition> definitions, ToplistTables tables, long nowSecond)
    {
        Definitions = definitions;
        _periodSeconds = Math.Max(1, definitions[0].PeriodMinutes) * 60L;
        _running = tables;
        _periodStart = Align(nowSecond);
        _coveredFrom = nowSecond;
    }

    public IReadOnlyList<ToplistDefinition> Definitions { get; }

    public ToplistTables Running => _running;

    public long RunningStart => _periodStart;

    public long RunningEnd => _periodStart + _periodSeconds;

    public bool HasData { get; private set; }

    public void Add(in FlowWeb.Core.Flows.FlowRecord r, long bytes, long packets)
    {
        _running.Add(r, bytes, packets);
        HasData = true;
    }

    /// <summary>Closes the running period when <paramref name="nowSecond"/> is past its end and hands over its counters.</summary>
    public void Roll(long nowSecond, ref List<ToplistPeriodState>? closed)
    {
        if (nowSecond >= _periodStart + _periodSeconds)
        {
            HandOver(ref closed);
            _periodStart = Align(nowSecond);
            _coveredFrom = _periodStart;
        }
    }

    /// <summary>
    /// The running period's counters as they are, one state per toplist; the period goes on with empty ones. A
    /// handover before the period's end (<paramref name="cutAt"/>: a graceful stop) says it covers only up to then.
    /// </summary>
    public void HandOver(ref List<ToplistPeriodState>? closed, long? cutAt = null)
    {
        var old = _running;
        _running = old.Fresh();
        HasData = false;
        var coveredTo = cutAt is { } cut ? Math.Clamp(cut + 1, _coveredFrom + 1, RunningEnd) : RunningEnd;
        foreach (var definition in Definitions)
        {
            (closed ??= []).Add(new ToplistPeriodState(definition, RunningStart, RunningEnd, old.Counters(definition))
            {
                CoveredFrom = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(_coveredFrom, RunningStart, RunningEnd - 1)),
                CoveredTo = DateTimeOffset.FromUnixTimeSeconds(coveredTo),
                Tables = old,
            });
        }

        if (cutAt is not null)
        {
            _coveredFrom = coveredTo;
        }
    }

    /// <summary>
    /// The running period's <paramref name="best"/> rows of one toplist so far (a detached copy); with none asked,
    /// the <paramref name="watched"/> rows of a table small enough that reading it costs next to nothing
    /// (<see cref="CheapScanBytes"/>), otherwise no rows (the period's start and totals only, no scan).
    /// </summary>
    public ToplistPeriodState Summary(ToplistDefinition definition, int best, int watched = 0)
    {
        // The lists of one address table share it: reading one of them scans all of its slots.
        if (best == 0 && _running.MemoryBytes <= CheapScanBytes)
        {
            best = watched;
        }

        return new(definition, RunningStart, RunningEnd, _running.Counters(definition), best)
        {
            CoveredFrom = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(_coveredFrom, RunningStart, RunningEnd - 1)),
        };
    }

    private long Align(long second) => second - (((second % _periodSeconds) + _periodSeconds) % _periodSeconds);
}

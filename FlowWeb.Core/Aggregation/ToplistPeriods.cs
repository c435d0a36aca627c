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
    int DistinctKeys);

/// <summary>One ranked entry of a toplist: <see cref="Bytes"/> is an upper bound, <see cref="Bytes"/> − <see cref="ErrorBytes"/> a lower one (equal while exact).</summary>
public readonly record struct ToplistRow(ToplistKey Key, long Bytes, long Packets, long Flows, long ErrorBytes);

/// <summary>
/// The running period of one or more toplists of the same period length that share tables, in one shard.
/// Periods are aligned to the clock (a 15-minute list runs :00–:15, :15–:30...). Flows are booked in the period
/// in which they arrive. Not thread-safe.
/// </summary>
internal sealed class ToplistPeriods
{
    private readonly long _periodSeconds;
    private ToplistTables _running;
    private long _periodStart;

    public ToplistPeriods(IReadOnlyList<ToplistDefinition> definitions, ToplistTables tables, long nowSecond)
    {
        Definitions = definitions;
        _periodSeconds = Math.Max(1, definitions[0].PeriodMinutes) * 60L;
        _running = tables;
        _periodStart = Align(nowSecond);
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
        }
    }

    /// <summary>The running period's counters as they are, one state per toplist; the period goes on with empty ones.</summary>
    public void HandOver(ref List<ToplistPeriodState>? closed)
    {
        var old = _running;
        _running = old.Fresh();
        HasData = false;
        foreach (var definition in Definitions)
        {
            (closed ??= []).Add(new ToplistPeriodState(definition, RunningStart, RunningEnd, old.Counters(definition)));
        }
    }

    /// <summary>The running period's best rows of one toplist so far (a detached copy).</summary>
    public ToplistPeriodState Summary(ToplistDefinition definition, int best) =>
        new(definition, RunningStart, RunningEnd, _running.Counters(definition), best);

    private long Align(long second) => second - (((second % _periodSeconds) + _periodSeconds) % _periodSeconds);
}

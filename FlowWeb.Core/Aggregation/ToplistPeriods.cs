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

/// <summary>
/// A toplist's running period in one shard. Periods are aligned to the clock (a 15-minute list runs :00–:15,
/// :15–:30...). Flows are booked in the period in which they arrive. Not thread-safe.
/// </summary>
internal sealed class ToplistPeriods
{
    private readonly ToplistDefinition _definition;
    private readonly long _periodSeconds;
    private readonly int _capacity;
    private TopList _running;
    private long _periodStart;

    public ToplistPeriods(ToplistDefinition definition, int capacity, long nowSecond)
    {
        _definition = definition;
        _periodSeconds = Math.Max(1, definition.PeriodMinutes) * 60L;
        _capacity = Math.Max(capacity, definition.Count);
        _running = new TopList(_capacity);
        _periodStart = Align(nowSecond);
    }

    public TopList Running => _running;

    public long RunningStart => _periodStart;

    public long RunningEnd => _periodStart + _periodSeconds;

    /// <summary>Closes the running period when <paramref name="nowSecond"/> is past its end and hands over its counters.</summary>
    public ToplistPeriodState? Roll(long nowSecond)
    {
        if (nowSecond < _periodStart + _periodSeconds)
        {
            return null;
        }

        var closed = HandOver();
        _periodStart = Align(nowSecond);
        return closed;
    }

    /// <summary>The running period's counters as they are; the period goes on with empty ones.</summary>
    public ToplistPeriodState HandOver()
    {
        var state = new ToplistPeriodState(_definition, RunningStart, RunningEnd, _running);
        _running = new TopList(_capacity);
        return state;
    }

    /// <summary>The running period's best rows so far (a detached copy).</summary>
    public ToplistPeriodState Summary(int best) => new(_definition, RunningStart, RunningEnd, _running, best);

    private long Align(long second) => second - (((second % _periodSeconds) + _periodSeconds) % _periodSeconds);
}

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
/// A toplist's running period plus the last completed ones. Periods are aligned to the clock (a 15-minute
/// list runs :00–:15, :15–:30...). Flows are booked in the period in which they arrive. Not thread-safe.
/// </summary>
public sealed class ToplistPeriods
{
    public const int CompletedKept = 8;

    private readonly TopList _running;
    private readonly LinkedList<ToplistPeriodResult> _completed = new();
    private readonly long _periodSeconds;
    private readonly int _count;
    private long _periodStart;

    public ToplistPeriods(int periodMinutes, int count, int capacity, long nowSecond)
    {
        _periodSeconds = Math.Max(1, periodMinutes) * 60L;
        _count = count;
        _running = new TopList(Math.Max(capacity, count));
        _periodStart = Align(nowSecond);
    }

    public TopList Running => _running;

    public DateTimeOffset RunningStart => DateTimeOffset.FromUnixTimeSeconds(_periodStart);

    public DateTimeOffset RunningEnd => DateTimeOffset.FromUnixTimeSeconds(_periodStart + _periodSeconds);

    /// <summary>Completed periods, newest first.</summary>
    public IReadOnlyList<ToplistPeriodResult> Completed => [.. _completed];

    /// <summary>Closes the running period when <paramref name="nowSecond"/> is past its end; returns the closed one, if any.</summary>
    public ToplistPeriodResult? Roll(long nowSecond)
    {
        if (nowSecond < _periodStart + _periodSeconds)
        {
            return null;
        }

        var result = Snapshot(_count);
        _completed.AddFirst(result);
        while (_completed.Count > CompletedKept)
        {
            _completed.RemoveLast();
        }

        _running.Clear();
        _periodStart = Align(nowSecond);
        return result;
    }

    /// <summary>The running period's top rows so far.</summary>
    public ToplistPeriodResult Snapshot(int count) =>
        new(RunningStart, RunningEnd, _running.Top(count), _running.TotalBytes, _running.TotalPackets, _running.TotalFlows,
            _running.IsApproximate, _running.ErrorBound, _running.Count);

    private long Align(long second) => second - (((second % _periodSeconds) + _periodSeconds) % _periodSeconds);
}

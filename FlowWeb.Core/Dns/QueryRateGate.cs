namespace FlowWeb.Core.Dns;

/// <summary>
/// A token bucket of <c>ratePerSecond</c> tokens a second holding at most one second's worth, kept as the
/// "theoretical arrival time" of the generic cell rate algorithm so that it needs no timer and no floating point:
/// a take is allowed while the bucket's debt (how far that time runs ahead of now) leaves room for one more token.
/// Time comes from the <see cref="TimeProvider"/>, so a fake clock drives it in tests. One consumer only (the
/// lookup worker); not thread-safe.
/// </summary>
internal sealed class QueryRateGate
{
    private readonly TimeProvider _time;
    private readonly long _interval;
    private readonly long _tolerance;
    private long _theoreticalArrival;

    public QueryRateGate(int ratePerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ratePerSecond, 1);
        _time = time;

        // Rounded up so that the rate is never exceeded.
        _interval = Math.Max(1, (time.TimestampFrequency + ratePerSecond - 1) / ratePerSecond);
        _tolerance = _interval * (ratePerSecond - 1);
        _theoreticalArrival = time.GetTimestamp();
    }

    /// <summary>Takes a token if one is there; otherwise returns how long until one is.</summary>
    public TimeSpan TryTake()
    {
        var now = _time.GetTimestamp();
        var earliest = _theoreticalArrival - _tolerance;
        if (now < earliest)
        {
            // Rounded up: waking a tick early would find no token and wait again, which a fake clock never ends.
            var ticks = (earliest - now) * (double)TimeSpan.TicksPerSecond / _time.TimestampFrequency;
            return TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling(ticks)));
        }

        _theoreticalArrival = Math.Max(_theoreticalArrival, now) + _interval;
        return TimeSpan.Zero;
    }

    public async ValueTask TakeAsync(CancellationToken cancellationToken)
    {
        for (var wait = TryTake(); wait > TimeSpan.Zero; wait = TryTake())
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}

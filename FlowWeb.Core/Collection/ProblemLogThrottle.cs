using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Collection;

/// <summary>
/// Decides whether a problem is worth a log line: at most one per exporter and kind of problem per
/// <see cref="Interval"/>, so that a flood of bad packets costs a counter, not a log line each. The table of
/// problems seen is bounded; when it is full and nothing in it has expired, the problem is not logged
/// (it is still counted by whoever asked).
/// </summary>
public sealed class ProblemLogThrottle(TimeProvider time, int capacity = 4096)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<(FlowAddress Exporter, int Problem), long> _lastLogged = [];

    // The receive threads of a port share one throttle; problems are rare enough for a lock.
    private readonly Lock _sync = new();

    /// <summary>True when this problem of this exporter was not logged within the last <see cref="Interval"/>.</summary>
    public bool ShouldLog(FlowAddress exporter, int problem)
    {
        lock (_sync)
        {
            return ShouldLogLocked(exporter, problem);
        }
    }

    private bool ShouldLogLocked(FlowAddress exporter, int problem)
    {
        var now = time.GetTimestamp();
        var key = (exporter, problem);
        if (_lastLogged.TryGetValue(key, out var last) && time.GetElapsedTime(last, now) < Interval)
        {
            return false;
        }

        if (_lastLogged.Count >= capacity && !_lastLogged.ContainsKey(key))
        {
            ForgetExpired(now);
            if (_lastLogged.Count >= capacity)
            {
                return false;
            }
        }

        _lastLogged[key] = now;
        return true;
    }

    private void ForgetExpired(long now)
    {
        foreach (var (key, last) in _lastLogged)
        {
            if (time.GetElapsedTime(last, now) >= Interval)
            {
                _lastLogged.Remove(key);
            }
        }
    }
}

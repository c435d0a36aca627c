namespace FlowWeb.Core.Alerts;

/// <summary>
/// The one way any subsystem raises an event or opens and closes an alarm (see <see cref="AlertSignal"/>).
/// <see cref="Raise"/> never blocks and never throws for a bad signal: it updates the active alarms in memory and
/// queues the event for the database (a full queue drops the event and counts it in <c>/metrics</c>). Do not call
/// it per flow record: it is meant for state changes, a few per second at most.
/// </summary>
public interface IAlertSink
{
    /// <summary>Records the signal; returns the recorded event, or null when nothing was recorded (a clear of an alarm that is not active, an unchanged update).</summary>
    AlertEvent? Raise(AlertSignal signal);
}

/// <summary>Told of every recorded event, in order, on the thread that raised it: must only queue work.</summary>
public interface IAlertListener
{
    /// <summary><paramref name="alarm"/> is the alarm after the event (null once cleared, or for a standalone event).</summary>
    void OnAlert(AlertEvent alert, Alarm? alarm);
}

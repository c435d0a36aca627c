namespace FlowWeb.Core.Sensors;

/// <summary>PRTG's sensor states, for flow sensors.</summary>
public enum SensorState
{
    /// <summary>Receiving and decoding data as expected.</summary>
    Up,

    /// <summary>Receiving data, but something needs attention: a version other than expected, decode errors, data waiting for a template, kernel drops.</summary>
    Warning,

    /// <summary>The sensor cannot receive at all: its port could not be opened.</summary>
    Down,

    /// <summary>Nothing received within the active flow timeout (or yet).</summary>
    Unknown,

    Paused,
}

/// <summary>A sensor's state and the reason for it, in words an operator can act on.</summary>
public sealed record SensorStatus(SensorState State, string Message)
{
    public static SensorStatus Up { get; } = new(SensorState.Up, "Receiving flows");
}

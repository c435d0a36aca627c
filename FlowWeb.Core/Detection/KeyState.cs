using FlowWeb.Core.Detection.Evidence;

namespace FlowWeb.Core.Detection;

/// <summary>
/// What the detector remembers about one key between seconds: the rates of long records still being held, its
/// thresholds, how many seconds in a row it has been over (a candidate) or under (an attack about to end), and its
/// attack. Kept only for keys that carry long-record rates worth holding, are over a threshold, or are attacked.
/// </summary>
internal sealed class KeyState(DetectionKey key)
{
    public DetectionKey Key { get; } = key;

    /// <summary>Bumped when the state is dropped, so pending ends of holds for it are ignored.</summary>
    public int Generation { get; set; }

    /// <summary>Position in the detector's list (for O(1) removal and sampling).</summary>
    public int Index { get; set; }

    public TrafficCounters Held;

    public double[] Thresholds { get; set; } = [];

    public string? Group { get; set; }

    public int ConfigVersion { get; set; }

    public int OverCount { get; set; }

    public long FirstOverSecond { get; set; }

    public long LastOverSecond { get; set; }

    public int UnderCount { get; set; }

    public long LastSeenSecond { get; set; }

    public Attack? Attack { get; set; }

    /// <summary>Gathered from the first second over the threshold, so the report is never waited for.</summary>
    public AttackEvidence? Evidence { get; set; }

    public int WatchIndex { get; set; } = -1;

    public bool IsIdle => Attack is null && OverCount == 0 && Held[Counter.Packets] < 0.5 && Held[Counter.Bytes] < 64;
}

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

/// <summary>
/// When each held rate stops: one list per second, a ring as long as the longest hold. An entry removes the rates
/// one second's long records of one key added, at the end of their (rate-weighted mean) duration. Bounded: when full,
/// a second's long records count for that second only, and the refusal is counted.
/// </summary>
internal sealed class HoldWheel(int maxHoldSeconds, int maxEntries)
{
    private readonly List<(KeyState State, int Generation, TrafficCounters Delta)>[] _slots =
        [.. Enumerable.Range(0, maxHoldSeconds + 3).Select(_ => new List<(KeyState, int, TrafficCounters)>())];

    public int Entries { get; private set; }

    public long Refused { get; private set; }

    public bool Schedule(long endSecond, KeyState state, in TrafficCounters delta)
    {
        if (Entries >= maxEntries)
        {
            Refused++;
            return false;
        }

        _slots[(int)(endSecond % _slots.Length)].Add((state, state.Generation, delta));
        Entries++;
        return true;
    }

    /// <summary>Ends the holds due at <paramref name="second"/> (call once per second, in order).</summary>
    public void Expire(long second)
    {
        var slot = _slots[(int)(second % _slots.Length)];
        foreach (var (state, generation, delta) in slot)
        {
            if (state.Generation == generation)
            {
                state.Held.Subtract(delta);
            }
        }

        Entries -= slot.Count;
        slot.Clear();
    }
}

namespace FlowWeb.Core.Detection;

/// <summary>
/// When each held rate stops: one list per second, a ring as long as the longest hold. Two kinds of entry:
/// <list type="bullet">
/// <item>a key's anonymous long records of one second: their summed rates, removed at their (rate-weighted mean) end;</item>
/// <item>one flow-sized record (<see cref="FlowHold"/>): its rate on each of its keys, removed at its end, or earlier
/// when the same flow's next record arrives (<see cref="Cancel"/>), so that a flow never counts twice. Without this,
/// a flow's last record (exported at the inactive timeout, while the previous record's rate was still held) doubled
/// it for up to 45 s at a 1-minute active timeout: a 1.2 Gbit/s transfer ending read as a 2.4 Gbit/s TCP flood.</item>
/// </list>
/// Bounded: at most <c>maxEntries</c> entries of both kinds (a cancelled flow's entry counts until its end second, so
/// a sender repeating one flow cannot grow the ring); when full, a rate counts for its arrival second only, and the
/// refusal is counted.
/// </summary>
internal sealed class HoldWheel
{
    private readonly List<(KeyState State, int Generation, TrafficCounters Delta)>[] _slots;
    private readonly List<(FlowHold Hold, int Generation)>[] _flowSlots;
    private readonly Dictionary<FlowIdentity, FlowHold> _running = [];
    private readonly Stack<FlowHold> _free = new();
    private readonly int _maxEntries;

    public HoldWheel(int maxHoldSeconds, int maxEntries)
    {
        _maxEntries = maxEntries;
        _slots = [.. Enumerable.Range(0, maxHoldSeconds + 3).Select(_ => new List<(KeyState, int, TrafficCounters)>())];
        _flowSlots = [.. Enumerable.Range(0, maxHoldSeconds + 3).Select(_ => new List<(FlowHold, int)>())];
    }

    public int Entries { get; private set; }

    public long Refused { get; private set; }

    /// <summary>Flows whose rate is held now.</summary>
    public int RunningFlows => _running.Count;

    /// <summary>Holds ended early because their flow's next record arrived.</summary>
    public long Replaced { get; private set; }

    public bool Schedule(long endSecond, KeyState state, in TrafficCounters delta)
    {
        if (Entries >= _maxEntries)
        {
            Refused++;
            return false;
        }

        _slots[(int)(endSecond % _slots.Length)].Add((state, state.Generation, delta));
        Entries++;
        return true;
    }

    /// <summary>Ends what is left of the flow's held rate (its next record arrived); false when none was running.</summary>
    public bool Cancel(in FlowIdentity flow)
    {
        if (_running.Count == 0 || !_running.Remove(flow, out var hold))
        {
            return false;
        }

        Free(hold);
        Replaced++;
        return true;
    }

    /// <summary>Starts holding a flow's rate until <paramref name="endSecond"/>; null when the wheel is full. Attach its keys, or <see cref="Abandon"/> it.</summary>
    public FlowHold? Begin(long endSecond, in FlowIdentity flow, in TrafficCounters rate)
    {
        if (Entries >= _maxEntries)
        {
            Refused++;
            return null;
        }

        var hold = _free.TryPop(out var pooled) ? pooled : new FlowHold();
        hold.Flow = flow;
        hold.Rate = rate;
        _flowSlots[(int)(endSecond % _flowSlots.Length)].Add((hold, hold.Generation));
        Entries++;
        _running[flow] = hold;
        return hold;
    }

    /// <summary>A hold none of whose keys took it (each counted it anonymously): forget the flow, the entry expires as usual.</summary>
    public void Abandon(FlowHold hold)
    {
        _running.Remove(hold.Flow);
        Free(hold);
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

        var flows = _flowSlots[(int)(second % _flowSlots.Length)];
        foreach (var (hold, generation) in flows)
        {
            if (hold.Generation == generation)
            {
                if (_running.TryGetValue(hold.Flow, out var running) && running == hold)
                {
                    _running.Remove(hold.Flow);
                }

                Free(hold);
            }
        }

        Entries -= flows.Count;
        flows.Clear();
    }

    /// <summary>Takes the hold's rate off its keys; its ring entry, now of an older generation, is skipped when due.</summary>
    private void Free(FlowHold hold)
    {
        hold.Release();
        hold.Generation++;
        _free.Push(hold);
    }
}

/// <summary>One flow-sized record's rate, held on up to three keys (destination host and prefix, protected source).</summary>
internal sealed class FlowHold
{
    private KeyState? _first;
    private KeyState? _second;
    private KeyState? _third;
    private int _firstGeneration;
    private int _secondGeneration;
    private int _thirdGeneration;

    public FlowIdentity Flow;

    public TrafficCounters Rate;

    /// <summary>Bumped when the hold ends (expired or replaced), so its ring entry is skipped and the object can be reused.</summary>
    public int Generation;

    public int Keys { get; private set; }

    /// <summary>Adds the rate to the key's held rates until the hold ends.</summary>
    public void Attach(KeyState state)
    {
        state.Held.Add(Rate);
        switch (Keys++)
        {
            case 0:
                (_first, _firstGeneration) = (state, state.Generation);
                break;
            case 1:
                (_second, _secondGeneration) = (state, state.Generation);
                break;
            default:
                (_third, _thirdGeneration) = (state, state.Generation);
                break;
        }
    }

    public void Release()
    {
        Take(_first, _firstGeneration);
        Take(_second, _secondGeneration);
        Take(_third, _thirdGeneration);
        _first = _second = _third = null;
        Keys = 0;
    }

    private void Take(KeyState? state, int generation)
    {
        // A state dropped (and perhaps tracked anew) since: its rates were thrown away with it.
        if (state is not null && state.Generation == generation)
        {
            state.Held.Subtract(Rate);
        }
    }
}

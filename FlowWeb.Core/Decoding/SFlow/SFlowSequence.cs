namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>What one sequence number told an <see cref="SFlowSequence"/>.</summary>
internal enum SequenceStep : byte
{
    /// <summary>The first number seen, or the first after a resynchronisation.</summary>
    First,

    InOrder,

    /// <summary>Ahead of the expected number: the numbers between were lost.</summary>
    Gap,

    /// <summary>Behind the expected number: late or duplicated; it gives back one number counted lost.</summary>
    Late,

    /// <summary>A jump too large to be loss: the counter restarted.</summary>
    Reset,
}

/// <summary>
/// An sFlow sequence counter (datagrams of a sub-agent, or samples of a data source): each number is the previous
/// plus one. Gaps are loss, computed modulo 2^32; a number behind is late; a jump beyond the restart threshold
/// either way is a restart. The agent resynchronises it when its uptime says it rebooted.
/// </summary>
internal sealed class SFlowSequence
{
    private bool _synchronised;
    private uint _expected;

    public long Lost { get; private set; }

    public long Late { get; private set; }

    public long Resets { get; private set; }

    public uint Expected => _expected;

    public bool Synchronised => _synchronised;

    /// <summary>Observes <paramref name="sequence"/>; <paramref name="gap"/> is the numbers newly counted lost.</summary>
    public SequenceStep Observe(uint sequence, uint restartThreshold, out long gap)
    {
        gap = 0;
        if (!_synchronised)
        {
            _synchronised = true;
            _expected = sequence + 1;
            return SequenceStep.First;
        }

        var difference = (int)(sequence - _expected);
        if (difference == 0)
        {
            _expected++;
            return SequenceStep.InOrder;
        }

        var magnitude = difference > 0 ? (uint)difference : (uint)-(long)difference;
        if (magnitude > restartThreshold)
        {
            Resets++;
            _expected = sequence + 1;
            return SequenceStep.Reset;
        }

        if (difference > 0)
        {
            gap = difference;
            Lost += difference;
            _expected = sequence + 1;
            return SequenceStep.Gap;
        }

        Late++;
        if (Lost > 0)
        {
            Lost--;
            gap = -1;
        }

        return SequenceStep.Late;
    }

    /// <summary>Forgets the position (the agent restarted): the next number starts afresh.</summary>
    public void Resynchronise() => _synchronised = false;
}

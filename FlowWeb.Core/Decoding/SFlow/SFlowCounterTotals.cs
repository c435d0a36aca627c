namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>
/// Running sums of one interface's counter increases over the intervals FlowWeb could measure, since the agent was
/// first heard: what history stores per minute is the difference of two of these. Only intervals between two usable
/// samples count (<see cref="Intervals"/>, <see cref="CoveredMs"/>); an interval across a restart or a counter reset
/// adds nothing and is counted in <see cref="Discontinuities"/>, so a rate is always octets over the seconds they
/// were measured in, never a guess across a gap.
/// </summary>
public readonly record struct SFlowCounterTotals(
    ulong InOctets,
    ulong OutOctets,
    ulong InErrors,
    ulong OutErrors,
    ulong InDiscards,
    ulong OutDiscards,
    ulong CoveredMs,
    long Intervals,
    long Discontinuities)
{
    /// <summary>An interval longer than this (agent silent, datagrams lost) is not used for a rate: the increase could not be placed in time.</summary>
    public const uint MaxIntervalMs = 15 * 60 * 1000;

    /// <summary>A 32-bit error or discard counter that seems to go back by less than this is taken as a wrap; more is a reset.</summary>
    internal const uint MaxWrappedCount32 = 1u << 24;

    /// <summary>Each part summed: two increases of one interface (history adds a minute's passes together).</summary>
    public static SFlowCounterTotals operator +(in SFlowCounterTotals a, in SFlowCounterTotals b) =>
        new(a.InOctets + b.InOctets, a.OutOctets + b.OutOctets, a.InErrors + b.InErrors, a.OutErrors + b.OutErrors, a.InDiscards + b.InDiscards,
            a.OutDiscards + b.OutDiscards, a.CoveredMs + b.CoveredMs, a.Intervals + b.Intervals, a.Discontinuities + b.Discontinuities);

    /// <summary>Each part's increase since <paramref name="earlier"/> (a whole new line of totals when any part went back: the agent's state was made anew).</summary>
    public SFlowCounterTotals Since(in SFlowCounterTotals earlier) =>
        InOctets < earlier.InOctets || OutOctets < earlier.OutOctets || InErrors < earlier.InErrors || OutErrors < earlier.OutErrors
        || InDiscards < earlier.InDiscards || OutDiscards < earlier.OutDiscards || CoveredMs < earlier.CoveredMs || Intervals < earlier.Intervals
        || Discontinuities < earlier.Discontinuities
            ? this
            : new(InOctets - earlier.InOctets, OutOctets - earlier.OutOctets, InErrors - earlier.InErrors, OutErrors - earlier.OutErrors,
                InDiscards - earlier.InDiscards, OutDiscards - earlier.OutDiscards, CoveredMs - earlier.CoveredMs, Intervals - earlier.Intervals,
                Discontinuities - earlier.Discontinuities);

    /// <summary>
    /// These totals plus the interval from <paramref name="previous"/> to <paramref name="latest"/> when it is usable:
    /// the agent's uptime moved forward (modulo 2^32 ms, its 49.7-day wrap) by at most <see cref="MaxIntervalMs"/>;
    /// 64-bit octet counters went forward, or went back in a way that is a 32-bit wrap (an agent that fills the 64-bit
    /// fields from 32-bit counters: both values below 2^32 and the wrapped increase no more than the interface's
    /// speed could carry, so a known speed is needed); 32-bit error and discard counters went forward modulo 2^32 by
    /// less than 2^24. Anything else (reboot, "clear counters", a gap) is a discontinuity: nothing is added.
    /// </summary>
    public SFlowCounterTotals Add(in SFlowInterfaceCounters previous, in SFlowInterfaceCounters latest)
    {
        var interval = latest.UptimeMs - previous.UptimeMs;
        if (interval == 0 || interval > MaxIntervalMs
            || !Octets(previous.InOctets, latest.InOctets, interval, latest.IfSpeed, out var inOctets)
            || !Octets(previous.OutOctets, latest.OutOctets, interval, latest.IfSpeed, out var outOctets)
            || !Count32(previous.InErrors, latest.InErrors, out var inErrors) || !Count32(previous.OutErrors, latest.OutErrors, out var outErrors)
            || !Count32(previous.InDiscards, latest.InDiscards, out var inDiscards) || !Count32(previous.OutDiscards, latest.OutDiscards, out var outDiscards))
        {
            return this with { Discontinuities = Discontinuities + 1 };
        }

        return new(InOctets + inOctets, OutOctets + outOctets, InErrors + inErrors, OutErrors + outErrors, InDiscards + inDiscards,
            OutDiscards + outDiscards, CoveredMs + interval, Intervals + 1, Discontinuities);
    }

    internal static bool Octets(ulong previous, ulong latest, uint intervalMs, ulong ifSpeed, out ulong increase)
    {
        if (latest >= previous)
        {
            increase = latest - previous;
            return true;
        }

        increase = (1UL << 32) - previous + latest;
        if (previous > uint.MaxValue || ifSpeed == 0)
        {
            return false;
        }

        // The wrapped increase must fit the line rate over the interval (10 % slack for the counters' read timing).
        return increase * 8.0 <= ifSpeed * 1.1 * intervalMs / 1000.0;
    }

    internal static bool Count32(uint previous, uint latest, out ulong increase)
    {
        increase = latest - previous;
        return increase < MaxWrappedCount32 || latest >= previous;
    }
}

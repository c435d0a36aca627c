using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>
/// One interface of an sFlow agent as pages show it: the latest counters sample and, once two samples arrived, the
/// rates between them. Immutable: the collector's tick builds an array of these when counters arrived since its last
/// visit and puts it in the live frame, which pages and the API read without a lock.
/// </summary>
public sealed record SFlowInterfaceReading(
    FlowAddress Agent,
    uint SubAgent,
    uint IfIndex,
    ulong IfSpeed,
    bool AdminUp,
    bool OperUp,
    ulong InOctets,
    ulong OutOctets,
    uint InErrors,
    uint OutErrors,
    uint InDiscards,
    uint OutDiscards,
    DateTimeOffset ReceivedAt,
    double? IntervalSeconds,
    double? InBitsPerSecond,
    double? OutBitsPerSecond,
    long? InErrorsDelta,
    long? OutErrorsDelta,
    long? InDiscardsDelta,
    long? OutDiscardsDelta)
{
    /// <summary>Inbound rate as a percentage of <see cref="IfSpeed"/>; null until two samples or when the speed is unknown.</summary>
    public double? InUtilisation => IfSpeed > 0 && InBitsPerSecond is { } bits ? 100.0 * bits / IfSpeed : null;

    /// <summary>The interface's running totals over every usable interval since the agent was first heard: history stores their increase per minute.</summary>
    public SFlowCounterTotals Totals { get; init; }

    public double? OutUtilisation => IfSpeed > 0 && OutBitsPerSecond is { } bits ? 100.0 * bits / IfSpeed : null;

    /// <summary>
    /// The reading of the latest sample, with rates against the previous one when that is usable: same agent
    /// uptime line (no restart), time moved forward, and octet counters that did not go back (a counter reset shows
    /// no rate rather than a huge one). Time comes from the agent's uptime, which is when the counters were read.
    /// </summary>
    internal static SFlowInterfaceReading Of(in SFlowInterfaceCounters latest, in SFlowInterfaceCounters? previous)
    {
        double? interval = null, inBits = null, outBits = null;
        long? inErrors = null, outErrors = null, inDiscards = null, outDiscards = null;
        if (previous is { } p && latest.UptimeMs > p.UptimeMs && latest.InOctets >= p.InOctets && latest.OutOctets >= p.OutOctets)
        {
            interval = (latest.UptimeMs - p.UptimeMs) / 1000.0;
            inBits = (latest.InOctets - p.InOctets) * 8.0 / interval;
            outBits = (latest.OutOctets - p.OutOctets) * 8.0 / interval;

            // 32-bit counters wrap: the difference modulo 2^32.
            inErrors = (uint)(latest.InErrors - p.InErrors);
            outErrors = (uint)(latest.OutErrors - p.OutErrors);
            inDiscards = (uint)(latest.InDiscards - p.InDiscards);
            outDiscards = (uint)(latest.OutDiscards - p.OutDiscards);
        }

        return new SFlowInterfaceReading(latest.Agent, latest.SubAgent, latest.IfIndex, latest.IfSpeed, latest.AdminUp, latest.OperUp,
            latest.InOctets, latest.OutOctets, latest.InErrors, latest.OutErrors, latest.InDiscards, latest.OutDiscards,
            DateTimeOffset.FromUnixTimeMilliseconds(latest.ReceivedMs), interval, inBits, outBits, inErrors, outErrors, inDiscards, outDiscards);
    }
}

using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Detection;

/// <summary>
/// Which flow a record belongs to, as its exporter keeps it in its cache: the exporter (and v9 source id / IPFIX
/// domain) and the 5-tuple. Two records with the same identity are consecutive exports of one flow.
/// </summary>
internal readonly record struct FlowIdentity(
    FlowAddress Exporter, uint Domain, FlowAddress Src, FlowAddress Dst, ushort SrcPort, ushort DstPort, byte Protocol)
{
    public static FlowIdentity Of(in FlowRecord r, FlowAddress exporter) =>
        new(exporter, r.ObservationDomain, r.SrcAddr, r.DstAddr, r.SrcPort, r.DstPort, r.Protocol);
}

/// <summary>
/// A record big enough for its flow's identity to matter (see <see cref="DetectionConfig.FlowFloors"/>), as a
/// receive thread hands it to the detector beside the second's per-key sums: a long record's per-second rate and how
/// long to hold it, or, for a short record (<see cref="HoldSeconds"/> 0, already counted in the sums), only the news
/// that its flow's earlier record must stop being held.
/// </summary>
internal struct FlowEntry
{
    public FlowIdentity Flow;

    /// <summary>Per-second rates of a long record (sampling-scaled); zero for a short one.</summary>
    public TrafficCounters Rate;

    /// <summary>Seconds to hold <see cref="Rate"/> from the arrival second; 0 for a short record.</summary>
    public int HoldSeconds;

    /// <summary>Counted under its destination host and prefix.</summary>
    public bool Incoming;

    /// <summary>Counted under its (protected) source host.</summary>
    public bool Outgoing;
}

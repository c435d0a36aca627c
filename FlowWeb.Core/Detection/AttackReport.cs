using System.Text.Json.Serialization;

namespace FlowWeb.Core.Detection;

/// <summary>An address with its traffic in an attack (sampling-scaled estimates).</summary>
public sealed record AttackAddress(string Address, double Bytes, double Packets);

/// <summary>A port with its traffic in an attack.</summary>
public sealed record AttackPort(int Port, string? Service, double Bytes, double Packets);

/// <summary>An IP protocol's share of an attack's packets.</summary>
public sealed record AttackProtocol(int Protocol, string Name, double Packets, double Share);

/// <summary>TCP packets by their flow's flags (e.g. "S" for SYN only).</summary>
public sealed record AttackTcpFlags(string Flags, double Packets, double Share);

/// <summary>Why the attack started: a metric, its value in the first second of the attack, and its threshold.</summary>
public sealed record AttackTrigger(DetectionMetric Metric, string Label, double Value, double Threshold);

/// <summary>One second (or a longer step, for long attacks) of an attack's rates.</summary>
public sealed record AttackPoint(DateTimeOffset Time, double PacketsPerSecond, double BitsPerSecond, double FlowsPerSecond);

/// <summary>A flow record matching the attack, as the exporter sent it (counters not scaled).</summary>
public sealed record AttackFlow(
    string Source, int SourcePort, string Destination, int DestinationPort, int Protocol, string TcpFlags,
    long Bytes, long Packets, DateTimeOffset Start, DateTimeOffset End, long SamplingRate);

/// <summary>
/// What FlowWeb did about an attack (a ban on a device and its removal), with the router's answer. <see cref="Path"/> and
/// <see cref="RouterId"/> name the router's entry (e.g. <c>ip/firewall/address-list</c>, <c>*1A</c>), so it can be
/// removed later, after a restart too.
/// </summary>
public sealed record AttackAction(
    DateTimeOffset Time, Guid DeviceId, string Device, string Action, string Target, string? Path, string? RouterId, bool Succeeded, string Outcome, bool Manual);

/// <summary>
/// An attack as pages, the API, notifications and the database see it: an immutable copy taken by the detector
/// (once a second while it lasts). Rates are after sampling scaling; distinct sources are as observed.
/// </summary>
public sealed record AttackReport
{
    public long Id { get; init; }

    public Guid SensorId { get; init; }

    public string SensorName { get; init; } = "";

    /// <summary>The host, or for carpet bombing the prefix (e.g. <c>203.0.113.0/24</c>).</summary>
    public string Victim { get; init; } = "";

    public AttackDirection Direction { get; init; }

    public AttackType Type { get; init; }

    /// <summary>The traffic's own type; differs from <see cref="Type"/> for carpet bombing (e.g. a UDP flood over a /24).</summary>
    public AttackType Vector { get; init; }

    /// <summary>The reflectors' source port of an amplification attack.</summary>
    public int? ReflectorPort { get; init; }

    /// <summary>The host group whose thresholds applied, if any.</summary>
    public string? HostGroup { get; init; }

    /// <summary>The first second over the threshold.</summary>
    public DateTimeOffset Start { get; init; }

    /// <summary>When the attack was declared: <see cref="Start"/> plus the seconds it had to last.</summary>
    public DateTimeOffset DetectedAt { get; init; }

    /// <summary>Null while ongoing.</summary>
    public DateTimeOffset? End { get; init; }

    public DateTimeOffset LastUpdate { get; init; }

    public double PeakPacketsPerSecond { get; init; }

    public double PeakBitsPerSecond { get; init; }

    public double PeakFlowsPerSecond { get; init; }

    /// <summary>Distinct sources over the whole attack (destinations for an outgoing one), as observed.</summary>
    public long DistinctSources { get; init; }

    public IReadOnlyList<AttackTrigger> Triggers { get; init; } = [];

    public IReadOnlyList<AttackAddress> TopSources { get; init; } = [];

    public IReadOnlyList<AttackAddress> TopDestinations { get; init; } = [];

    public IReadOnlyList<AttackPort> TopSourcePorts { get; init; } = [];

    public IReadOnlyList<AttackPort> TopDestinationPorts { get; init; } = [];

    public IReadOnlyList<AttackProtocol> ProtocolMix { get; init; } = [];

    public IReadOnlyList<AttackTcpFlags> TcpFlags { get; init; } = [];

    /// <summary>Smallest and largest sampling rate of the attack's records (1 = unsampled).</summary>
    public long SamplingRateMin { get; init; } = 1;

    public long SamplingRateMax { get; init; } = 1;

    public IReadOnlyList<AttackFlow> SampleFlows { get; init; } = [];

    /// <summary>Seconds per point of <see cref="Series"/>: 1, doubled each time a long attack fills the series.</summary>
    public int SeriesStepSeconds { get; init; } = 1;

    public IReadOnlyList<AttackPoint> Series { get; init; } = [];

    public IReadOnlyList<AttackAction> Actions { get; init; } = [];

    /// <summary>True when the attack was closed because FlowWeb stopped, not because its traffic ended.</summary>
    public bool ClosedByRestart { get; init; }

    [JsonIgnore]
    public bool Ongoing => End is null;

    /// <summary>"NTP amplification on 203.0.113.5" / "Outgoing UDP flood from 192.0.2.7".</summary>
    [JsonIgnore]
    public string Headline => Direction == AttackDirection.Outgoing
        ? $"Outgoing {Vector.Title()} from {Victim}"
        : Type == AttackType.CarpetBombing ? $"Carpet bombing ({Vector.Title()}) on {Victim}" : $"{Type.Title()} on {Victim}";
}

namespace FlowWeb.Core.Detection;

/// <summary>What a threshold measures, per second, for one host (or one prefix) and one direction.</summary>
public enum DetectionMetric
{
    Packets,
    Bits,
    Flows,

    /// <summary>TCP packets of flows whose flags have SYN without ACK: connection attempts that never completed.</summary>
    SynPackets,
    UdpPackets,
    UdpBits,

    /// <summary>ICMP and ICMPv6 packets.</summary>
    IcmpPackets,

    /// <summary>TCP or UDP packets without ports (non-first fragments, as exporters record them).</summary>
    FragmentPackets,

    /// <summary>Distinct source addresses seen per second (as observed: not scaled by sampling).</summary>
    DistinctSources,
}

/// <summary>
/// Thresholds per second for one direction. A null value inherits from the level above (host group, sensor,
/// global configuration, built-in default); 0 turns that threshold off. Names are the configuration keys.
/// </summary>
public sealed record ThresholdSet
{
    public const int MetricCount = 9;

    public long? PacketsPerSecond { get; init; }

    public long? BitsPerSecond { get; init; }

    public long? FlowsPerSecond { get; init; }

    public long? SynPacketsPerSecond { get; init; }

    public long? UdpPacketsPerSecond { get; init; }

    public long? UdpBitsPerSecond { get; init; }

    public long? IcmpPacketsPerSecond { get; init; }

    public long? FragmentPacketsPerSecond { get; init; }

    public long? DistinctSourcesPerSecond { get; init; }

    /// <summary>
    /// Built-in defaults, for a network with a 1-10 Gbit/s edge: far above what one host receives in normal use
    /// (a 1 Gbit/s backup is 83,000 packets/s of TCP; a busy web server takes a few thousand new connections a
    /// second), far below a flood worth stopping. Tune them to the links: README "Attack detection".
    /// </summary>
    public static ThresholdSet Defaults { get; } = new()
    {
        PacketsPerSecond = 150_000,
        BitsPerSecond = 2_000_000_000,
        FlowsPerSecond = 20_000,
        SynPacketsPerSecond = 20_000,
        UdpPacketsPerSecond = 100_000,
        UdpBitsPerSecond = 1_000_000_000,
        IcmpPacketsPerSecond = 10_000,
        FragmentPacketsPerSecond = 20_000,
        DistinctSourcesPerSecond = 20_000,
    };

    public long? this[DetectionMetric metric] => metric switch
    {
        DetectionMetric.Packets => PacketsPerSecond,
        DetectionMetric.Bits => BitsPerSecond,
        DetectionMetric.Flows => FlowsPerSecond,
        DetectionMetric.SynPackets => SynPacketsPerSecond,
        DetectionMetric.UdpPackets => UdpPacketsPerSecond,
        DetectionMetric.UdpBits => UdpBitsPerSecond,
        DetectionMetric.IcmpPackets => IcmpPacketsPerSecond,
        DetectionMetric.FragmentPackets => FragmentPacketsPerSecond,
        DetectionMetric.DistinctSources => DistinctSourcesPerSecond,
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    /// <summary>The configuration name of a metric's threshold (e.g. <c>SynPacketsPerSecond</c>).</summary>
    public static string NameOf(DetectionMetric metric) => metric switch
    {
        DetectionMetric.Packets => nameof(PacketsPerSecond),
        DetectionMetric.Bits => nameof(BitsPerSecond),
        DetectionMetric.Flows => nameof(FlowsPerSecond),
        DetectionMetric.SynPackets => nameof(SynPacketsPerSecond),
        DetectionMetric.UdpPackets => nameof(UdpPacketsPerSecond),
        DetectionMetric.UdpBits => nameof(UdpBitsPerSecond),
        DetectionMetric.IcmpPackets => nameof(IcmpPacketsPerSecond),
        DetectionMetric.FragmentPackets => nameof(FragmentPacketsPerSecond),
        DetectionMetric.DistinctSources => nameof(DistinctSourcesPerSecond),
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    /// <summary>A short human name with its unit (e.g. "TCP SYN packets/s").</summary>
    public static string LabelOf(DetectionMetric metric) => metric switch
    {
        DetectionMetric.Packets => "packets/s",
        DetectionMetric.Bits => "bit/s",
        DetectionMetric.Flows => "flows/s",
        DetectionMetric.SynPackets => "TCP SYN packets/s",
        DetectionMetric.UdpPackets => "UDP packets/s",
        DetectionMetric.UdpBits => "UDP bit/s",
        DetectionMetric.IcmpPackets => "ICMP packets/s",
        DetectionMetric.FragmentPackets => "fragment packets/s",
        DetectionMetric.DistinctSources => "distinct sources/s",
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    /// <summary>Each value of this set, or of <paramref name="fallback"/> where this one is null.</summary>
    public ThresholdSet Over(ThresholdSet? fallback) => fallback is null ? this : new()
    {
        PacketsPerSecond = PacketsPerSecond ?? fallback.PacketsPerSecond,
        BitsPerSecond = BitsPerSecond ?? fallback.BitsPerSecond,
        FlowsPerSecond = FlowsPerSecond ?? fallback.FlowsPerSecond,
        SynPacketsPerSecond = SynPacketsPerSecond ?? fallback.SynPacketsPerSecond,
        UdpPacketsPerSecond = UdpPacketsPerSecond ?? fallback.UdpPacketsPerSecond,
        UdpBitsPerSecond = UdpBitsPerSecond ?? fallback.UdpBitsPerSecond,
        IcmpPacketsPerSecond = IcmpPacketsPerSecond ?? fallback.IcmpPacketsPerSecond,
        FragmentPacketsPerSecond = FragmentPacketsPerSecond ?? fallback.FragmentPacketsPerSecond,
        DistinctSourcesPerSecond = DistinctSourcesPerSecond ?? fallback.DistinctSourcesPerSecond,
    };

    /// <summary>Problems with the values, each naming its key under <paramref name="path"/>.</summary>
    public IEnumerable<(string Field, string Message)> Validate(string path)
    {
        foreach (var metric in Enum.GetValues<DetectionMetric>())
        {
            if (this[metric] is { } value && value is < 0 or > 1_000_000_000_000_000)
            {
                yield return ($"{path}.{NameOf(metric)}", "must be 0 (off) to 10^15, or empty to inherit");
            }
        }
    }

    /// <summary>The thresholds as numbers by metric (0 = off), after inheriting down to the built-in defaults.</summary>
    public double[] Resolve()
    {
        var full = Over(Defaults);
        var values = new double[MetricCount];
        foreach (var metric in Enum.GetValues<DetectionMetric>())
        {
            values[(int)metric] = full[metric] ?? 0;
        }

        return values;
    }
}

/// <summary>A named set of networks with thresholds of their own (IPv4 and IPv6 alike), e.g. "DNS servers".</summary>
public sealed record HostGroup
{
    public string Name { get; init; } = "";

    /// <summary>Prefixes or single addresses, IPv4 or IPv6.</summary>
    public IReadOnlyList<string> Prefixes { get; init; } = [];

    public ThresholdSet Incoming { get; init; } = new();

    public ThresholdSet Outgoing { get; init; } = new();

    // Value equality over the prefix list too (a record compares lists by reference).
    public bool Equals(HostGroup? other) =>
        other is not null && Name == other.Name && Prefixes.SequenceEqual(other.Prefixes) && Incoming == other.Incoming && Outgoing == other.Outgoing;

    public override int GetHashCode() => HashCode.Combine(Name, Prefixes.Count, Incoming, Outgoing);
}

public enum DetectionMode
{
    /// <summary>As the global setting <c>Detection:Enabled</c>.</summary>
    Inherit,
    On,
    Off,
}

/// <summary>
/// A sensor's own detection settings; everything empty inherits from the global <c>Detection</c> section. Its host
/// groups are looked at before the global ones.
/// </summary>
public sealed record SensorDetectionSettings
{
    public DetectionMode Mode { get; init; }

    /// <summary>Networks to protect; empty = the global list (and when that is empty too, every destination).</summary>
    public IReadOnlyList<string> ProtectedNetworks { get; init; } = [];

    public ThresholdSet Incoming { get; init; } = new();

    public ThresholdSet Outgoing { get; init; } = new();

    public IReadOnlyList<HostGroup> HostGroups { get; init; } = [];

    /// <summary>N for this sensor: seconds over a threshold before an attack starts; null = <c>Detection:StartAfterSeconds</c>.</summary>
    public int? StartAfterSeconds { get; init; }

    /// <summary>M for this sensor: seconds below before an attack ends; null = <c>Detection:EndAfterSeconds</c>.</summary>
    public int? EndAfterSeconds { get; init; }

    public bool Equals(SensorDetectionSettings? other) =>
        other is not null && Mode == other.Mode && ProtectedNetworks.SequenceEqual(other.ProtectedNetworks) && Incoming == other.Incoming &&
        Outgoing == other.Outgoing && HostGroups.SequenceEqual(other.HostGroups) && StartAfterSeconds == other.StartAfterSeconds &&
        EndAfterSeconds == other.EndAfterSeconds;

    public override int GetHashCode() => HashCode.Combine(Mode, ProtectedNetworks.Count, Incoming, Outgoing, HostGroups.Count, StartAfterSeconds, EndAfterSeconds);

    public bool IsDefault => Mode == DetectionMode.Inherit && ProtectedNetworks.Count == 0 && HostGroups.Count == 0 &&
                             Incoming == new ThresholdSet() && Outgoing == new ThresholdSet() && StartAfterSeconds is null && EndAfterSeconds is null;
}

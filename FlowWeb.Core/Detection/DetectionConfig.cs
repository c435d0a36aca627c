using System.Runtime.CompilerServices;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Detection;

/// <summary>
/// A sensor's detection settings compiled for use: the global section with the sensor's overrides applied, prefixes
/// parsed into lookup tables and thresholds resolved to numbers. Immutable; replaced whole when settings change, so
/// receive threads read it without a lock.
/// </summary>
public sealed class DetectionConfig
{
    private readonly PrefixTable<int> _groups;
    private readonly double[][] _groupIncoming;
    private readonly double[][] _groupOutgoing;
    private readonly double[] _incomingPrefix;
    private readonly double[][] _groupIncomingPrefix;

    public DetectionConfig(DetectionOptions global, SensorDetectionSettings? sensor)
    {
        ArgumentNullException.ThrowIfNull(global);
        sensor ??= new SensorDetectionSettings();
        Enabled = sensor.Mode switch { DetectionMode.On => true, DetectionMode.Off => false, _ => global.Enabled };
        StartAfterSeconds = sensor.StartAfterSeconds ?? global.StartAfterSeconds;
        EndAfterSeconds = sensor.EndAfterSeconds ?? global.EndAfterSeconds;
        EndFraction = global.EndFraction;
        CarpetPrefixLengthV4 = global.CarpetPrefixLengthV4;
        CarpetPrefixLengthV6 = global.CarpetPrefixLengthV6;
        PrefixThresholdFactor = global.PrefixThresholdFactor;
        _carpetMaskV4 = IpPrefix.Mask(new FlowAddress(ulong.MaxValue, ulong.MaxValue), 96 + CarpetPrefixLengthV4);
        _carpetMaskV6 = IpPrefix.Mask(new FlowAddress(ulong.MaxValue, ulong.MaxValue), CarpetPrefixLengthV6);
        CarpetMinHosts = global.CarpetMinHosts;
        MaxKeysPerSecond = global.MaxKeysPerSecond;
        MaxTrackedKeys = global.MaxTrackedKeys;
        MaxHoldSeconds = global.MaxHoldSeconds;
        MaxHoldEntries = global.MaxHoldEntries;
        MaxWatchedKeys = global.MaxWatchedKeys;
        SampleFlows = global.SampleFlows;
        SlowExportWarningSeconds = global.SlowExportWarningSeconds;

        var networks = (sensor.ProtectedNetworks.Count > 0 ? sensor.ProtectedNetworks : global.ProtectedNetworks)
            .Select(Parse).OfType<IpPrefix>().ToList();
        ProtectedNetworks = networks;
        Protected = networks.Count == 0 ? null : new PrefixTable<bool>(networks.Select(p => (p, true)));

        var incoming = sensor.Incoming.Over(global.Incoming);
        var outgoing = sensor.Outgoing.Over(global.Outgoing);
        Incoming = incoming.Resolve();
        Outgoing = outgoing.Resolve();

        // A sensor's groups come before the global ones: the first entry for a network wins in the table.
        var groups = sensor.HostGroups.Concat(global.HostGroups).ToList();
        Groups = groups;
        _groupIncoming = [.. groups.Select(g => g.Incoming.Over(incoming).Resolve())];
        _groupOutgoing = [.. groups.Select(g => g.Outgoing.Over(outgoing).Resolve())];
        var groupPrefixes = groups.SelectMany((g, i) => g.Prefixes.Select(Parse).OfType<IpPrefix>().Select(p => (p, i))).ToList();
        _groups = new PrefixTable<int>(groupPrefixes);

        // Outgoing attacks are looked for from the hosts someone named: protected networks and host groups.
        var outgoingNetworks = networks.Select(p => (p, true)).Concat(groupPrefixes.Select(g => (g.p, true))).ToList();
        OutgoingSources = outgoingNetworks.Count == 0 ? null : new PrefixTable<bool>(outgoingNetworks);
        // A prefix's thresholds, resolved once: the tick asks for them for every prefix of every second.
        _incomingPrefix = ScaleBy(Incoming, PrefixThresholdFactor);
        _groupIncomingPrefix = [.. _groupIncoming.Select(t => ScaleBy(t, PrefixThresholdFactor))];
        FlowFloors = FloorsOf([Incoming, Outgoing, .. _groupIncoming, .. _groupOutgoing]);
        InverseFlowFloors = [.. FlowFloors.Select(f => f > 0 ? 1 / f : double.PositiveInfinity)];
        var inverse = InverseFlowFloors;
        for (var kind = 0; kind < RecordKind.Count; kind++)
        {
            // The amounts a record of this kind adds all its packets (bytes) to, by the masks the receive path adds with.
            // Not amplification: only a reflector's port adds to it (and no threshold floors it).
            var middle = RecordKind.Middle(kind);
            var tail = RecordKind.Tail(kind);
            PacketShares[kind] = LargestInverse(inverse, (Counter.Packets, 1), (Counter.SynPackets, RecordKind.Syn(kind)), (Counter.TcpPackets, middle[0]),
                (Counter.UdpPackets, middle[1]), (Counter.IcmpPackets, middle[3]), (Counter.FragmentPackets, tail[0]));
            ByteShares[kind] = LargestInverse(inverse, (Counter.Bytes, 1), (Counter.UdpBytes, middle[2]));
        }

        PerFlow = inverse[Counter.Flows];
    }

    /// <summary>A record carrying this fraction of a threshold (per second) is flow-sized: see <see cref="FlowFloors"/>.</summary>
    internal const double FlowSizedFraction = 0.01;

    /// <summary>
    /// By <see cref="Counter"/>, <see cref="FlowSizedFraction"/> of the lowest threshold of any host (prefixes' are
    /// higher) for that amount (for flows, also of distinct sources); +infinity where no threshold applies. A key under
    /// all of them in a second is not judged that second. A record at or above one of them is flow-sized:
    /// the detector keeps its flow's identity, so that the flow's next record replaces its held rate instead of adding
    /// to it. Smaller records cannot move a key by more than this fraction each, so their identity is not worth a lookup.
    /// </summary>
    internal double[] FlowFloors { get; }

    /// <summary>1 / <see cref="FlowFloors"/> (0 where no threshold applies): a record's weight is a few multiplications.</summary>
    internal double[] InverseFlowFloors { get; }

    /// <summary>
    /// A record's share of the floors per packet it carries, by its <see cref="RecordKind"/> (see <c>DetectionShard.FloorShare</c>):
    /// the largest inverse floor of the packet amounts a record of its kind adds all its packets to (every record to
    /// packets; a TCP SYN-only one to SYN packets too, UDP to UDP packets, ICMP to ICMP packets, a TCP or UDP fragment to
    /// fragments). Its largest share in those amounts is its packets times that: one multiplication, not one per counter.
    /// </summary>
    internal double[] PacketShares { get; } = new double[RecordKind.Count];

    /// <summary>As <see cref="PacketShares"/> for bytes: every record's bytes, a UDP record's UDP bytes too.</summary>
    internal double[] ByteShares { get; } = new double[RecordKind.Count];

    /// <summary>A record's share of the floor of flows per flow it stands for (its light weight; flows never make a record flow-sized).</summary>
    internal double PerFlow { get; }

    public bool Enabled { get; }

    public int StartAfterSeconds { get; }

    public int EndAfterSeconds { get; }

    public double EndFraction { get; }

    public int CarpetPrefixLengthV4 { get; }

    public int CarpetPrefixLengthV6 { get; }

    public double PrefixThresholdFactor { get; }

    private readonly FlowAddress _carpetMaskV4;
    private readonly FlowAddress _carpetMaskV6;

    /// <summary>
    /// The /<see cref="CarpetPrefixLengthV4"/> or /<see cref="CarpetPrefixLengthV6"/> network holding the address (as
    /// <see cref="IpPrefix.Of"/>'s, by two precomputed masks: the receive path asks for every light record's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal FlowAddress CarpetNetworkOf(FlowAddress address)
    {
        var mask = address.IsIPv4 ? _carpetMaskV4 : _carpetMaskV6;
        return new FlowAddress(address.High & mask.High, address.Low & mask.Low);
    }

    public int CarpetMinHosts { get; }

    public int MaxKeysPerSecond { get; }

    public int MaxTrackedKeys { get; }

    public int MaxHoldSeconds { get; }

    public int MaxHoldEntries { get; }

    public int MaxWatchedKeys { get; }

    public int SampleFlows { get; }

    public int SlowExportWarningSeconds { get; }

    public IReadOnlyList<IpPrefix> ProtectedNetworks { get; }

    public IReadOnlyList<HostGroup> Groups { get; }

    /// <summary>Destinations watched for incoming attacks; null = every destination.</summary>
    internal PrefixTable<bool>? Protected { get; }

    /// <summary>Sources watched for outgoing attacks; null = none (nothing was configured).</summary>
    internal PrefixTable<bool>? OutgoingSources { get; }

    /// <summary>Thresholds by <see cref="DetectionMetric"/> for hosts in no group.</summary>
    internal double[] Incoming { get; }

    internal double[] Outgoing { get; }

    public bool IsProtected(FlowAddress destination) => Protected is null || Protected.Contains(destination);

    /// <summary>The thresholds for a key, and the name of the host group they came from (null for none).</summary>
    internal (double[] Thresholds, string? Group) ThresholdsFor(in DetectionKey key)
    {
        var prefix = key.Kind == KeyKind.IncomingPrefix;
        if (_groups.TryMatch(key.Address, out var index))
        {
            var values = key.Kind == KeyKind.OutgoingHost ? _groupOutgoing[index] : prefix ? _groupIncomingPrefix[index] : _groupIncoming[index];
            return (values, Groups[index].Name);
        }

        return (key.Kind == KeyKind.OutgoingHost ? Outgoing : prefix ? _incomingPrefix : Incoming, null);
    }

    private static double[] ScaleBy(double[] thresholds, double factor) => [.. thresholds.Select(v => v * factor)];

    private static double[] FloorsOf(IEnumerable<double[]> sets)
    {
        var floors = new double[Counter.Count];
        Array.Fill(floors, double.PositiveInfinity);
        foreach (var t in sets)
        {
            Lower(floors, Counter.Packets, t[(int)DetectionMetric.Packets]);

            // Flows bound distinct sources from above (each record names one source), so both floor the flows.
            Lower(floors, Counter.Flows, t[(int)DetectionMetric.Flows]);
            Lower(floors, Counter.Flows, t[(int)DetectionMetric.DistinctSources]);
            Lower(floors, Counter.Bytes, t[(int)DetectionMetric.Bits] / 8);
            Lower(floors, Counter.SynPackets, t[(int)DetectionMetric.SynPackets]);
            Lower(floors, Counter.UdpPackets, t[(int)DetectionMetric.UdpPackets]);
            Lower(floors, Counter.UdpBytes, t[(int)DetectionMetric.UdpBits] / 8);
            Lower(floors, Counter.IcmpPackets, t[(int)DetectionMetric.IcmpPackets]);
            Lower(floors, Counter.FragmentPackets, t[(int)DetectionMetric.FragmentPackets]);
        }

        return floors;

        static void Lower(double[] floors, int counter, double threshold)
        {
            if (threshold > 0)
            {
                floors[counter] = Math.Min(floors[counter], threshold * FlowSizedFraction);
            }
        }
    }

    private static double LargestInverse(double[] inverse, params ReadOnlySpan<(int Counter, double Mask)> amounts)
    {
        var largest = 0.0;
        foreach (var (counter, mask) in amounts)
        {
            if (mask != 0)
            {
                largest = Math.Max(largest, inverse[counter]);
            }
        }

        return largest;
    }

    private static IpPrefix? Parse(string text) => IpPrefix.TryParse(text, out var prefix, out _) ? prefix : null;
}

internal enum KeyKind : byte
{
    None = 0,

    /// <summary>A destination host (incoming traffic).</summary>
    IncomingHost = 1,

    /// <summary>A destination /24 or /64 (carpet bombing).</summary>
    IncomingPrefix = 2,

    /// <summary>A protected source host (outgoing traffic).</summary>
    OutgoingHost = 3,
}

/// <summary>What detection counts by: an address (a prefix's network address for prefixes) and its kind.</summary>
internal readonly record struct DetectionKey(FlowAddress Address, KeyKind Kind)
{
    public AttackDirection Direction => Kind == KeyKind.OutgoingHost ? AttackDirection.Outgoing : AttackDirection.Incoming;
}

using System.Globalization;
using FlowWeb.Core.Detection.Evidence;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Detection;

/// <summary>
/// An ongoing attack as the detector keeps it: written on the detector's tick only; pages and the API get
/// <see cref="Report"/> copies. Actions (mitigation) may be added from other threads.
/// </summary>
internal sealed class Attack
{
    public const int MaxSeriesPoints = 3600;
    public const int TopCount = 20;

    private readonly List<AttackPoint> _series = [];
    private readonly Lock _actionsSync = new();
    private readonly List<AttackAction> _actions = [];
    private int _stepSeconds = 1;
    private (long Second, double Packets, double Bits, double Flows)? _pendingStep;

    public required long Id { get; init; }

    public required DetectionKey Key { get; init; }

    public required string Victim { get; init; }

    public required Guid SensorId { get; init; }

    public required string SensorName { get; set; }

    public required AttackType Type { get; init; }

    public required AttackType Vector { get; init; }

    public int? ReflectorPort { get; init; }

    public string? HostGroup { get; init; }

    public required DateTimeOffset Start { get; init; }

    public required DateTimeOffset DetectedAt { get; init; }

    public DateTimeOffset? End
    {
        get => _end;
        set
        {
            lock (_actionsSync)
            {
                _end = value;
            }
        }
    }

    private DateTimeOffset? _end;

    public required IReadOnlyList<AttackTrigger> Triggers { get; init; }

    public required AttackEvidence Evidence { get; init; }

    public double PeakPackets { get; private set; }

    public double PeakBits { get; private set; }

    public double PeakFlows { get; private set; }

    public long LastOnSecond { get; set; }

    public DateTimeOffset LastUpdate { get; private set; }

    /// <summary>Adds an action while the attack is on; false once it ended (its last report is taken: store the action instead).</summary>
    public bool AddAction(AttackAction action)
    {
        lock (_actionsSync)
        {
            if (_end is not null)
            {
                return false;
            }

            _actions.Add(action);
            return true;
        }
    }

    /// <summary>Takes one second's rates: peaks and the graph (consecutive seconds merged by their maximum once the graph is full).</summary>
    public void Observe(long second, double packets, double bits, double flows)
    {
        PeakPackets = Math.Max(PeakPackets, packets);
        PeakBits = Math.Max(PeakBits, bits);
        PeakFlows = Math.Max(PeakFlows, flows);
        LastUpdate = DateTimeOffset.FromUnixTimeSeconds(second + 1);
        if (_pendingStep is { } pending && second - pending.Second < _stepSeconds)
        {
            _pendingStep = (pending.Second, Math.Max(pending.Packets, packets), Math.Max(pending.Bits, bits), Math.Max(pending.Flows, flows));
        }
        else
        {
            Flush();
            _pendingStep = (second - (second % _stepSeconds), packets, bits, flows);
        }

        if (_series.Count >= MaxSeriesPoints)
        {
            var merged = new List<AttackPoint>(_series.Count / 2 + 1);
            for (var i = 0; i < _series.Count; i += 2)
            {
                var a = _series[i];
                merged.Add(i + 1 < _series.Count
                    ? a with { PacketsPerSecond = Math.Max(a.PacketsPerSecond, _series[i + 1].PacketsPerSecond), BitsPerSecond = Math.Max(a.BitsPerSecond, _series[i + 1].BitsPerSecond), FlowsPerSecond = Math.Max(a.FlowsPerSecond, _series[i + 1].FlowsPerSecond) }
                    : a);
            }

            _series.Clear();
            _series.AddRange(merged);
            _stepSeconds *= 2;
        }
    }

    private void Flush()
    {
        if (_pendingStep is { } p)
        {
            _series.Add(new AttackPoint(DateTimeOffset.FromUnixTimeSeconds(p.Second), p.Packets, p.Bits, p.Flows));
            _pendingStep = null;
        }
    }

    /// <summary>
    /// While the attack goes on, its evidence view (top lists, protocol and flag mix, samples: strings for every address)
    /// is rebuilt every second for its first <see cref="EvidenceRefreshSeconds"/> seconds of evidence, then every
    /// <see cref="EvidenceRefreshSeconds"/> seconds: the ongoing list takes a report of every attack every second, and
    /// with 60 attacks on the ingest benchmark's load rebuilding them all was most of the detection tick.
    /// </summary>
    public const int EvidenceRefreshSeconds = 5;

    private EvidenceView? _evidenceView;
    private long _evidenceViewSeconds = -1;
    private long _evidenceViewBuilt;

    public AttackReport Report()
    {
        List<AttackPoint> series = [.. _series];
        if (_pendingStep is { } p)
        {
            series.Add(new AttackPoint(DateTimeOffset.FromUnixTimeSeconds(p.Second), p.Packets, p.Bits, p.Flows));
        }

        AttackAction[] actions;
        DateTimeOffset? end;
        lock (_actionsSync)
        {
            actions = [.. _actions];
            end = _end;
        }

        var view = EvidenceNow(ended: end is not null);
        return new AttackReport
        {
            Id = Id,
            SensorId = SensorId,
            SensorName = SensorName,
            Victim = Victim,
            Direction = Key.Direction,
            Type = Type,
            Vector = Vector,
            ReflectorPort = ReflectorPort,
            HostGroup = HostGroup,
            Start = Start,
            DetectedAt = DetectedAt,
            End = end,
            LastUpdate = LastUpdate,
            PeakPacketsPerSecond = PeakPackets,
            PeakBitsPerSecond = PeakBits,
            PeakFlowsPerSecond = PeakFlows,
            DistinctSources = view.DistinctSources,
            Triggers = Triggers,
            TopSources = view.TopSources,
            TopDestinations = view.TopDestinations,
            TopSourcePorts = view.TopSourcePorts,
            TopDestinationPorts = view.TopDestinationPorts,
            ProtocolMix = view.ProtocolMix,
            TcpFlags = view.TcpFlags,
            SamplingRateMin = view.SamplingRateMin,
            SamplingRateMax = view.SamplingRateMax,
            SampleFlows = view.SampleFlows,
            SeriesStepSeconds = _stepSeconds,
            Series = series,
            Actions = actions,
        };
    }

    /// <summary>The evidence as the report shows it: rebuilt when new evidence came and it is due (always once the attack ended).</summary>
    private EvidenceView EvidenceNow(bool ended)
    {
        var evidence = Evidence;
        var seconds = evidence.SecondsCollected;
        var now = LastUpdate.ToUnixTimeSeconds();
        if (_evidenceView is { } view && (seconds == _evidenceViewSeconds
                                          || (!ended && seconds > EvidenceRefreshSeconds && now - _evidenceViewBuilt < EvidenceRefreshSeconds)))
        {
            return view;
        }

        var incoming = Key.Direction == AttackDirection.Incoming;
        var protocols = evidence.Protocols.Top(16);
        var protocolTotal = Math.Max(1e-9, protocols.Sum(p => p.Packets));
        var flags = evidence.TcpFlags.Top(16);
        var flagsTotal = Math.Max(1e-9, flags.Sum(f => f.Packets));
        view = new EvidenceView(
            seconds == 0 ? 0 : (long)Math.Round(evidence.DistinctPeers.Estimate()),
            [.. evidence.Sources.Top(TopCount).Select(s => new AttackAddress(s.Key.ToString(), s.Bytes, s.Packets))],
            [.. evidence.Destinations.Top(TopCount).Select(s => new AttackAddress(s.Key.ToString(), s.Bytes, s.Packets))],
            [.. evidence.SourcePorts.Top(TopCount).Select(s => new AttackPort(s.Key, incoming ? ReflectorPorts.ServiceOf(s.Key) : null, s.Bytes, s.Packets))],
            [.. evidence.DestinationPorts.Top(TopCount).Select(s => new AttackPort(s.Key, null, s.Bytes, s.Packets))],
            [.. protocols.Select(x => new AttackProtocol(x.Key, ProtocolName(x.Key), x.Packets, x.Packets / protocolTotal))],
            [.. flags.Select(f => new AttackTcpFlags(FlagText(f.Key), f.Packets, f.Packets / flagsTotal))],
            evidence.MaxSamplingRate == 0 ? 1 : evidence.MinSamplingRate,
            Math.Max(1, evidence.MaxSamplingRate),
            [.. evidence.Samples.Select(ToFlow)]);
        _evidenceView = view;
        _evidenceViewSeconds = seconds;
        _evidenceViewBuilt = now;
        return view;
    }

    private sealed record EvidenceView(
        long DistinctSources,
        IReadOnlyList<AttackAddress> TopSources,
        IReadOnlyList<AttackAddress> TopDestinations,
        IReadOnlyList<AttackPort> TopSourcePorts,
        IReadOnlyList<AttackPort> TopDestinationPorts,
        IReadOnlyList<AttackProtocol> ProtocolMix,
        IReadOnlyList<AttackTcpFlags> TcpFlags,
        uint SamplingRateMin,
        uint SamplingRateMax,
        IReadOnlyList<AttackFlow> SampleFlows);

    private static AttackFlow ToFlow(FlowRecord r) => new(
        r.SrcAddr.ToString(), r.SrcPort, r.DstAddr.ToString(), r.DstPort, r.Protocol, r.Protocol == 6 ? FlagText((byte)r.TcpFlags) : "",
        (long)Math.Min(r.Bytes, long.MaxValue), (long)Math.Min(r.Packets, long.MaxValue),
        DateTimeOffset.FromUnixTimeMilliseconds(r.StartMs), DateTimeOffset.FromUnixTimeMilliseconds(r.EndMs), Math.Max(1, r.SamplingRate));

    public static string ProtocolName(byte protocol) => protocol switch
    {
        1 => "ICMP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        132 => "SCTP",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>TCP flags as tcpdump letters: C E U A P R S F.</summary>
    public static string FlagText(byte flags)
    {
        Span<char> text = stackalloc char[8];
        var n = 0;
        foreach (var (bit, letter) in new (int, char)[] { (0x80, 'C'), (0x40, 'E'), (0x20, 'U'), (0x10, 'A'), (0x08, 'P'), (0x04, 'R'), (0x02, 'S'), (0x01, 'F') })
        {
            if ((flags & bit) != 0)
            {
                text[n++] = letter;
            }
        }

        return n == 0 ? "-" : new string(text[..n]);
    }
}

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

    /// <summary>The last report; its evidence part is reused until due again (see <see cref="EvidenceRefreshSeconds"/>).</summary>
    private AttackReport? _report;
    private long _evidenceSeconds = -1;
    private long _evidenceBuilt;

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

        var report = _report is { } last && !EvidenceDue(ended: end is not null) ? last : WithEvidence();
        _report = report with
        {
            SensorName = SensorName,
            End = end,
            LastUpdate = LastUpdate,
            PeakPacketsPerSecond = PeakPackets,
            PeakBitsPerSecond = PeakBits,
            PeakFlowsPerSecond = PeakFlows,
            SeriesStepSeconds = _stepSeconds,
            Series = series,
            Actions = actions,
        };
        return _report;
    }

    /// <summary>New evidence came and the view is due: always once the attack ended.</summary>
    private bool EvidenceDue(bool ended)
    {
        var seconds = Evidence.SecondsCollected;
        return seconds != _evidenceSeconds
               && (ended || seconds <= EvidenceRefreshSeconds || LastUpdate.ToUnixTimeSeconds() - _evidenceBuilt >= EvidenceRefreshSeconds);
    }

    /// <summary>The attack and its evidence as the report shows them (the live parts are set by <see cref="Report"/>).</summary>
    private AttackReport WithEvidence()
    {
        var evidence = Evidence;
        _evidenceSeconds = evidence.SecondsCollected;
        _evidenceBuilt = LastUpdate.ToUnixTimeSeconds();
        var incoming = Key.Direction == AttackDirection.Incoming;
        var protocols = evidence.Protocols.Top(16);
        var protocolTotal = Math.Max(1e-9, protocols.Sum(p => p.Packets));
        var flags = evidence.TcpFlags.Top(16);
        var flagsTotal = Math.Max(1e-9, flags.Sum(f => f.Packets));
        return new AttackReport
        {
            Id = Id,
            SensorId = SensorId,
            Victim = Victim,
            Direction = Key.Direction,
            Type = Type,
            Vector = Vector,
            ReflectorPort = ReflectorPort,
            HostGroup = HostGroup,
            Start = Start,
            DetectedAt = DetectedAt,
            DistinctSources = evidence.SecondsCollected == 0 ? 0 : (long)Math.Round(evidence.DistinctPeers.Estimate()),
            Triggers = Triggers,
            TopSources = [.. evidence.Sources.Top(TopCount).Select(s => new AttackAddress(s.Key.ToString(), s.Bytes, s.Packets))],
            TopDestinations = [.. evidence.Destinations.Top(TopCount).Select(s => new AttackAddress(s.Key.ToString(), s.Bytes, s.Packets))],
            TopSourcePorts = [.. evidence.SourcePorts.Top(TopCount).Select(s => new AttackPort(s.Key, incoming ? ReflectorPorts.ServiceOf(s.Key) : null, s.Bytes, s.Packets))],
            TopDestinationPorts = [.. evidence.DestinationPorts.Top(TopCount).Select(s => new AttackPort(s.Key, null, s.Bytes, s.Packets))],
            ProtocolMix = [.. protocols.Select(x => new AttackProtocol(x.Key, ProtocolName(x.Key), x.Packets, x.Packets / protocolTotal))],
            TcpFlags = [.. flags.Select(f => new AttackTcpFlags(FlagText(f.Key), f.Packets, f.Packets / flagsTotal))],
            SamplingRateMin = evidence.MaxSamplingRate == 0 ? 1 : evidence.MinSamplingRate,
            SamplingRateMax = Math.Max(1, evidence.MaxSamplingRate),
            SampleFlows = [.. evidence.Samples.Select(ToFlow)],
        };
    }

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

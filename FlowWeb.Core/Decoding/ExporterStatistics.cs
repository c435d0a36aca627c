using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding;

/// <summary>
/// Live counters of one exporter, written by the decoder on its receive loop and read by pages and metrics
/// (64-bit reads are atomic here; a reader may see one counter a packet ahead of another, never a torn value).
/// </summary>
public sealed class ExporterStatistics
{
    private readonly long[] _errors = new long[DecodeStatusNames.Count];

    public ExporterStatistics(FlowAddress address, DateTimeOffset firstSeen)
    {
        Address = address;
        FirstSeen = firstSeen;
        LastSeen = firstSeen;
    }

    public FlowAddress Address { get; }

    /// <summary>Version of the most recent packet (1, 5, 9, 10, or 20 for sFlow v5: <see cref="SFlow.SFlowDatagram.Version"/>).</summary>
    public int Version { get; internal set; }

    public DateTimeOffset FirstSeen { get; }

    public DateTimeOffset LastSeen { get; internal set; }

    public long Datagrams { get; internal set; }

    /// <summary>Data records decoded (options records not included).</summary>
    public long Flows { get; internal set; }

    /// <summary>Sum of the records' own byte counters, before sampling.</summary>
    public long Octets { get; internal set; }

    /// <summary>Sum of the records' own packet counters, before sampling.</summary>
    public long Packets { get; internal set; }

    public long OptionsRecords { get; internal set; }

    /// <summary>Records whose counters are implausible (flagged, still delivered).</summary>
    public long ImplausibleRecords { get; internal set; }

    /// <summary>Flows estimated lost from sequence gaps (v5 counts flows, v9 packets × mean records per packet, IPFIX data records, sFlow flow samples).</summary>
    public long LostFlowsEstimate { get; internal set; }

    /// <summary>Packets that arrived with an older sequence number than expected (late or duplicate).</summary>
    public long Reordered { get; internal set; }

    /// <summary>Sequence jumps too large to be loss: the exporter restarted.</summary>
    public long SequenceResets { get; internal set; }

    /// <summary>Data sets currently held waiting for their template, and their size.</summary>
    public int PendingSets { get; internal set; }

    public long PendingBytes { get; internal set; }

    /// <summary>Records decoded late, once their template arrived.</summary>
    public long RecordsDecodedFromPending { get; internal set; }

    /// <summary>Records whose sampling interval was read little-endian (RouterOS 6).</summary>
    public long SamplingByteSwapped { get; internal set; }

    /// <summary>Sampling rate of the most recent data record (1 = unsampled).</summary>
    public uint LastSamplingRate { get; internal set; } = 1;

    public int TemplatesKnown { get; internal set; }

    /// <summary>sFlow only: the agents this exporter sends for, with their sequence accounting and interface counters.</summary>
    public SFlow.SFlowExporter? SFlow { get; internal set; }

    public long DecodeErrors { get; private set; }

    // Interface names the exporter announced in options data, by ifIndex: written by the receive loop, copied for
    // readers by InterfacesSnapshot (both under the decoder's lock).
    private readonly Dictionary<uint, LearnedInterface> _interfaces = [];
    private System.Collections.Frozen.FrozenDictionary<uint, LearnedInterface> _interfacesSnapshot = System.Collections.Frozen.FrozenDictionary<uint, LearnedInterface>.Empty;
    private bool _interfacesChanged;

    /// <summary>Reads an options set that names interfaces (<see cref="InterfaceOptions"/>).</summary>
    internal void LearnInterfaces(Templates.FlowTemplate template, ReadOnlySpan<byte> content) =>
        _interfacesChanged |= InterfaceOptions.Learn(template, content, _interfaces);

    /// <summary>An immutable copy of the learned interface names, made again only after they changed.</summary>
    internal System.Collections.Frozen.FrozenDictionary<uint, LearnedInterface> InterfacesSnapshot()
    {
        if (_interfacesChanged)
        {
            _interfacesSnapshot = System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(_interfaces);
            _interfacesChanged = false;
        }

        return _interfacesSnapshot;
    }

    /// <summary>This address's streams: version and observation domain per local port (see <see cref="ExporterStream"/>).</summary>
    internal ExporterStreams Streams { get; } = new();

    public long ErrorCount(DecodeStatus status) => _errors[(int)status];

    /// <summary>Non-zero error counters by reason.</summary>
    public IReadOnlyDictionary<DecodeStatus, long> ErrorsByReason()
    {
        var result = new Dictionary<DecodeStatus, long>();
        for (var i = 1; i < _errors.Length; i++)
        {
            if (_errors[i] != 0)
            {
                result[(DecodeStatus)i] = _errors[i];
            }
        }

        return result;
    }

    internal void CountError(DecodeStatus status, long count = 1)
    {
        if (status == DecodeStatus.Ok || count <= 0)
        {
            return;
        }

        _errors[(int)status] += count;
        DecodeErrors += count;
    }
}

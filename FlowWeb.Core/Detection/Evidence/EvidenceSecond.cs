using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Detection.Evidence;

/// <summary>
/// What one receive thread saw in one second of the traffic of a watched key (a candidate or an ongoing attack):
/// top sources, destinations and ports, protocols, TCP flags, distinct sources and a few records. Its cost is
/// bounded whatever the flood: the first <see cref="FullRecords"/> records of the second are taken whole, then one
/// in 2, one in 4... each standing for as many. With 64 keys watched (the Zipf-heaviest destinations of the benchmark
/// load) and 512 taken whole, most of their records went through six top lists; at 64 about a fifth do, and an
/// attack's top lists still see hundreds of records a second.
/// </summary>
internal sealed class EvidenceSecond
{
    public const int FullRecords = 64;
    public const int SamplesPerSecond = 8;

    private int _seen;
    private int _taken;
    private int _shift;

    public DetectionKey Key { get; private set; }

    public SpaceSaving<FlowAddress> Sources { get; } = new(32);

    public SpaceSaving<FlowAddress> Destinations { get; } = new(16);

    public SpaceSaving<ushort> SourcePorts { get; } = new(16);

    public SpaceSaving<ushort> DestinationPorts { get; } = new(16);

    public SpaceSaving<byte> Protocols { get; } = new(8);

    /// <summary>TCP packets by the flags of their flow (SYN, SYN+ACK, ACK...).</summary>
    public SpaceSaving<byte> TcpFlags { get; } = new(8);

    /// <summary>Distinct sources of an incoming key; distinct destinations of an outgoing one.</summary>
    public HyperLogLog DistinctPeers { get; } = new();

    public List<FlowRecord> Samples { get; } = new(SamplesPerSecond);

    public uint MinSamplingRate { get; private set; } = uint.MaxValue;

    public uint MaxSamplingRate { get; private set; }

    public void Reset(DetectionKey key)
    {
        Key = key;
        _seen = _taken = _shift = 0;
        Sources.Clear();
        Destinations.Clear();
        SourcePorts.Clear();
        DestinationPorts.Clear();
        Protocols.Clear();
        TcpFlags.Clear();
        DistinctPeers.Clear();
        Samples.Clear();
        MinSamplingRate = uint.MaxValue;
        MaxSamplingRate = 0;
    }

    public void Add(in FlowRecord r, uint rate, double packets, double bytes)
    {
        // Every record counts for the sampling rates and distinct peers (cheap); the top lists are thinned.
        MinSamplingRate = Math.Min(MinSamplingRate, rate);
        MaxSamplingRate = Math.Max(MaxSamplingRate, rate);
        DistinctPeers.Add(AddressHash.Of(Key.Kind == KeyKind.OutgoingHost ? r.DstAddr : r.SrcAddr));
        if (Samples.Count < SamplesPerSecond)
        {
            Samples.Add(r);
        }

        var seen = _seen++;
        if (_shift > 0 && (seen & ((1 << _shift) - 1)) != 0)
        {
            return;
        }

        if (++_taken >= FullRecords)
        {
            _taken = 0;
            _shift = Math.Min(_shift + 1, 20);
        }

        var weight = (double)(1 << _shift);
        packets *= weight;
        bytes *= weight;
        Sources.Add(r.SrcAddr, packets, bytes);
        Destinations.Add(r.DstAddr, packets, bytes);
        SourcePorts.Add(r.SrcPort, packets, bytes);
        DestinationPorts.Add(r.DstPort, packets, bytes);
        Protocols.Add(r.Protocol, packets, bytes);
        if (r.Protocol == 6)
        {
            TcpFlags.Add((byte)r.TcpFlags, packets, bytes);
        }
    }
}

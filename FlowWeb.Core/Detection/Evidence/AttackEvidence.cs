using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Detection.Evidence;

/// <summary>
/// Everything an attack's report says about its traffic beyond rates, gathered from the receive threads' seconds
/// while the attack (and its candidate seconds before) lasts, in fixed memory: top lists, protocol and TCP flag mix,
/// distinct sources, sampling rates and a reservoir sample of records.
/// </summary>
internal sealed class AttackEvidence(int sampleFlows, int seed)
{
    private readonly Random _random = new(seed);
    private long _samplesSeen;

    public SpaceSaving<FlowAddress> Sources { get; } = new(64);

    public SpaceSaving<FlowAddress> Destinations { get; } = new(32);

    public SpaceSaving<ushort> SourcePorts { get; } = new(32);

    public SpaceSaving<ushort> DestinationPorts { get; } = new(32);

    public SpaceSaving<byte> Protocols { get; } = new(16);

    public SpaceSaving<byte> TcpFlags { get; } = new(16);

    public HyperLogLog DistinctPeers { get; } = new();

    public List<FlowRecord> Samples { get; } = [];

    public uint MinSamplingRate { get; private set; } = uint.MaxValue;

    public uint MaxSamplingRate { get; private set; }

    public long SecondsCollected { get; private set; }

    public void Add(EvidenceSecond second)
    {
        SecondsCollected++;
        Sources.Merge(second.Sources);
        Destinations.Merge(second.Destinations);
        SourcePorts.Merge(second.SourcePorts);
        DestinationPorts.Merge(second.DestinationPorts);
        Protocols.Merge(second.Protocols);
        TcpFlags.Merge(second.TcpFlags);
        DistinctPeers.Merge(second.DistinctPeers);
        MinSamplingRate = Math.Min(MinSamplingRate, second.MinSamplingRate);
        MaxSamplingRate = Math.Max(MaxSamplingRate, second.MaxSamplingRate);

        // Reservoir sampling (Vitter's algorithm R): every record offered has the same chance to be kept.
        foreach (var record in second.Samples)
        {
            _samplesSeen++;
            if (Samples.Count < sampleFlows)
            {
                Samples.Add(record);
            }
            else if (sampleFlows > 0)
            {
                var slot = _random.NextInt64(_samplesSeen);
                if (slot < sampleFlows)
                {
                    Samples[(int)slot] = record;
                }
            }
        }
    }
}

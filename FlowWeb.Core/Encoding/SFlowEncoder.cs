using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// The agent side of sFlow v5 (sflow_version_5.txt): datagrams of flow samples (compact or expanded) and counters
/// samples, as a switch sends them. It owns what an agent counts: the datagram sequence of its sub-agent and, per
/// data source, the sample sequence and the sample pool (packets seen; each sample stands for its sampling rate).
/// Datagram layout: see <see cref="Decoding.FlowDecoder"/>'s sFlow part. Not thread-safe: one encoder per agent.
/// </summary>
public sealed class SFlowEncoder
{
    /// <summary>What agents fit in one datagram (the common 1400-byte limit keeps clear of a 1500-byte MTU).</summary>
    public const int DefaultMaxDatagramBytes = 1400;

    private readonly Dictionary<(uint Type, uint Index), (uint Sequence, uint Pool)> _sources = [];

    public SFlowEncoder(FlowAddress agent, uint subAgent = 0)
    {
        Agent = agent;
        SubAgent = subAgent;
    }

    public FlowAddress Agent { get; }

    public uint SubAgent { get; }

    /// <summary>Sequence number of the next datagram.</summary>
    public uint DatagramSequence { get; set; } = 1;

    public uint UptimeMs { get; set; } = 60_000;

    /// <summary>Sequence number the next sample of a data source gets (the number after its last one).</summary>
    public uint NextSampleSequence(uint sourceIdType, uint sourceIndex) =>
        _sources.TryGetValue((sourceIdType, sourceIndex), out var s) ? s.Sequence + 1 : 1;

    /// <summary>Sets the sequence number of a data source's last sample (to make gaps in tests).</summary>
    public void SetSampleSequence(uint sourceIdType, uint sourceIndex, uint lastSequence)
    {
        var pool = _sources.TryGetValue((sourceIdType, sourceIndex), out var s) ? s.Pool : 0;
        _sources[(sourceIdType, sourceIndex)] = (lastSequence, pool);
    }

    /// <summary>Encodes one datagram with these samples (flow samples first) and advances the datagram sequence.</summary>
    public byte[] Encode(IReadOnlyList<SFlowSampleSpec> flows, IReadOnlyList<SFlowInterfaceCounters>? counters = null)
    {
        ArgumentNullException.ThrowIfNull(flows);
        var buffer = new byte[Measure(flows, counters)];
        var length = Encode(buffer, flows, counters);
        return length == buffer.Length ? buffer : buffer[..length];
    }

    /// <summary>Bytes <see cref="Encode(Span{byte}, IReadOnlyList{SFlowSampleSpec}, IReadOnlyList{SFlowInterfaceCounters}?)"/> will write.</summary>
    public int Measure(IReadOnlyList<SFlowSampleSpec> flows, IReadOnlyList<SFlowInterfaceCounters>? counters = null)
    {
        ArgumentNullException.ThrowIfNull(flows);
        var length = 4 + AddressLength(Agent) + 16;
        foreach (var f in flows)
        {
            length += 8 + SFlowSampleWriter.FlowSampleLength(f);
        }

        if (counters is not null)
        {
            foreach (var c in counters)
            {
                length += 8 + SFlowSampleWriter.CountersSampleLength + (c.Expanded ? 4 : 0);
            }
        }

        return length;
    }

    /// <summary>Encodes one datagram into <paramref name="destination"/>; returns its length.</summary>
    public int Encode(Span<byte> destination, IReadOnlyList<SFlowSampleSpec> flows, IReadOnlyList<SFlowInterfaceCounters>? counters = null)
    {
        ArgumentNullException.ThrowIfNull(flows);
        var w = new WireWriter(destination);
        w.WriteUInt32(5);
        SFlowSampleWriter.WriteAddress(ref w, Agent);
        w.WriteUInt32(SubAgent);
        w.WriteUInt32(DatagramSequence++);
        w.WriteUInt32(UptimeMs);
        w.WriteUInt32((uint)(flows.Count + (counters?.Count ?? 0)));
        foreach (var f in flows)
        {
            var key = (f.SourceIdType, f.SourceIdIndex);
            var (sequence, pool) = _sources.GetValueOrDefault(key);
            sequence++;
            pool += Math.Max(1, f.SamplingRate);
            _sources[key] = (sequence, pool);
            SFlowSampleWriter.WriteFlowSample(ref w, f, sequence, pool);
        }

        if (counters is not null)
        {
            foreach (var c in counters)
            {
                SFlowSampleWriter.WriteCountersSample(ref w, c);
            }
        }

        return w.Position;
    }

    internal static int AddressLength(FlowAddress address) => 4 + (address.IsIPv4 ? 4 : 16);
}

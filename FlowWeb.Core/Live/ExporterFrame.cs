using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Live;

/// <summary>
/// Everything pages, the API and <c>/metrics</c> know about one exporter: its decoder's counters copied at one
/// tick under the decoder's lock, so they agree with each other and never change under a reader. Decode errors in
/// the last minute come from comparing with the count about a minute before.
/// </summary>
public sealed record ExporterFrame(
    FlowAddress Address,
    int Version,
    long Datagrams,
    long Flows,
    long Octets,
    long Packets,
    int TemplatesKnown,
    int PendingSets,
    long PendingBytes,
    long RecordsDecodedFromPending,
    long DecodeErrors,
    IReadOnlyDictionary<DecodeStatus, long> ErrorsByReason,
    long ErrorsLastMinute,
    long LostFlowsEstimate,
    long Reordered,
    long SequenceResets,
    uint LastSamplingRate,
    long SamplingByteSwapped,
    long ImplausibleRecords,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<SFlowInterfaceReading>? SFlowInterfaces = null)
{
    /// <summary>The address's streams (local port, version, observation domain), in the order first heard.</summary>
    public IReadOnlyList<ExporterStream> Streams { get; init; } = [];

    /// <summary>Interface names the exporter announced in v9/IPFIX options data, by ifIndex (shared, immutable).</summary>
    public IReadOnlyDictionary<uint, LearnedInterface> Interfaces { get; init; } = System.Collections.Frozen.FrozenDictionary<uint, LearnedInterface>.Empty;

    /// <summary>
    /// Whether the decoder has proven the exporter (heard again after its probation, or named by a sensor): forged
    /// sources never are, so what outsiders can fill (alert events, saved rows) is only made for proven exporters.
    /// </summary>
    public bool Proven { get; init; }

    /// <summary>What the exporter's sFlow agents dropped or FlowWeb could not follow (refused by a cap, headers cut short, counters samples overtaken), summed over the agents.</summary>
    public SFlowDrops SFlowDrops { get; init; }

    /// <summary>A copy of the decoder's counters; call it under the lock the decoder is used under.</summary>
    internal static ExporterFrame Of(ExporterStatistics s, bool proven = false) => new(
        s.Address, s.Version, s.Datagrams, s.Flows, s.Octets, s.Packets, s.TemplatesKnown, s.PendingSets, s.PendingBytes,
        s.RecordsDecodedFromPending, s.DecodeErrors, s.ErrorsByReason(), 0, s.LostFlowsEstimate, s.Reordered, s.SequenceResets,
        s.LastSamplingRate, s.SamplingByteSwapped, s.ImplausibleRecords, s.FirstSeen, s.LastSeen, SFlowInterfacesOf(s.SFlow))
    {
        Streams = s.Streams.Copy(),
        Interfaces = s.InterfacesSnapshot(),
        Proven = proven,
        SFlowDrops = s.SFlow?.Drops() ?? default,
    };

    /// <summary>
    /// Each agent's interface readings (immutable arrays, rebuilt only when a counters sample arrived since the last
    /// tick); null for an exporter that is not an sFlow agent or sent no counters.
    /// </summary>
    private static IReadOnlyList<SFlowInterfaceReading>? SFlowInterfacesOf(SFlowExporter? sflow)
    {
        if (sflow is null)
        {
            return null;
        }

        var agents = sflow.Agents;
        if (agents.Count == 1)
        {
            return agents[0].Readings() is { Count: > 0 } only ? only : null;
        }

        List<SFlowInterfaceReading> all = [.. agents.SelectMany(a => a.Readings())];
        return all.Count == 0 ? null : all;
    }

    /// <summary>
    /// One exporter as seen by two decoders (a router that sends from several source ports may reach several receive
    /// threads): counters add up, the newer one's version, sampling and last-seen win.
    /// </summary>
    internal ExporterFrame Merge(ExporterFrame other)
    {
        var newer = other.LastSeen > LastSeen ? other : this;
        var errors = new Dictionary<DecodeStatus, long>(ErrorsByReason);
        foreach (var (reason, count) in other.ErrorsByReason)
        {
            errors[reason] = errors.GetValueOrDefault(reason) + count;
        }

        return new ExporterFrame(Address, newer.Version, Datagrams + other.Datagrams, Flows + other.Flows, Octets + other.Octets,
            Packets + other.Packets, Math.Max(TemplatesKnown, other.TemplatesKnown), PendingSets + other.PendingSets, PendingBytes + other.PendingBytes,
            RecordsDecodedFromPending + other.RecordsDecodedFromPending, DecodeErrors + other.DecodeErrors, errors, ErrorsLastMinute + other.ErrorsLastMinute,
            LostFlowsEstimate + other.LostFlowsEstimate, Reordered + other.Reordered, SequenceResets + other.SequenceResets, newer.LastSamplingRate,
            SamplingByteSwapped + other.SamplingByteSwapped, ImplausibleRecords + other.ImplausibleRecords,
            FirstSeen < other.FirstSeen ? FirstSeen : other.FirstSeen, newer.LastSeen,
            SFlowInterfaces is null ? other.SFlowInterfaces : other.SFlowInterfaces is null ? SFlowInterfaces : [.. SFlowInterfaces, .. other.SFlowInterfaces])
        {
            Proven = Proven || other.Proven,
            SFlowDrops = SFlowDrops + other.SFlowDrops,
            Streams = MergeStreams(Streams, other.Streams),
            Interfaces = newer.Interfaces.Count > 0 ? newer.Interfaces : Interfaces.Count > 0 ? Interfaces : other.Interfaces,
        };
    }

    private static ExporterStream[] MergeStreams(IReadOnlyList<ExporterStream> mine, IReadOnlyList<ExporterStream> theirs)
    {
        var merged = new List<ExporterStream>(mine);
        foreach (var stream in theirs)
        {
            var i = merged.FindIndex(s => s.LocalPort == stream.LocalPort && s.Version == stream.Version && s.Domain == stream.Domain);
            if (i < 0)
            {
                merged.Add(stream);
            }
            else
            {
                merged[i] = merged[i].Add(stream);
            }
        }

        return [.. merged];
    }
}

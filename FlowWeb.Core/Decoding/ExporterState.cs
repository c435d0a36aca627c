using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding;

/// <summary>What the decoder remembers about one v9 source id / IPFIX observation domain of an exporter.</summary>
internal sealed class DomainState
{
    public const int MaxSamplers = 256;

    public DomainState(byte version, uint restartThreshold)
    {
        Version = version;
        Sequence = new SequenceTracker(restartThreshold);
    }

    public byte Version { get; }

    /// <summary>Lost flows: v9 sequences count packets, so their gaps are scaled by the mean records per packet.</summary>
    public long LostFlows => Version == 9 ? (long)Math.Round(Sequence.Lost * MeanRecordsPerPacket) : Sequence.Lost;

    public SequenceTracker Sequence { get; }

    public BootTimeEstimator Boot { get; } = new();

    /// <summary>systemInitTimeMilliseconds learned from an options record (0 = none).</summary>
    public long SystemInitMs { get; set; }

    /// <summary>Sampling rate announced for the whole domain by an options record without a sampler id (0 = none).</summary>
    public uint DomainSamplingRate { get; set; }

    /// <summary>Sampler id → rate, from options data (Cisco sampler tables); bounded by <see cref="MaxSamplers"/>.</summary>
    public Dictionary<ulong, uint> Samplers { get; } = [];

    /// <summary>Running mean of data records per packet, to turn v9 packet gaps into lost flows.</summary>
    public double MeanRecordsPerPacket { get; set; }
}

/// <summary>Everything the decoder remembers about one exporter address.</summary>
internal sealed class ExporterState
{
    public const int MaxDomains = 64;

    public ExporterState(ExporterStatistics stats) => Stats = stats;

    public ExporterStatistics Stats { get; }

    /// <summary>A fixed sampling rate that replaces whatever the packets say (0 = none).</summary>
    public uint SamplingOverride { get; set; }

    private readonly Dictionary<(byte Version, uint Domain), DomainState> _domains = [];

    /// <summary>The state of one domain, or null when the exporter already has <see cref="MaxDomains"/> of them.</summary>
    public DomainState? Domain(byte version, uint domain, uint restartThreshold)
    {
        if (_domains.TryGetValue((version, domain), out var state))
        {
            return state;
        }

        if (_domains.Count >= MaxDomains)
        {
            return null;
        }

        state = new DomainState(version, restartThreshold);
        _domains[(version, domain)] = state;
        return state;
    }

    public long Reordered()
    {
        long total = 0;
        foreach (var d in _domains.Values)
        {
            total += d.Sequence.Reordered;
        }

        return total;
    }

    public long Resets()
    {
        long total = 0;
        foreach (var d in _domains.Values)
        {
            total += d.Sequence.Resets;
        }

        return total;
    }

    public long LostFlows()
    {
        long total = 0;
        foreach (var d in _domains.Values)
        {
            total += d.LostFlows;
        }

        return total;
    }
}

/// <summary>The time context of a packet, kept with data that waits for its template.</summary>
internal readonly record struct PacketContext(byte Version, uint Domain, long ExportMs, uint SysUptimeMs, bool HasUptime, long ReceiveMs);

using FlowWeb.Core.Decoding.Templates;
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

    private volatile Dictionary<ulong, uint> _samplers = [];
    private volatile uint _domainSamplingRate;

    /// <summary>Sampling rate announced for the whole domain by an options record without a sampler id (0 = none).</summary>
    public uint DomainSamplingRate => _domainSamplingRate;

    /// <summary>
    /// Sampler id → rate, from options data (Cisco sampler tables); bounded by <see cref="MaxSamplers"/>. Copied on
    /// write (options data is rare) so that persistence can read it from another thread while the receive loop decodes.
    /// </summary>
    public IReadOnlyDictionary<ulong, uint> Samplers => _samplers;

    /// <summary>When options data last changed the sampling of this domain (null = never).</summary>
    public DateTimeOffset? SamplersLearnedAt { get; private set; }

    public void SetDomainSamplingRate(uint rate, DateTimeOffset now)
    {
        _domainSamplingRate = rate;
        SamplersLearnedAt = now;
    }

    /// <summary>Sets a sampler's rate; false when the table is full and the id is new.</summary>
    public bool SetSamplerRate(ulong samplerId, uint rate, DateTimeOffset now)
    {
        var current = _samplers;
        if (current.TryGetValue(samplerId, out var known))
        {
            SamplersLearnedAt = now;
            if (known != rate)
            {
                _samplers = new Dictionary<ulong, uint>(current) { [samplerId] = rate };
            }

            return true;
        }

        if (current.Count >= MaxSamplers)
        {
            return false;
        }

        _samplers = new Dictionary<ulong, uint>(current) { [samplerId] = rate };
        SamplersLearnedAt = now;
        return true;
    }

    /// <summary>Takes a table saved before a restart.</summary>
    public void Restore(SamplerTable table)
    {
        _domainSamplingRate = table.DomainRate;
        _samplers = table.Samplers.Take(MaxSamplers).ToDictionary(p => p.Key, p => p.Value);
        SamplersLearnedAt = table.LearnedAt;
    }

    /// <summary>Running mean of data records per packet, to turn v9 packet gaps into lost flows.</summary>
    public double MeanRecordsPerPacket { get; set; }
}

/// <summary>Everything the decoder remembers about one exporter address.</summary>
internal sealed class ExporterState
{
    public const int MaxDomains = 64;

    private readonly RestoredSamplers? _restored;

    public ExporterState(ExporterStatistics stats, RestoredSamplers? restored = null)
    {
        Stats = stats;
        _restored = restored;
        Node = new LinkedListNode<ExporterState>(this);
    }

    public ExporterStatistics Stats { get; }

    /// <summary>This exporter's place in its <see cref="ExporterTable"/> recency list.</summary>
    public LinkedListNode<ExporterState> Node { get; }

    /// <summary>Heard again after the probation time: a newcomer can no longer evict it (see <see cref="DecoderOptions.ExporterProtectAfter"/>).</summary>
    public bool Protected { get; set; }

    /// <summary>Templates whose held data could not all be released within one datagram's record limit; released by the next datagrams.</summary>
    public List<TemplateKey>? ReadyPending { get; set; }

    /// <summary>The sFlow agents this exporter sends for (null until it sends sFlow).</summary>
    public SFlow.SFlowExporter? SFlow
    {
        get => Stats.SFlow;
        set => Stats.SFlow = value;
    }

    /// <summary>A fixed sampling rate that replaces whatever the packets say (0 = none).</summary>
    public uint SamplingOverride { get; set; }

    private readonly Dictionary<(byte Version, uint Domain), DomainState> _domains = [];

    // Guards additions to _domains against SamplerTables() on another thread; the receive loop, the only writer, reads without it.
    private readonly Lock _domainsSync = new();

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
        if (_restored?.Claim(Stats.Address, version, domain) is { } table)
        {
            state.Restore(table);
        }

        lock (_domainsSync)
        {
            _domains[(version, domain)] = state;
        }

        return state;
    }

    /// <summary>The sampling learned from options data, per domain that has any; safe from any thread.</summary>
    public void SamplerTables(List<SamplerTable> into)
    {
        lock (_domainsSync)
        {
            foreach (var ((version, domain), state) in _domains)
            {
                if (state.SamplersLearnedAt is { } learned && (state.DomainSamplingRate != 0 || state.Samplers.Count > 0))
                {
                    into.Add(new SamplerTable(Stats.Address, version, domain, state.DomainSamplingRate, state.Samplers, learned));
                }
            }
        }
    }

    public long Reordered()
    {
        long total = 0;
        foreach (var d in _domains.Values)
        {
            total += d.Sequence.Reordered;
        }

        return total + (SFlow?.Late() ?? 0);
    }

    public long Resets()
    {
        long total = 0;
        foreach (var d in _domains.Values)
        {
            total += d.Sequence.Resets;
        }

        return total + (SFlow?.Restarts() ?? 0);
    }

    public long LostFlows()
    {
        long total = 0;
        foreach (var d in _domains.Values)
        {
            total += d.LostFlows;
        }

        return total + (SFlow?.LostSamples() ?? 0);
    }
}

/// <summary>
/// The time context of a packet, kept with data that waits for its template, and the domain-wide sampling rate known
/// when held data arrived (0 = none known then: it is scaled with the rate known when it is decoded).
/// </summary>
internal readonly record struct PacketContext(byte Version, uint Domain, long ExportMs, uint SysUptimeMs, bool HasUptime, long ReceiveMs, uint DomainRateAtArrival = 0);

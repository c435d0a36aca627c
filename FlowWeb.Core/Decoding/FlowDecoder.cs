using System.Buffers.Binary;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding;

/// <summary>
/// Decodes NetFlow v1, v5, v9, IPFIX and sFlow v5 datagrams into <see cref="FlowRecord"/>s, keeping what the protocols
/// need between packets: templates, data waiting for its template, sequence numbers, sampler tables and
/// exporter clocks. Never throws on network input: every problem becomes a <see cref="DecodeStatus"/>,
/// counted per exporter and reason. Not thread-safe: one decoder per receive loop (the template cache
/// alone may be read from other threads, for persistence).
/// </summary>
public sealed partial class FlowDecoder
{
    private readonly Dictionary<FlowAddress, ExporterState> _exporters = [];
    private readonly Lock _exportersSync = new();
    private readonly PendingDataStore _pending;
    private readonly RestoredSamplers _restoredSamplers = new();
    private readonly TimeProvider _time;
    private long _lastHousekeepingMs;

    public FlowDecoder(DecoderOptions? options = null, TimeProvider? time = null)
    {
        Options = options ?? new DecoderOptions();
        _time = time ?? TimeProvider.System;
        Templates = new TemplateCache(Options, _time);
        _pending = new PendingDataStore(Options);
    }

    public DecoderOptions Options { get; }

    public TemplateCache Templates { get; }

    /// <summary>Datagrams refused because the exporter table was full.</summary>
    public long ExportersRefused { get; private set; }

    /// <summary>Data sets currently held for a template, over all exporters.</summary>
    public int PendingSets => _pending.SetCount;

    /// <summary>Statistics of every exporter seen, in no particular order.</summary>
    public IReadOnlyList<ExporterStatistics> Exporters
    {
        get
        {
            lock (_exportersSync)
            {
                return [.. _exporters.Values.Select(e => e.Stats)];
            }
        }
    }

    public ExporterStatistics? StatisticsOf(FlowAddress exporter)
    {
        lock (_exportersSync)
        {
            return _exporters.TryGetValue(exporter, out var e) ? e.Stats : null;
        }
    }

    /// <summary>
    /// The sampler tables learned from options data, with those restored at start that no exporter has claimed yet,
    /// for persistence across restarts. Safe to call while another thread decodes.
    /// </summary>
    public IReadOnlyList<SamplerTable> SamplerTables()
    {
        var tables = new List<SamplerTable>();
        lock (_exportersSync)
        {
            foreach (var e in _exporters.Values)
            {
                e.SamplerTables(tables);
            }
        }

        _restoredSamplers.CopyTo(tables);
        return tables;
    }

    /// <summary>
    /// Loads sampler tables saved before a restart; a domain takes its table when its exporter sends again. Tables older
    /// than <see cref="DecoderOptions.TemplateLifetime"/> are skipped, as their templates would be. Returns how many were loaded.
    /// </summary>
    public int RestoreSamplerTables(IEnumerable<SamplerTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var now = _time.GetUtcNow();
        var loaded = 0;
        foreach (var table in tables)
        {
            if (now - table.LearnedAt <= Options.TemplateLifetime && _restoredSamplers.Add(table, Options.MaxTemplates))
            {
                loaded++;
            }
        }

        return loaded;
    }

    /// <summary>Fixes an exporter's sampling rate, replacing what its packets say (RouterOS 6 sends it byte-swapped); 0 clears.</summary>
    public void SetSamplingOverride(FlowAddress exporter, uint rate)
    {
        var state = StateOf(exporter, _time.GetUtcNow());
        if (state is not null)
        {
            state.SamplingOverride = rate;
        }
    }

    /// <summary>
    /// Decodes one datagram from <paramref name="exporter"/> and appends its records to <paramref name="batch"/>
    /// (which is not cleared). Records held earlier for a template that this datagram brings are appended too.
    /// </summary>
    public DecodeResult Decode(FlowAddress exporter, ReadOnlySpan<byte> datagram, FlowBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var now = _time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        Housekeeping(nowMs);

        var state = StateOf(exporter, now);
        if (state is null)
        {
            ExportersRefused++;
            return new DecodeResult(DecodeStatus.ExporterLimit, 0, 0);
        }

        var stats = state.Stats;
        stats.Datagrams++;
        stats.LastSeen = now;
        batch.Exporter = exporter;
        var first = batch.Count;

        DecodeResult result;
        if (datagram.Length < 2)
        {
            result = new DecodeResult(DecodeStatus.TooShort, 0, 0);
        }
        else if (IsSFlow(datagram))
        {
            result = DecodeSFlow(state, exporter, datagram, batch, now);
        }
        else
        {
            var version = BinaryPrimitives.ReadUInt16BigEndian(datagram);
            result = version switch
            {
                1 or 5 => DecodeV1V5(state, datagram, (byte)version, batch),
                9 => DecodeV9(state, exporter, datagram, batch, nowMs),
                10 => DecodeIpfix(state, exporter, datagram, batch, nowMs),
                _ => new DecodeResult(DecodeStatus.UnsupportedVersion, 0, 0),
            };
        }

        if (result.Version != 0)
        {
            stats.Version = result.Version;
        }

        stats.CountError(result.Status);
        Account(state, batch, first);
        return result;
    }

    private DecodeResult DecodeV1V5(ExporterState state, ReadOnlySpan<byte> datagram, byte version, FlowBatch batch)
    {
        var status = NetFlowV5Decoder.CheckLayout(datagram, version, out var count, out var trailing);
        if (status != DecodeStatus.Ok)
        {
            return new DecodeResult(status, version, 0);
        }

        var rate = version == 5 ? NetFlowV5Decoder.SamplingRate(datagram) : 1;
        if (state.SamplingOverride != 0)
        {
            rate = state.SamplingOverride;
        }

        if (version == 5)
        {
            var domain = state.Domain(5, NetFlowV5Decoder.EngineDomain(datagram), Options.SequenceRestartThreshold);
            if (domain is not null)
            {
                domain.Sequence.Observe(NetFlowV5Decoder.Sequence(datagram), (uint)count, NetFlowV5Decoder.ExportMs(datagram));
            }
        }

        var first = batch.Count;
        NetFlowV5Decoder.DecodeRecords(datagram, version, count, rate, batch);
        for (var i = first; i < batch.Count; i++)
        {
            CheckPlausible(ref batch[i]);
        }

        return new DecodeResult(trailing ? DecodeStatus.TrailingBytes : DecodeStatus.Ok, version, count);
    }

    private ExporterState? StateOf(FlowAddress exporter, DateTimeOffset now)
    {
        lock (_exportersSync)
        {
            if (_exporters.TryGetValue(exporter, out var state))
            {
                return state;
            }

            if (_exporters.Count >= Options.MaxExporters)
            {
                return null;
            }

            state = new ExporterState(new ExporterStatistics(exporter, now), _restoredSamplers);
            _exporters[exporter] = state;
            return state;
        }
    }

    /// <summary>Adds the records appended since <paramref name="first"/> to the exporter's counters.</summary>
    private void Account(ExporterState state, FlowBatch batch, int first)
    {
        var stats = state.Stats;
        var records = batch.Records;
        for (var i = first; i < records.Length; i++)
        {
            ref readonly var r = ref records[i];
            if (r.IsOptions)
            {
                continue;
            }

            stats.Flows++;
            stats.Octets += (long)r.Bytes;
            stats.Packets += (long)r.Packets;
            stats.LastSamplingRate = r.SamplingRate;
            if ((r.Flags & FlowRecordFlags.Implausible) != 0)
            {
                stats.ImplausibleRecords++;
            }

            if ((r.Flags & FlowRecordFlags.SamplingByteSwapped) != 0)
            {
                stats.SamplingByteSwapped++;
            }
        }

        stats.LostFlowsEstimate = state.LostFlows();
        stats.Reordered = state.Reordered();
        stats.SequenceResets = state.Resets();
        stats.TemplatesKnown = Templates.CountFor(state.Stats.Address);
        (stats.PendingSets, stats.PendingBytes) = _pending.For(state.Stats.Address);
    }

    /// <summary>Expires held data and stale templates; runs at most once a second, from the receive loop.</summary>
    private void Housekeeping(long nowMs)
    {
        if (nowMs - _lastHousekeepingMs < 1000)
        {
            return;
        }

        _lastHousekeepingMs = nowMs;
        Templates.Sweep();
        _pending.Expire(nowMs, (key, set) =>
        {
            StatsOrNull(key.Exporter)?.CountError(DecodeStatus.PendingExpired);
            PendingDataStore.Return(set);
        });
        lock (_exportersSync)
        {
            foreach (var e in _exporters.Values)
            {
                (e.Stats.PendingSets, e.Stats.PendingBytes) = _pending.For(e.Stats.Address);
                e.Stats.TemplatesKnown = Templates.CountFor(e.Stats.Address);
            }
        }
    }

    private ExporterStatistics? StatsOrNull(FlowAddress exporter)
    {
        lock (_exportersSync)
        {
            return _exporters.TryGetValue(exporter, out var e) ? e.Stats : null;
        }
    }
}

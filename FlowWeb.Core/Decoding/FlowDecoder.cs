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
    private readonly ExporterTable _table;
    private readonly PendingDataStore _pending;
    private readonly RestoredSamplers _restoredSamplers = new();
    private readonly TimeProvider _time;
    private long _lastHousekeepingMs;

    // Records this datagram may still deliver: its own, and released from the hold (separate, so that held data never
    // crowds out a datagram's own records). Set at the start of each Decode.
    private int _ownBudget;
    private int _releaseBudget;

    /// <param name="options">The caps; ignored when <paramref name="limits"/> is given (its options apply).</param>
    /// <param name="time">The clock (tests pass a fake one).</param>
    /// <param name="limits">Shared with the other decoders of the process: the totals hold for all of them together.</param>
    public FlowDecoder(DecoderOptions? options = null, TimeProvider? time = null, DecoderLimits? limits = null)
    {
        Limits = limits ?? new DecoderLimits(options);
        Options = Limits.Options;
        _time = time ?? TimeProvider.System;
        Templates = new TemplateCache(Limits, _time);
        _pending = new PendingDataStore(Limits);
        _table = new ExporterTable(Limits);
    }

    public DecoderOptions Options { get; }

    /// <summary>The budgets, allow list and refusal counters this decoder shares with the other decoders of the process.</summary>
    public DecoderLimits Limits { get; }

    public TemplateCache Templates { get; }

    /// <summary>Datagrams refused because the exporter table was full of protected exporters (over all decoders sharing <see cref="Limits"/>).</summary>
    public long ExportersRefused => Limits.DatagramsTableFull;

    /// <summary>Data sets currently held for a template by this decoder.</summary>
    public int PendingSets => _pending.SetCount;

    /// <summary>Exporters in this decoder's table.</summary>
    public int ExporterCount => _table.Count;

    /// <summary>Statistics of every exporter seen, in no particular order.</summary>
    public IReadOnlyList<ExporterStatistics> Exporters
    {
        get
        {
            var result = new List<ExporterStatistics>();
            _table.ForEach(e => result.Add(e.Stats));
            return result;
        }
    }

    public ExporterStatistics? StatisticsOf(FlowAddress exporter) => _table.Find(exporter)?.Stats;

    /// <summary>Whether an exporter has proven itself (heard again after the probation time): only such exporters' state is persisted.</summary>
    public bool IsProtected(FlowAddress exporter) => _table.IsProtected(exporter);

    /// <summary>
    /// The templates worth keeping across a restart: those of protected exporters, and those restored at start whose
    /// exporter has not sent again yet. An unproven exporter's templates (a forged source's) are never written.
    /// </summary>
    public IReadOnlyList<TemplateEntry> PersistableTemplates() =>
        Templates.Snapshot(address => _table.Find(address) is not { } state || state.Protected);

    /// <summary>
    /// The sampler tables learned from options data of protected exporters, with those restored at start that no
    /// exporter has claimed yet, for persistence across restarts. Safe to call while another thread decodes.
    /// </summary>
    public IReadOnlyList<SamplerTable> SamplerTables()
    {
        var tables = new List<SamplerTable>();
        _table.ForEach(e =>
        {
            if (e.Protected)
            {
                e.SamplerTables(tables);
            }
        });
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
        // Configuration, not the network, names this exporter: it may enter the table protected.
        var state = _table.Find(exporter) ?? _table.Admit(exporter, () => NewState(exporter, _time.GetUtcNow()), Evict, startProtected: true);
        if (state is not null)
        {
            state.SamplingOverride = rate;
        }
    }

    /// <summary>
    /// Decodes one datagram from <paramref name="exporter"/> and appends its records to <paramref name="batch"/>
    /// (which is not cleared). Records held earlier for a template that this datagram brings are appended too, at most
    /// <see cref="DecoderOptions.MaxRecordsPerDatagram"/> of them (the rest follow with the exporter's next datagrams).
    /// The exporter table is touched only once the datagram passed its header checks and the sender is allowed.
    /// </summary>
    public DecodeResult Decode(FlowAddress exporter, ReadOnlySpan<byte> datagram, FlowBatch batch) => Decode(exporter, datagram, batch, 0);

    /// <summary>As above, for a datagram heard on <paramref name="localPort"/> (booked on the exporter's stream of that port, version and domain).</summary>
    public DecodeResult Decode(FlowAddress exporter, ReadOnlySpan<byte> datagram, FlowBatch batch, int localPort)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var now = _time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        Housekeeping(nowMs, now);

        var version = datagram.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(datagram) : 0;
        var header = CheckHeader(datagram, version);
        var state = _table.Find(exporter);
        var knownVersion = (byte)(version is 1 or 5 or 9 or 10 ? version : IsSFlow(datagram) ? SFlow.SFlowDatagram.Version : 0);
        if (header is not (DecodeStatus.Ok or DecodeStatus.TrailingBytes))
        {
            // A malformed datagram makes no table entry: counted for its exporter when known, else in the shared counters.
            if (state is null)
            {
                Limits.CountUnattributed(header);
            }
            else
            {
                state.Stats.Datagrams++;
                state.Stats.CountError(header);
            }

            return new DecodeResult(header, knownVersion, 0);
        }

        if (state is null)
        {
            if (!Limits.Allowed.Allows(exporter))
            {
                Limits.Refuse(exporter, ExporterRefusalReason.NotAllowed, now);
                return new DecodeResult(DecodeStatus.ExporterNotAllowed, knownVersion, 0);
            }

            // Templates already known for a sender not in the table were restored from the store: it was proven before.
            state = Admit(exporter, now);
            if (state is null)
            {
                Limits.Refuse(exporter, ExporterRefusalReason.TableFull, now);
                return new DecodeResult(DecodeStatus.ExporterLimit, knownVersion, 0);
            }
        }

        var stats = state.Stats;
        stats.Datagrams++;
        stats.LastSeen = now;
        _table.Heard(state, now);
        batch.Exporter = exporter;
        var first = batch.Count;
        _ownBudget = Options.MaxRecordsPerDatagram;
        _releaseBudget = Options.MaxRecordsPerDatagram;

        var result = version switch
        {
            1 or 5 => DecodeV1V5(state, datagram, (byte)version, batch),
            9 => DecodeV9(state, exporter, datagram, batch, nowMs),
            10 => DecodeIpfix(state, exporter, datagram, batch, nowMs),
            _ => DecodeSFlow(state, exporter, datagram, batch, now), // version 0: the high half of sFlow's 32-bit version 5 (CheckHeader)
        };

        if (result.Version != 0)
        {
            stats.Version = result.Version;
        }

        stats.CountError(result.Status);
        var flows = Account(state, batch, first);
        stats.Streams.Book(localPort, knownVersion, datagram, flows, result.Status != DecodeStatus.Ok, now);
        return result;
    }

    /// <summary>The checks a datagram must pass before its sender may enter the exporter table.</summary>
    /// <summary>sFlow v5 header with an IPv4 agent: version, address type, address, sub-agent, sequence, uptime, sample count.</summary>
    private const int SFlowMinHeaderLength = 28;

    private static DecodeStatus CheckHeader(ReadOnlySpan<byte> datagram, int version)
    {
        if (datagram.Length < 2)
        {
            return DecodeStatus.TooShort;
        }

        switch (version)
        {
            case 1 or 5:
                return NetFlowV5Decoder.CheckLayout(datagram, (byte)version, out _, out var trailing) is var status && status == DecodeStatus.Ok && trailing
                    ? DecodeStatus.TrailingBytes
                    : status;
            case 9:
                return datagram.Length < V9HeaderLength ? DecodeStatus.TooShort : DecodeStatus.Ok;
            case 0:
                // sFlow: a 32-bit version 5, then the agent address type, its address, sub-agent, sequence, uptime, samples.
                if (datagram.Length < 4 || BinaryPrimitives.ReadUInt32BigEndian(datagram) != 5)
                {
                    return DecodeStatus.UnsupportedVersion;
                }

                return datagram.Length < SFlowMinHeaderLength ? DecodeStatus.TooShort : DecodeStatus.Ok;
            case 10:
                if (datagram.Length < IpfixHeaderLength)
                {
                    return DecodeStatus.TooShort;
                }

                var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
                return length < IpfixHeaderLength || length > datagram.Length ? DecodeStatus.LengthMismatch : DecodeStatus.Ok;
            default:
                return DecodeStatus.UnsupportedVersion;
        }
    }

    // Its own method: a lambda capturing Decode's parameters would make Decode allocate their closure on every datagram.
    private ExporterState? Admit(FlowAddress exporter, DateTimeOffset now) =>
        _table.Admit(exporter, () => NewState(exporter, now), Evict, startProtected: Templates.CountFor(exporter) > 0);

    private ExporterState NewState(FlowAddress exporter, DateTimeOffset now) => new(new ExporterStatistics(exporter, now), _restoredSamplers);

    /// <summary>Drops what an evicted or expired exporter held: its templates and its held data.</summary>
    private void Evict(ExporterState victim)
    {
        var address = victim.Stats.Address;
        Limits.CountTemplatesEvicted(Templates.RemoveExporter(address));
        _pending.RemoveExporter(address);
        victim.ReadyPending = null;
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

    /// <summary>Adds the records appended since <paramref name="first"/> to the exporter's counters.</summary>
    private long Account(ExporterState state, FlowBatch batch, int first)
    {
        var stats = state.Stats;
        var flowsBefore = stats.Flows;
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
        return stats.Flows - flowsBefore;
    }

    /// <summary>Expires held data, stale templates and silent exporters; runs at most once a second, from the receive loop.</summary>
    private void Housekeeping(long nowMs, DateTimeOffset now)
    {
        if (nowMs - _lastHousekeepingMs < 1000)
        {
            return;
        }

        _lastHousekeepingMs = nowMs;
        Templates.Sweep();
        _pending.Expire(nowMs, (key, set) =>
        {
            _table.Find(key.Exporter)?.Stats.CountError(DecodeStatus.PendingExpired);
            PendingDataStore.Return(set);
        });
        _table.Expire(now, Evict);
        _table.ForEach(e =>
        {
            (e.Stats.PendingSets, e.Stats.PendingBytes) = _pending.For(e.Stats.Address);
            e.Stats.TemplatesKnown = Templates.CountFor(e.Stats.Address);
        });
    }
}

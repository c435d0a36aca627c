using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding;

/// <summary>Data sets of v9 and IPFIX: records by template, the hold for data without a template, and the records' final touches.</summary>
public sealed partial class FlowDecoder
{
    private struct DataTally
    {
        public int Records;
        public int Options;
        public int Held;
    }

    /// <summary>
    /// The data of one v9/IPFIX datagram, after its templates: what its options data announces (sampling, boot time)
    /// is applied first, so that it holds for every record of the datagram wherever the options record sits; then the
    /// data held for templates this datagram brought (scaled with that sampling too); then every data set in packet
    /// order (options records again, now into the batch), held when its template is unknown.
    /// </summary>
    private (DataTally Own, DataTally Released) DecodeDataSets(ExporterState state, DomainState domain, FlowAddress exporter, uint domainId,
        ReadOnlySpan<byte> body, in PacketContext context, LearnList learned, FlowBatch batch, long nowMs, ref DecodeStatus status)
    {
        var tally = new DataTally();
        var pos = 0;
        while (NextSet(body, ref pos, out var id, out var content) == SetStep.Set)
        {
            if (id >= 256 && Templates.TryGet(new TemplateKey(exporter, context.Version, domainId, id), out var template) && template.IsOptions)
            {
                ApplyOptionsSet(state, domain, template, content);
            }
        }

        var released = ReleasePending(state, learned, batch);
        pos = 0;
        while (NextSet(body, ref pos, out var id, out var content) == SetStep.Set)
        {
            if (id < 256)
            {
                continue;
            }

            var key = new TemplateKey(exporter, context.Version, domainId, id);
            if (Templates.TryGet(key, out var template))
            {
                Keep(ref status, DecodeDataSet(state, domain, template, content, context, batch, false, ref tally));
            }
            else
            {
                Hold(state, domain, key, content, context, nowMs, ref tally, ref status);
            }
        }

        return (tally, released);
    }

    /// <summary>Applies the options records of one set to the domain (and an interface table to the exporter) without adding them to the batch.</summary>
    private void ApplyOptionsSet(ExporterState state, DomainState domain, FlowTemplate template, ReadOnlySpan<byte> content)
    {
        if (template.MinRecordLength == 0)
        {
            return;
        }

        if (InterfaceOptions.Describes(template))
        {
            state.Stats.LearnInterfaces(template, content);
        }

        var program = template.Program;
        var scratch = default(FlowRecord);
        var pos = 0;
        while (content.Length - pos >= template.MinRecordLength)
        {
            var extras = default(RecordExtras);
            int length;
            if (program.IsFixed)
            {
                length = template.FixedLength;
                program.DecodeFixed(content.Slice(pos, length), ref scratch, ref extras);
            }
            else if ((length = program.DecodeVariable(content[pos..], ref scratch, ref extras)) < 0)
            {
                return;
            }

            pos += length;
            ApplyOptions(domain, ref extras);
        }
    }

    private void Hold(ExporterState state, DomainState domain, in TemplateKey key, ReadOnlySpan<byte> content, in PacketContext context,
        long nowMs, ref DataTally tally, ref DecodeStatus status)
    {
        Keep(ref status, DecodeStatus.TemplateMissing);
        tally.Held++;
        var (held, evicted) = _pending.Hold(key, content, context with { DomainRateAtArrival = domain.DomainSamplingRate }, nowMs);
        state.Stats.CountError(DecodeStatus.PendingOverflow, evicted + (held ? 0 : 1));
        (state.Stats.PendingSets, state.Stats.PendingBytes) = _pending.For(state.Stats.Address);
    }

    /// <summary>
    /// Decodes the data held for templates learned in this datagram (and what earlier datagrams could not release),
    /// each set with the time context of the packet it came in, within the datagram's release budget: a set whose
    /// records might not fit waits for the exporter's next datagram, so held data costs each datagram a bounded amount.
    /// </summary>
    private DataTally ReleasePending(ExporterState state, LearnList learned, FlowBatch batch)
    {
        var tally = new DataTally();
        if ((learned.Count == 0 && state.ReadyPending is null) || _pending.SetCount == 0)
        {
            state.ReadyPending = null;
            return tally;
        }

        List<TemplateKey>? waiting = null;
        foreach (var key in (IEnumerable<TemplateKey>?)state.ReadyPending ?? [])
        {
            ReleaseKey(state, key, batch, ref tally, ref waiting);
        }

        foreach (var key in (IEnumerable<TemplateKey>?)learned.Keys ?? [])
        {
            if (waiting?.Contains(key) != true)
            {
                ReleaseKey(state, key, batch, ref tally, ref waiting);
            }
        }

        state.ReadyPending = waiting;
        state.Stats.RecordsDecodedFromPending += tally.Records;
        (state.Stats.PendingSets, state.Stats.PendingBytes) = _pending.For(state.Stats.Address);
        return tally;
    }

    private void ReleaseKey(ExporterState state, TemplateKey key, FlowBatch batch, ref DataTally tally, ref List<TemplateKey>? waiting)
    {
        if (!_pending.Has(key) || !Templates.TryGet(key, out var template))
        {
            return;
        }

        var domain = state.Domain(key.Version, key.Domain, Options.SequenceRestartThreshold);
        while (_pending.TryPeekLength(key, out var length))
        {
            // The most records the set can hold; one larger than a whole budget is decoded alone and cut at the budget.
            var most = template.MinRecordLength == 0 ? 0 : length / template.MinRecordLength;
            if (most > _releaseBudget && _releaseBudget < Options.MaxRecordsPerDatagram)
            {
                (waiting ??= []).Add(key);
                Limits.CountReleaseDeferred();
                return;
            }

            _pending.TryDequeue(key, out var set);
            if (domain is not null)
            {
                state.Stats.CountError(DecodeDataSet(state, domain, template, set.Data, set.Context, batch, true, ref tally));
            }

            PendingDataStore.Return(set);
        }
    }

    private DecodeStatus DecodeDataSet(ExporterState state, DomainState domain, FlowTemplate template, ReadOnlySpan<byte> content,
        in PacketContext context, FlowBatch batch, bool fromPending, ref DataTally tally)
    {
        if (template.MinRecordLength == 0)
        {
            return DecodeStatus.EmptyTemplate;
        }

        var program = template.Program;
        var templateIndex = batch.IndexOf(template);
        var arenaBase = batch.CopyToArena(content);
        var first = batch.Count;
        var needsBootEstimate = false;
        uint maxEndUptime = 0;
        var status = DecodeStatus.Ok;
        var pos = 0;

        // Stop when less than one record remains: the rest is padding, zero or not (RouterOS pads with garbage).
        ref var budget = ref fromPending ? ref _releaseBudget : ref _ownBudget;
        while (content.Length - pos >= template.MinRecordLength)
        {
            if (budget <= 0)
            {
                // At most this many records were left (fewer if variable-length fields are longer than one byte).
                var dropped = (content.Length - pos) / template.MinRecordLength;
                Limits.CountRecordsOverLimit(dropped);
                status = DecodeStatus.RecordLimit;
                break;
            }

            budget--;
            ref var r = ref batch.Add();
            r.Direction = FlowRecord.DirectionUnknown;
            var extras = default(RecordExtras);
            int length;
            if (program.IsFixed)
            {
                length = template.FixedLength;
                program.DecodeFixed(content.Slice(pos, length), ref r, ref extras);
            }
            else
            {
                length = program.DecodeVariable(content[pos..], ref r, ref extras);
                if (length < 0)
                {
                    batch.RemoveLast();
                    status = DecodeStatus.BadVariableLength;
                    break;
                }
            }

            r.RawOffset = arenaBase + pos;
            r.RawLength = length;
            r.TemplateIndex = templateIndex;
            pos += length;

            if (template.IsOptions)
            {
                ApplyOptions(domain, ref extras);
                tally.Options++;
                r.Flags |= FlowRecordFlags.Options;
                Finish(ref r, ref extras, template, context, domain, state);
                if (!batch.IncludeOptions)
                {
                    batch.RemoveLast();
                }

                continue;
            }

            Finish(ref r, ref extras, template, context, domain, state);
            if (fromPending)
            {
                r.Flags |= FlowRecordFlags.WasPending;
            }

            if (r.TimeSource == FlowTimeSource.EstimatedBootTime)
            {
                needsBootEstimate = true;
                maxEndUptime = Math.Max(maxEndUptime, (uint)r.EndMs);
            }

            tally.Records++;
        }

        if (needsBootEstimate)
        {
            domain.Boot.Observe(context.ExportMs, maxEndUptime);
            var boot = domain.Boot.EstimateMs;
            var records = batch.Records;
            for (var i = first; i < batch.Count; i++)
            {
                if (records[i].TimeSource == FlowTimeSource.EstimatedBootTime)
                {
                    ref var r = ref batch[i];
                    r.StartMs += boot;
                    r.EndMs += boot;
                    CheckPlausible(ref r);
                }
            }
        }

        return status;
    }

    /// <summary>Counters, times, sampling and plausibility: what needs the packet's context and the domain's state.</summary>
    private void Finish(ref FlowRecord r, ref RecordExtras x, FlowTemplate template, in PacketContext context, DomainState domain, ExporterState state)
    {
        r.Version = context.Version;
        r.ObservationDomain = context.Domain;
        r.TemplateId = template.Id;
        var present = x.Present;

        // Absent delta counters, or delta counters sent as zero beside non-zero egress ones (egress-only exporters
        // send IN_BYTES 0 next to OUT_BYTES 32, protocols.md §4.12), take the total or egress counters instead.
        if (r.Bytes == 0)
        {
            if ((present & RecordExtras.HasTotalBytes) != 0 && x.TotalBytes != 0)
            {
                r.Bytes = x.TotalBytes;
            }
            else if ((present & RecordExtras.HasPostBytes) != 0 && x.PostBytes != 0)
            {
                r.Bytes = x.PostBytes;
                r.Flags |= FlowRecordFlags.EgressCounters;
            }
        }

        if (r.Packets == 0)
        {
            if ((present & RecordExtras.HasTotalPackets) != 0 && x.TotalPackets != 0)
            {
                r.Packets = x.TotalPackets;
            }
            else if ((present & RecordExtras.HasPostPackets) != 0 && x.PostPackets != 0)
            {
                r.Packets = x.PostPackets;
                r.Flags |= FlowRecordFlags.EgressCounters;
            }
        }

        ResolveTimes(ref r, ref x, context, domain);
        r.SamplingRate = ResolveSamplingRate(ref r, ref x, domain, state, context.DomainRateAtArrival);
        if (r.TimeSource != FlowTimeSource.EstimatedBootTime)
        {
            CheckPlausible(ref r);
        }
    }

    private static void ResolveTimes(ref FlowRecord r, ref RecordExtras x, in PacketContext context, DomainState domain)
    {
        var present = x.Present;
        if ((present & (RecordExtras.HasStartAbs | RecordExtras.HasEndAbs)) != 0)
        {
            r.StartMs = (present & RecordExtras.HasStartAbs) != 0 ? x.StartAbsMs : x.EndAbsMs;
            r.EndMs = (present & RecordExtras.HasEndAbs) != 0 ? x.EndAbsMs : x.StartAbsMs;
            r.TimeSource = FlowTimeSource.AbsoluteElements;
            return;
        }

        if ((present & (RecordExtras.HasStartDelta | RecordExtras.HasEndDelta)) != 0)
        {
            var start = (present & RecordExtras.HasStartDelta) != 0 ? x.StartDeltaMicros : x.EndDeltaMicros;
            var end = (present & RecordExtras.HasEndDelta) != 0 ? x.EndDeltaMicros : x.StartDeltaMicros;
            r.StartMs = context.ExportMs - (long)(start / 1000);
            r.EndMs = context.ExportMs - (long)(end / 1000);
            r.TimeSource = FlowTimeSource.AbsoluteElements;
            return;
        }

        if ((present & (RecordExtras.HasStartUptime | RecordExtras.HasEndUptime)) == 0)
        {
            r.StartMs = r.EndMs = context.ExportMs;
            r.TimeSource = FlowTimeSource.ExportTime;
            return;
        }

        var startUp = (present & RecordExtras.HasStartUptime) != 0 ? x.StartUptime : x.EndUptime;
        var endUp = (present & RecordExtras.HasEndUptime) != 0 ? x.EndUptime : x.StartUptime;
        if ((present & RecordExtras.HasSystemInit) != 0)
        {
            r.StartMs = Anchor(x.SystemInitMs, startUp, context.ExportMs);
            r.EndMs = Anchor(x.SystemInitMs, endUp, context.ExportMs);
            r.TimeSource = FlowTimeSource.SystemInitInRecord;
        }
        else if (context.HasUptime)
        {
            r.StartMs = NetFlowV5Decoder.UptimeToUnixMs(context.ExportMs, context.SysUptimeMs, startUp);
            r.EndMs = NetFlowV5Decoder.UptimeToUnixMs(context.ExportMs, context.SysUptimeMs, endUp);
            r.TimeSource = FlowTimeSource.HeaderUptime;
        }
        else if (domain.SystemInitMs != 0)
        {
            r.StartMs = Anchor(domain.SystemInitMs, startUp, context.ExportMs);
            r.EndMs = Anchor(domain.SystemInitMs, endUp, context.ExportMs);
            r.TimeSource = FlowTimeSource.SystemInitFromOptions;
        }
        else
        {
            // Raw uptimes for now; DecodeDataSet adds the boot-time estimate once it has seen the whole set.
            r.StartMs = startUp;
            r.EndMs = endUp;
            r.TimeSource = FlowTimeSource.EstimatedBootTime;
        }
    }

    /// <summary>
    /// Boot time plus a 32-bit uptime, which wraps every 49.7 days: the wrap count is the one that puts the time
    /// nearest the export time, as long as that is within a few wraps (an exporter with a wild clock is left alone).
    /// </summary>
    private static long Anchor(long systemInitMs, uint uptimeMs, long exportMs)
    {
        const long Wrap = 1L << 32;
        var time = systemInitMs + uptimeMs;
        var wraps = (long)Math.Round((double)(exportMs - time) / Wrap);
        return wraps is >= -3 and <= 3 ? time + (wraps * Wrap) : time;
    }

    /// <summary>Rate sources in priority (protocols.md §4.5): fixed override, record fields, sampler table, domain-wide options, unsampled.</summary>
    private static uint ResolveSamplingRate(ref FlowRecord r, ref RecordExtras x, DomainState domain, ExporterState state, uint domainRateAtArrival)
    {
        if (state.SamplingOverride != 0)
        {
            return state.SamplingOverride;
        }

        var rate = RateOf(ref x);
        if (x.SamplingLittleEndian)
        {
            r.Flags |= FlowRecordFlags.SamplingByteSwapped;
        }

        if (rate == 0 && (x.Present & RecordExtras.HasSamplerId) != 0)
        {
            domain.Samplers.TryGetValue(x.SamplerId, out rate);
        }

        if (rate == 0)
        {
            // Held data keeps the rate its packet was sent under; without one it takes the rate known now.
            rate = domainRateAtArrival != 0 ? domainRateAtArrival : domain.DomainSamplingRate;
        }

        return rate == 0 ? 1 : rate;
    }

    /// <summary>The rate a record's own sampling fields give: samplingPacketInterval/Space (305/306) or samplingInterval (34); 0 when none.</summary>
    private static uint RateOf(ref RecordExtras x)
    {
        if ((x.Present & RecordExtras.HasPacketInterval) != 0 && x.PacketInterval > 0)
        {
            return (uint)Math.Min(uint.MaxValue, (x.PacketInterval + x.PacketSpace) / x.PacketInterval);
        }

        return (x.Present & RecordExtras.HasSamplingInterval) != 0 ? (uint)Math.Min(uint.MaxValue, x.SamplingInterval) : 0;
    }

    /// <summary>Options data: the exporter's boot time and its sampler table.</summary>
    private void ApplyOptions(DomainState domain, ref RecordExtras x)
    {
        if ((x.Present & RecordExtras.HasSystemInit) != 0 && x.SystemInitMs > 0)
        {
            domain.SystemInitMs = x.SystemInitMs;
        }

        var rate = RateOf(ref x);
        if ((x.Present & (RecordExtras.HasSamplingInterval | RecordExtras.HasPacketInterval)) == 0)
        {
            return;
        }

        if ((x.Present & RecordExtras.HasSamplerId) != 0)
        {
            domain.SetSamplerRate(x.SamplerId, rate, _time.GetUtcNow());
        }
        else
        {
            domain.SetDomainSamplingRate(rate, _time.GetUtcNow());
        }
    }

    /// <summary>
    /// Flags counters no link could produce (protocols.md §2.3 item 5): more than 65535 bytes per packet (the IP
    /// maximum), fewer bytes than packets, or more packets per second than <see cref="DecoderOptions.MaxPacketsPerSecond"/>
    /// over the record's duration (at least one second, so that a burst within a millisecond is not punished).
    /// </summary>
    private void CheckPlausible(ref FlowRecord r)
    {
        if (r.Packets == 0 || r.Bytes == 0)
        {
            return;
        }

        var seconds = Math.Max((r.EndMs - r.StartMs) / 1000.0, 1.0);
        // A multiplication, not a division: this runs for every record.
        if (r.Bytes > r.Packets * 65535UL || r.Bytes < r.Packets || r.Packets > Options.MaxPacketsPerSecond * seconds)
        {
            r.Flags |= FlowRecordFlags.Implausible;
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Detection;

/// <summary>
/// The part of a sensor's attack detection that runs on a receive thread, once per accepted record: it adds the
/// record (sampling-scaled) to this second's table under its destination host, destination prefix and, for a
/// protected source, its source host. Single writer: only the thread that owns the shard calls
/// <see cref="Add"/> and <see cref="Roll"/>; nothing here takes a lock. When the second changes, the finished
/// table goes to the <see cref="SensorDetector"/>, which merges the shards' seconds on its own tick.
/// </summary>
/// <remarks>
/// Flow timing: a record that lasted up to a second counts in the second it arrived. A longer one counts at its
/// own average rate (counts / duration), held by the detector for as long as the record lasted (at most
/// <see cref="DetectionConfig.MaxHoldSeconds"/>): its interval is spread evenly, shifted to start at its arrival.
/// A long flow exported at its active timeout is therefore its real rate, not a spike, and a flood shows from the
/// second its first record arrives.
/// </remarks>
public sealed class DetectionShard
{
    private readonly SensorDetector _owner;
    private SecondTable _table;
    private long _second;
    private long _closedThrough;

    internal DetectionShard(SensorDetector owner, long nowSecond)
    {
        _owner = owner;
        _second = nowSecond;
        _closedThrough = nowSecond - 1;
        _table = owner.RentTable(nowSecond);
    }

    /// <summary>Every second before this one has been handed to the detector.</summary>
    internal long ClosedThrough => Volatile.Read(ref _closedThrough);

    /// <summary>True while the running second has counted nothing (the detector need not wait for it).</summary>
    internal bool RunningSecondEmpty => Volatile.Read(ref _runningCount) == 0;

    private int _runningCount;

    /// <summary>
    /// Counts a datagram's accepted records, each loaded <see cref="PrefetchAhead"/> records before it is counted (see
    /// <see cref="Prefetch"/>); what the prefetch computed (the destination's hash, prefix and prefix hash) is kept for
    /// the count, which would otherwise compute it again.
    /// </summary>
    public void Add(in ObservedBatch batch)
    {
        if (batch.ArrivalSecond != _second)
        {
            Roll(batch.ArrivalSecond);
        }

        var config = _owner.Config;
        if (!config.Enabled)
        {
            return;
        }

        var records = batch.Records;
        var accepted = batch.Accepted;
        var rates = batch.SamplingRates;
        var ahead = _ahead;
        for (var i = 0; i < accepted.Length && i < PrefetchAhead; i++)
        {
            ahead[i] = Prefetch(records[accepted[i]], config);
        }

        for (var i = 0; i < accepted.Length; i++)
        {
            if (i + PrefetchAhead < accepted.Length)
            {
                ahead[(i + PrefetchAhead) & AheadMask] = Prefetch(records[accepted[i + PrefetchAhead]], config);
            }

            Add(records[accepted[i]], rates[i], batch.Exporter, config, ahead[i & AheadMask]);
        }
    }

    /// <summary>The lookups of the records between their prefetch and their count (a ring of at least <see cref="PrefetchAhead"/> + 1).</summary>
    private readonly Lookup[] _ahead = new Lookup[AheadMask + 1];

    private const int AheadMask = 3; // a ring of 4: PrefetchAhead + 1 must fit

    /// <summary>Where a record's destination counts: its host's hash, its prefix (carpet bombing) and the prefix's hash.</summary>
    private readonly record struct Lookup(ulong Host, FlowAddress Prefix, ulong PrefixHash)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lookup Of(FlowAddress destination, DetectionConfig config)
        {
            var prefix = IpPrefix.Of(destination, config.CarpetPrefixLengthV4, config.CarpetPrefixLengthV6).Network;
            return new Lookup(SecondTable.HashOf(destination, KeyKind.IncomingHost), prefix, SecondTable.HashOf(prefix, KeyKind.IncomingPrefix));
        }
    }

    /// <summary>
    /// How many records ahead <see cref="Add(in ObservedBatch)"/> starts loading a record's counts. v9 at 900,000 flows/s,
    /// one run each: 748 ns a flow with 1 (as when records came one by one), 736 with 4, 763 with 8, against 725-734 in
    /// three runs with 2; within the noise, but never better.
    /// </summary>
    private const int PrefetchAhead = 2;

    /// <summary>
    /// Counts one accepted record. <paramref name="rate"/> is its effective sampling rate (1 = unsampled);
    /// <paramref name="exporter"/> the router that sent it (with the 5-tuple, its flow's identity).
    /// </summary>
    public void Add(in FlowRecord r, uint rate, long nowSecond, FlowAddress exporter = default)
    {
        if (nowSecond != _second)
        {
            Roll(nowSecond);
        }

        var config = _owner.Config;
        if (config.Enabled)
        {
            Add(r, rate, exporter, config, Lookup.Of(r.DstAddr, config));
        }
    }

    /// <summary>Counts one accepted record of the running second (<paramref name="look"/>: its destination's lookup).</summary>
    private void Add(in FlowRecord r, uint rate, FlowAddress exporter, DetectionConfig config, in Lookup look)
    {
        var incoming = config.Protected is null || config.Protected.Contains(r.DstAddr);
        var outgoing = config.OutgoingSources is not null && config.OutgoingSources.Contains(r.SrcAddr);
        if (!incoming && !outgoing)
        {
            return;
        }

        var scale = (double)rate;
        var packets = r.Packets * scale;
        var bytes = r.Bytes * scale;

        var durationMs = DurationMs(r);

        var table = _table;
        if (durationMs > table.LongestRecordMs)
        {
            table.LongestRecordMs = durationMs;
        }

        Contribution c = default;
        c.Packets = packets;
        c.Bytes = bytes;

        // Sampled: a one-packet record stands for about `rate` one-packet flows (a spoofed flood: SYNs, UDP, ICMP);
        // a longer one for one flow. Not a TCP packet with ACK: it belongs to an established connection of unknown
        // length, and at 1:1000 a flash crowd's web server read 21,000-112,000 "flows"/s from 4,000 connections/s
        // (bench detection false-positives --sampling 1000). An ACK flood is caught by its packets instead.
        c.Flows = r.Packets <= 1 && !(r.Protocol == 6 && (r.TcpFlags & 0x10) != 0) ? scale : 1;
        switch (r.Protocol)
        {
            case 6:
                c.Tcp = packets;
                c.Syn = (r.TcpFlags & 0x12) == 0x02 ? packets : 0;
                c.Fragments = r.SrcPort == 0 && r.DstPort == 0 ? packets : 0;
                break;
            case 17:
                c.Udp = packets;
                c.UdpBytes = bytes;
                if (r.SrcPort == 0 && r.DstPort == 0)
                {
                    c.Fragments = packets;
                }
                else if (ReflectorPorts.Contains(r.SrcPort))
                {
                    c.Amplification = packets;
                }

                break;
            case 1:
            case 58:
                c.Icmp = packets;
                break;
        }

        if (durationMs > HeldOverMs)
        {
            // One division per long record (a second one here was 4 % of this method on a loaded collector).
            c.RateFactor = 1000.0 / durationMs;
            // Whole seconds, rounded down (see SensorDetector.EvaluateKey: a hold must not outlast the next export).
            c.HoldSeconds = Math.Clamp((int)(durationMs / 1000), 2, config.MaxHoldSeconds);
        }

        // A flow-sized record goes to the detector with its flow's identity, so that its flow's next record (the next
        // active-timeout export, or the last one at the inactive timeout) replaces its held rate instead of adding to
        // it; a long one's rate is then held there, not in the key's sums. The rest stays anonymous: see FlowFloors.
        var inverseFloors = config.InverseFlowFloors;
        var share = FloorShare(c, inverseFloors);
        if (share >= FlowSizedShare)
        {
            if (table.FlowsFull)
            {
                table.FlowsWithoutIdentity++;
            }
            else
            {
                c.Identified = true;
            }
        }

        var max = config.MaxKeysPerSecond;

        // Evidence for watched keys (candidates, attacks): whether a key is watched is looked up once per key and
        // second (and again when the watch changes), not per record.
        var watch = _owner.Watch;
        var watching = watch.Count != 0;
        if (watching)
        {
            table.NoteWatch(watch);
        }

        var tracked = _owner.Tracked;
        // A light record's weight: its largest share of a floor, flows included (a flood of one-packet records).
        var weight = c.Identified ? 0 : (float)Max(share, c.Flows * inverseFloors[Counter.Flows]);
        if (incoming)
        {
            // A destination with a slot this second (promoted, tracked, or sent a flow-sized record) takes the record
            // there: on a Zipf load that is most records, and they need neither light count. Otherwise the prefix's light
            // count first: a light host never receives more than its prefix's light records, so while the prefix's
            // second is under PromoteWeight so is the host's, and the host's own count is not kept (a destination all
            // over the Internet, when every destination is protected, then costs one count, not two). A host therefore
            // gets its own slot at most a floor late: half while its prefix was light, half of its own.
            var hash = look.Host;
            var prefix = look.Prefix;
            var prefixHash = look.PrefixHash;
            var prefixWeight = 0f;
            ref var host = ref table.Find(hash, r.DstAddr, KeyKind.IncomingHost);
            var hostOwn = c.Identified || !Unsafe.IsNullRef(ref host);
            if (!hostOwn)
            {
                prefixWeight = table.AddLight(prefixHash, weight);
                hostOwn = (prefixWeight >= PromoteWeight && table.AddLight(hash, weight) >= PromoteWeight) || (tracked.Count != 0 && tracked.MayContain(hash));
            }

            if (hostOwn)
            {
                // The destination's prefix (carpet bombing) is summed from its hosts on the tick, once per host and second.
                if (Unsafe.IsNullRef(ref host))
                {
                    host = ref table.Get(hash, r.DstAddr, KeyKind.IncomingHost, max);
                }

                Apply(ref host, c, r.SrcPort);
                host.Peers.Add(AddressHash.Of(r.SrcAddr));
                if (watching)
                {
                    WitnessIncoming(ref host, r.DstAddr, prefix, watch, table, r, rate, packets, bytes);
                }
            }
            else if (prefixWeight >= PromoteWeight * config.PrefixThresholdFactor || (tracked.Count != 0 && tracked.MayContain(prefixHash)))
            {
                // A light destination is counted in its prefix only, as the tick would have summed it there; a light
                // prefix (destinations all over the Internet, when every destination is protected) not at all. A
                // prefix's thresholds are its hosts' times PrefixThresholdFactor, and so is the weight that makes it heavy.
                ref var slot = ref table.Get(prefixHash, prefix, KeyKind.IncomingPrefix, max);
                Apply(ref slot, c, r.SrcPort);
                slot.Peers.Add(AddressHash.Of(r.SrcAddr));
                slot.Hosts.Set(KeySlot.HostBucket(r.DstAddr));
                if (watching)
                {
                    Witness(ref slot, new DetectionKey(prefix, KeyKind.IncomingPrefix), watch, table, r, rate, packets, bytes);
                }
            }
        }

        // A light source is not counted at all: outgoing keys have no prefix, and under the floors there is nothing to judge.
        if (outgoing && SecondTable.HashOf(r.SrcAddr, KeyKind.OutgoingHost) is var sourceHash && OwnSlot(table, sourceHash, weight, c.Identified, tracked))
        {
            ref var source = ref table.Get(sourceHash, r.SrcAddr, KeyKind.OutgoingHost, max);
            Apply(ref source, c, r.SrcPort);
            source.Peers.Add(AddressHash.Of(r.DstAddr));
            if (watching)
            {
                Witness(ref source, new DetectionKey(r.SrcAddr, KeyKind.OutgoingHost), watch, table, r, rate, packets, bytes);
            }
        }

        if (c.Identified)
        {
            FlowEntry entry = default;
            entry.Flow = FlowIdentity.Of(r, exporter);
            entry.Incoming = incoming;
            entry.Outgoing = outgoing;
            if (c.HoldSeconds > 1)
            {
                Add(ref entry.Rate, c, c.RateFactor);
                entry.HoldSeconds = c.HoldSeconds;
            }

            table.AddFlow(entry);
        }

        Volatile.Write(ref _runningCount, table.Count);
    }

    /// <summary>
    /// Starts loading what <see cref="Add(in ObservedBatch)"/> will read for this record: the light counts and tracked bits
    /// of its destination host and prefix, where their slots would be, and the host's slot at its home position (on a Zipf
    /// load most records go to a busy host's own slot, a second-level cache miss for each otherwise). On the collector
    /// these were cache misses on most records (the aggregation's tables push them out between records); loaded a
    /// record ahead, they arrive in time. Returns the destination's lookup, which the count then uses.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Lookup Prefetch(in FlowRecord r, DetectionConfig config)
    {
        var look = Lookup.Of(r.DstAddr, config);
        if (Sse.IsSupported)
        {
            var table = _table;
            var tracked = _owner.Tracked;
            table.Prefetch(look.Host);
            table.Prefetch(look.PrefixHash);
            table.PrefetchSlot(look.Host, DurationMs(r) > HeldOverMs);
            tracked.Prefetch(look.Host);
            tracked.Prefetch(look.PrefixHash);
        }

        return look;
    }

    /// <summary>A record lasting longer counts at its own average rate, held on its keys (see the remarks above).</summary>
    private const long HeldOverMs = 1500;

    /// <summary>The record's duration; 0 when its timestamps are backwards or more than a day apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long DurationMs(in FlowRecord r)
    {
        var durationMs = r.EndMs - r.StartMs;
        return durationMs is < 0 or > 86_400_000 ? 0 : durationMs;
    }

    /// <summary>Hands the running second to the detector if <paramref name="nowSecond"/> is a later one (call it on quiet seconds too).</summary>
    public void Roll(long nowSecond)
    {
        if (nowSecond <= _second)
        {
            return;
        }

        // A second of light records only has no key, but its longest record still tells the exporter's active timeout.
        if (_table.Count > 0 || _table.EvidenceCount > 0 || _table.LongestRecordMs > 0)
        {
            _owner.Publish(_table);
            _table = _owner.RentTable(nowSecond);
        }
        else
        {
            _table.Second = nowSecond;
        }

        _second = nowSecond;
        Volatile.Write(ref _runningCount, 0);
        Volatile.Write(ref _closedThrough, nowSecond - 1);
    }

    /// <summary>
    /// The share of a flow-sized floor (<see cref="DetectionConfig.FlowFloors"/>) below which a host's second is light:
    /// half of 1 % of the lowest threshold, in every amount.
    /// </summary>
    internal const float PromoteWeight = 0.5f;

    /// <summary>
    /// Whether the record goes to its key's own slot: the key is tracked (a candidate, an attack, held rates), the record
    /// is flow-sized, or the key's second reached <see cref="PromoteWeight"/> with it. A high-cardinality load (an ISP
    /// edge, a spoofed flood to random destinations) is mostly hosts with a few small records a second; their slots made
    /// the table megabytes and every record a cache miss, for keys the tick never judged (under the floors, see
    /// <see cref="SensorDetector"/>). A light host's records count in its /24 or /64 instead, and a light prefix's
    /// nowhere: a key's own slot misses at most half a floor of its second (0.5 % of the lowest threshold of its kind:
    /// a prefix's floors are its hosts' times <see cref="DetectionConfig.PrefixThresholdFactor"/>), a destination
    /// host's at most a floor (its light count starts once its prefix's reached half a host floor; see
    /// <see cref="Add"/>). Outgoing sources use this; destinations test their prefix first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool OwnSlot(SecondTable table, ulong hash, float weight, bool flowSized, KeyFilter tracked) =>
        flowSized || table.AddLight(hash, weight) >= PromoteWeight || (tracked.Count != 0 && tracked.MayContain(hash));

    /// <summary>
    /// The record's largest share of a flow-sized floor in the amounts that can make it flow-sized (a long record's rate,
    /// a short one's counts): at least 1 (less a rounding margin, so that exactly a floor is flow-sized) is at least
    /// 1 % of a threshold (see <see cref="DetectionConfig.FlowFloors"/>). One pass of multiplications by the inverse
    /// floors serves both that test and the record's light weight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double FloorShare(in Contribution c, double[] inverse)
    {
        var factor = c.HoldSeconds > 1 ? c.RateFactor : 1;
        var w = Max(c.Packets * inverse[Counter.Packets], c.Bytes * inverse[Counter.Bytes]);
        w = Max(w, Max(c.Syn * inverse[Counter.SynPackets], c.Udp * inverse[Counter.UdpPackets]));
        w = Max(w, Max(c.UdpBytes * inverse[Counter.UdpBytes], c.Icmp * inverse[Counter.IcmpPackets]));
        return Max(w, c.Fragments * inverse[Counter.FragmentPackets]) * factor;
    }

    private const double FlowSizedShare = 1 - 1e-9;

    // Comparisons, not Math.Max: no NaN or -0 can occur here, and Math.Max's handling of them costs several instructions.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Max(double a, double b) => a > b ? a : b;

    private struct Contribution
    {
        public double Packets, Bytes, Flows, Syn, Tcp, Udp, UdpBytes, Icmp, Fragments, Amplification;
        public double RateFactor;
        public int HoldSeconds;

        /// <summary>Handed to the detector as a <see cref="FlowEntry"/>: a long one's rate is held there, not in the key's sums.</summary>
        public bool Identified;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Apply(ref KeySlot slot, in Contribution c, ushort sourcePort)
    {
        slot.Instant[Counter.Flows] += c.Flows;
        if (c.HoldSeconds <= 1)
        {
            Add(ref slot.Instant, c, 1);
        }
        else if (!c.Identified)
        {
            Add(ref slot.Held, c, c.RateFactor);
            slot.HeldWeightSeconds += c.Packets * c.RateFactor * c.HoldSeconds;
        }

        if (c.Amplification > 0)
        {
            slot.Vote(sourcePort, c.Amplification);
        }
    }

    /// <summary>
    /// Adds the record's counts. ICMP's, fragments' and amplification's only when there are some: in a slot's held rates
    /// they are past the line the others share (see <see cref="KeySlot"/>), which most records then do not touch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(ref TrafficCounters v, in Contribution c, double factor)
    {
        v[Counter.Packets] += c.Packets * factor;
        v[Counter.Bytes] += c.Bytes * factor;
        v[Counter.SynPackets] += c.Syn * factor;
        v[Counter.TcpPackets] += c.Tcp * factor;
        v[Counter.UdpPackets] += c.Udp * factor;
        v[Counter.UdpBytes] += c.UdpBytes * factor;
        if (c.Icmp != 0)
        {
            v[Counter.IcmpPackets] += c.Icmp * factor;
        }

        if (c.Fragments != 0)
        {
            v[Counter.FragmentPackets] += c.Fragments * factor;
        }

        if (c.Amplification != 0)
        {
            v[Counter.AmplificationPackets] += c.Amplification * factor;
        }
    }

    /// <summary>Adds the record to the key's evidence if the key is watched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Witness(ref KeySlot slot, in DetectionKey key, WatchTable watch, SecondTable table, in FlowRecord r,
        uint rate, double packets, double bytes)
    {
        if (slot.WatchStamp != table.WatchStamp)
        {
            slot.WatchIndex = watch.TryGetValue(key, out var index) ? index : -1;
            slot.WatchStamp = table.WatchStamp;
        }

        if (slot.WatchIndex >= 0)
        {
            table.Evidence(slot.WatchIndex, key).Add(r, rate, packets, bytes);
        }
    }

    /// <summary>Adds the record to the evidence of its destination host and of the host's prefix, whichever is watched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WitnessIncoming(ref KeySlot host, FlowAddress destination, FlowAddress prefix, WatchTable watch, SecondTable table, in FlowRecord r,
        uint rate, double packets, double bytes)
    {
        // The prefix's index is cached under the same stamp as the host's: look it up before Witness renews the stamp.
        if (host.WatchStamp != table.WatchStamp)
        {
            host.PrefixWatchIndex = watch.TryGetValue(new DetectionKey(prefix, KeyKind.IncomingPrefix), out var index) ? index : -1;
        }

        Witness(ref host, new DetectionKey(destination, KeyKind.IncomingHost), watch, table, r, rate, packets, bytes);
        if (host.PrefixWatchIndex >= 0)
        {
            table.Evidence(host.PrefixWatchIndex, new DetectionKey(prefix, KeyKind.IncomingPrefix)).Add(r, rate, packets, bytes);
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Aggregation.Tables;
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
        // The address hash's seeds initialized before the receive path is compiled, so that the compiler takes them as
        // constants: otherwise every hash in Add checked its classes' initialization and loaded the seeds (in memory, 4-9 ns
        // a record more).
        RuntimeHelpers.RunClassConstructor(typeof(AddressHash).TypeHandle);
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
    /// Counts a datagram's accepted records in two passes: the first weighs each (<see cref="LoadTag"/>) and keeps those
    /// that count anywhere (most long light records are sampled out: see <see cref="EstimateBelow"/>); the second counts
    /// the kept ones in a pipeline that loads the lines each count reads <see cref="CountsAhead"/> records ahead
    /// (<see cref="LoadCounts"/>), so that its distance is in records that count.
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

        NoteTracked();
        var watch = NoteWatch();
        var records = batch.Records;
        var accepted = batch.Accepted;
        var rates = batch.SamplingRates;
        var n = accepted.Length;
        if (_kept.Length < n)
        {
            _kept = new int[n];
            _weighed = new Lookup[n];
        }

        // A record sampled out counts nowhere else, unless its source may be a protected one.
        var table = _table;
        var kept = _kept;
        var weighed = _weighed;
        var skip = config.OutgoingSources is null;
        var k = 0;
        for (var i = 0; i < n; i++)
        {
            ref readonly var r = ref records[accepted[i]];
            var look = LoadTag(r, rates[i], config, watch);
            if (look.Scale == 0 && skip)
            {
                if (config.Protected is null || config.Protected.Contains(r.DstAddr))
                {
                    table.RecordsEstimated++;
                    table.LongestRecordMs = Math.Max(table.LongestRecordMs, look.DurationMs);
                }

                continue;
            }

            kept[k] = i;
            weighed[k++] = look;
        }

        for (var j = 0; j < k && j < CountsAhead; j++)
        {
            LoadCounts(records[accepted[kept[j]]], ref weighed[j], config);
        }

        for (var j = 0; j < k; j++)
        {
            if (j + CountsAhead < k)
            {
                LoadCounts(records[accepted[kept[j + CountsAhead]]], ref weighed[j + CountsAhead], config);
            }

            var i = kept[j];
            Add(records[accepted[i]], rates[i], batch.Exporter, config, weighed[j], watch);
        }

        Volatile.Write(ref _runningCount, _table.Count);
    }

    /// <summary>How many kept records ahead of its count the lines a record's count reads are loaded (<see cref="LoadCounts"/>).</summary>
    private const int CountsAhead = 2;

    /// <summary>
    /// The first pass's kept records (their indexes in the batch) and their lookups: as long as the longest batch, which is
    /// one datagram's records (bounded by its size).
    /// </summary>
    private int[] _kept = new int[64];

    /// <inheritdoc cref="_kept"/>
    private Lookup[] _weighed = new Lookup[64];

    /// <summary>
    /// First stage: the record weighed (<see cref="Weigh"/>) and, unless it was sampled out, the line of its destination's
    /// tag at its home position, where most keys are.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Lookup LoadTag(in FlowRecord r, uint rate, DetectionConfig config, WatchTable? watch)
    {
        var look = Weigh(r, rate, config, watch);
        if (Sse.IsSupported && look.Scale != 0)
        {
            _table.PrefetchTag(look.Host);
        }

        return look;
    }

    /// <summary>
    /// A record's duration, its share of the floors (<see cref="FloorShare"/>) and its destination's hash; and whether it
    /// counts for its destination at all (<see cref="EstimateBelow"/>): a long record lighter than that, to a destination
    /// neither tracked nor heavy the second before nor in a watched prefix, counts with a chance of its weight over that
    /// limit, and then with its counts divided by the chance (<see cref="Lookup.Scale"/>; 0: not counted).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Lookup Weigh(in FlowRecord r, uint rate, DetectionConfig config, WatchTable? watch)
    {
        var look = Lookup.HostOnly(r.DstAddr);
        look.DurationMs = DurationMs(r);
        look.Share = FloorShare(r, rate, look.DurationMs, config, out var flowShare);
        look.Weight = (float)Max(look.Share, flowShare);
        // A record of no weight (every threshold of its amounts off) stays exact: it could never be sampled in, and a
        // distinct-sources threshold still counts its source where its destination has a slot.
        if (look.DurationMs > HeldOverMs && look.Weight is > 0 and < EstimateBelow
            && !_ownSlot.MayHold(look.Host) && !Watched(ref look, r, config, watch))
        {
            look.Scale = NextUnit() * EstimateBelow < look.Weight ? EstimateBelow / look.Weight : 0;
        }

        return look;
    }

    /// <summary>Whether the record's destination prefix is watched (a candidate or an attack, collecting evidence).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Watched(ref Lookup look, in FlowRecord r, DetectionConfig config, WatchTable? watch)
    {
        if (watch is null)
        {
            return false;
        }

        look.AddPrefix(r.DstAddr, config);
        return watch.Prefixes.MayHold(look.PrefixHash);
    }

    /// <summary>
    /// Second stage, by the tag now loaded: a destination with its slot at home (or a heavy or tracked one, which takes
    /// it) will count there, so the slot's lines; any other will count in light counts and maybe its prefix's slot, so its
    /// prefix is looked up and its light count's line loaded. Before, every record loaded both sets, nine lines,
    /// and one that counts in its own slot (most, on a Zipf load) reads none of the light ones: on the collector, such
    /// loads took cache from the aggregation's tables, which then missed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void LoadCounts(in FlowRecord r, ref Lookup look, DetectionConfig config)
    {
        if (!Sse.IsSupported || look.Scale == 0)
        {
            return;
        }

        var table = _table;
        if (table.HomeTagIs(look.Host) || _ownSlot.MayHold(look.Host))
        {
            table.PrefetchSlot(look.Host, look.DurationMs > HeldOverMs);
        }
        else
        {
            // The prefix's light count and the host's, which is read only in a prefix busy this second (on `bench send`'s
            // load, records to inside hosts' /24s). Loading the host's for every light record cost more than it saved
            // (0.6-1 point of the collector's CPU, before sampling); since most long light records are sampled out before
            // this (see Weigh), the rest load it: its miss was the largest stall left in Add (8 % of its samples), and
            // with the load 8.5, 10.5 and 8.5 % of the collector's CPU against 6.9, 11.7 and 10.0 % without, alternating.
            look.AddPrefix(r.DstAddr, config);
            table.PrefetchLight(look.PrefixHash);
            table.PrefetchLight(look.Host);
        }
    }

    /// <summary>
    /// A record as weighed ahead of its count (<see cref="Weigh"/>), and where its destination counts: its host's hash and,
    /// once needed (<see cref="HasPrefix"/>), its prefix (carpet bombing) and the prefix's hash. A record counted in its
    /// host's own slot needs no prefix.
    /// </summary>
    private struct Lookup
    {
        public ulong Host;
        public FlowAddress Prefix;
        public ulong PrefixHash;
        public bool HasPrefix;

        /// <summary>The record's duration (<see cref="DurationMs"/>).</summary>
        public long DurationMs;

        /// <summary>The record's largest share of a flow-sized floor in the amounts that can make it flow-sized (<see cref="FloorShare"/>).</summary>
        public double Share;

        /// <summary>Its light weight: its largest share of a floor, flows included (a flood of one-packet records).</summary>
        public float Weight;

        /// <summary>1; for a record sampled in (see <see cref="Weigh"/>) the inverse of its chance; 0 for one sampled out.</summary>
        public float Scale;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lookup HostOnly(FlowAddress destination) =>
            new() { Host = SecondTable.HashOf(destination, KeyKind.IncomingHost), Scale = 1 };

        /// <summary>Adds the destination's prefix (carpet bombing) and its hash, once.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void AddPrefix(FlowAddress destination, DetectionConfig config)
        {
            if (!HasPrefix)
            {
                Prefix = config.CarpetNetworkOf(destination);
                PrefixHash = SecondTable.HashOf(Prefix, KeyKind.IncomingPrefix);
                HasPrefix = true;
            }
        }
    }

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
            NoteTracked();
            var watch = NoteWatch();
            Add(r, rate, exporter, config, Weigh(r, rate, config, watch), watch);
            Volatile.Write(ref _runningCount, _table.Count);
        }
    }

    /// <summary>
    /// The watch in force (candidates and attacks collecting evidence), noted in the running second's table; null when
    /// nothing is watched. Read once per datagram: the detector replaces it on its tick.
    /// </summary>
    private WatchTable? NoteWatch()
    {
        var watch = _owner.Watch;
        if (watch.Count == 0)
        {
            return null;
        }

        _table.NoteWatch(watch);
        return watch;
    }

    /// <summary>
    /// Counts one accepted record of the running second (<paramref name="look"/>: its destination's lookup;
    /// <paramref name="watch"/>: <see cref="NoteWatch"/>'s). Most records count in no slot (light keys: see
    /// <see cref="OwnSlot"/>), so a record's counts (<see cref="Contribution"/>) are made only where a slot takes them;
    /// its weight needs only its share of the floors (<see cref="FloorShare"/>). Inline in the datagram's loop: a call per
    /// record passed seven arguments and saved six registers (about 3 ns a record in memory).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(in FlowRecord r, uint rate, FlowAddress exporter, DetectionConfig config, Lookup look, WatchTable? watch)
    {
        var incoming = config.Protected is null || config.Protected.Contains(r.DstAddr);
        var outgoing = config.OutgoingSources is not null && config.OutgoingSources.Contains(r.SrcAddr);
        if (!incoming && !outgoing)
        {
            return;
        }

        var table = _table;
        var durationMs = look.DurationMs;
        if (durationMs > table.LongestRecordMs)
        {
            table.LongestRecordMs = durationMs;
        }

        // A flow-sized record goes to the detector with its flow's identity, so that its flow's next record (the next
        // active-timeout export, or the last one at the inactive timeout) replaces its held rate instead of adding to
        // it; a long one's rate is then held there, not in the key's sums. The rest stays anonymous: see FlowFloors.
        var identified = false;
        if (look.Share >= FlowSizedShare)
        {
            if (table.FlowsFull)
            {
                table.FlowsWithoutIdentity++;
            }
            else
            {
                identified = true;
            }
        }

        var weight = identified ? 0 : look.Weight;
        if (incoming && look.Scale == 0)
        {
            // Sampled out (see Weigh): the others sampled in stand for it at its destination; its source still counts it.
            table.RecordsEstimated++;
        }
        else if (incoming)
        {
            // A destination with a slot this second (promoted, or sent a flow-sized record), tracked, or heavy the
            // second before, takes the record there: on a Zipf load that is most records, and they need neither light
            // count. Otherwise the prefix's light count first: a light host never receives more than its prefix's light
            // records, so while the prefix's second is under PromoteWeight so is the host's, and the host's own count is
            // not kept (a destination all over the Internet, when every destination is protected, then costs one count,
            // not two). A host therefore gets its own slot at most two PromoteWeights late: one while its prefix was
            // light, one of its own (of sampled long records, estimated ones: see EstimateBelow).
            ref var host = ref table.Find(look.Host, r.DstAddr, KeyKind.IncomingHost);
            if (!Unsafe.IsNullRef(ref host) || identified || _ownSlot.MayHold(look.Host))
            {
                CountHost(ref host, r, rate, identified, config, look, watch);
            }
            else
            {
                CountLight(r, rate, config, ref look, watch);
            }
        }

        if (outgoing || identified)
        {
            CountSourceAndFlow(r, rate, exporter, durationMs, config, incoming, outgoing, identified, weight, watch);
        }
    }

    /// <summary>
    /// Counts a record of a light destination (no slot of its own this second) in its prefix's light count and, while
    /// the prefix is busy, its own light count and the prefix's slot (see <see cref="Add"/>); a record sampled in
    /// (<see cref="Weigh"/>) as much as it stands for.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountLight(in FlowRecord r, uint rate, DetectionConfig config, ref Lookup look, WatchTable? watch)
    {
        var table = _table;
        var weight = look.Weight * look.Scale;
        look.AddPrefix(r.DstAddr, config);
        var prefixWeight = table.AddLight(look.PrefixHash, weight);
        if (prefixWeight >= PromoteWeight && table.AddLight(look.Host, weight) >= PromoteWeight)
        {
            CountHost(ref Unsafe.NullRef<KeySlot>(), r, rate, identified: false, config, look, watch);
        }
        else if (prefixWeight >= PromoteWeight * config.PrefixThresholdFactor)
        {
            CountPrefix(r, rate, config, look, watch);
        }
    }

    /// <summary>
    /// A record's largest share of a flow-sized floor (<see cref="DetectionConfig.FlowFloors"/>) in the amounts that can
    /// make it flow-sized (a long record's rate, a short one's counts): at least 1 (less a rounding margin, so that
    /// exactly a floor is flow-sized) is at least 1 % of a threshold. Its packets go whole to every packet amount of its
    /// kind and its bytes to every byte amount, so the share is two multiplications by the largest inverse floors of
    /// those (<see cref="DetectionConfig.PacketShares"/>, by the record's kind): the same products, so the same result, as
    /// one per counter.
    /// <paramref name="flowShare"/>: its flows' share of theirs, for its light weight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double FloorShare(in FlowRecord r, uint rate, long durationMs, DetectionConfig config, out double flowShare)
    {
        var scale = (double)rate;
        flowShare = Contribution.FlowsOf(r, scale) * config.PerFlow;
        var kind = RecordKind.Of(r);

        // A division for a long record only (its rate); the counts, where a slot takes them, divide once more.
        var share = Max(r.Packets * scale * config.PacketShares[kind], r.Bytes * scale * config.ByteShares[kind]);
        return durationMs > HeldOverMs ? share * (1000.0 / durationMs) : share;
    }

    /// <summary>Counts a record in its destination host's own slot (<paramref name="host"/>: the slot, or a null reference to take one).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountHost(ref KeySlot host, in FlowRecord r, uint rate, bool identified, DetectionConfig config, in Lookup look, WatchTable? watch)
    {
        // The destination's prefix (carpet bombing) is summed from its hosts on the tick, once per host and second.
        var table = _table;
        if (Unsafe.IsNullRef(ref host))
        {
            host = ref table.Get(look.Host, r.DstAddr, KeyKind.IncomingHost, config.MaxKeysPerSecond);
        }

        var c = Contribution.Of(r, rate, look.DurationMs, identified, config);
        c.Scale(look.Scale);
        Apply(ref host, c, r.SrcPort);
        host.Peers.Add(AddressHash.Of(r.SrcAddr));
        if (watch is not null)
        {
            // Evidence for watched keys (candidates, attacks): whether a key is watched is looked up once per key and
            // second (and again when the watch changes), not per record.
            var prefix = look.HasPrefix ? look.Prefix : config.CarpetNetworkOf(r.DstAddr);
            WitnessIncoming(ref host, r.DstAddr, prefix, watch, table, r, rate, c.Packets, c.Bytes);
        }
    }

    /// <summary>
    /// A light destination is counted in its prefix only, as the tick would have summed it there; a light prefix
    /// (destinations all over the Internet, when every destination is protected) not at all. A prefix's thresholds are
    /// its hosts' times PrefixThresholdFactor, and so is the weight that makes it heavy.
    /// A record sampled in (see <see cref="Weigh"/>) counts as much as it stands for, here and in its host's slot.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountPrefix(in FlowRecord r, uint rate, DetectionConfig config, in Lookup look, WatchTable? watch)
    {
        var table = _table;
        // A busy prefix's slot is found inline where most keys are (at home); the table's probe only when it is not there.
        ref var slot = ref table.Find(look.PrefixHash, look.Prefix, KeyKind.IncomingPrefix);
        if (Unsafe.IsNullRef(ref slot))
        {
            slot = ref table.Get(look.PrefixHash, look.Prefix, KeyKind.IncomingPrefix, config.MaxKeysPerSecond);
        }

        var c = Contribution.Of(r, rate, look.DurationMs, identified: false, config);
        c.Scale(look.Scale);
        Apply(ref slot, c, r.SrcPort);
        slot.Peers.Add(AddressHash.Of(r.SrcAddr));
        slot.Hosts.Set(KeySlot.HostBucket(r.DstAddr));
        if (watch is not null)
        {
            Witness(ref slot, new DetectionKey(look.Prefix, KeyKind.IncomingPrefix), watch, table, r, rate, c.Packets, c.Bytes);
        }
    }

    /// <summary>
    /// What a record from a protected source or a flow-sized one adds beside its destination: the source's count (if the
    /// source has, or now earns, its own slot) and the record's flow with its identity.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountSourceAndFlow(in FlowRecord r, uint rate, FlowAddress exporter, long durationMs, DetectionConfig config,
        bool incoming, bool outgoing, bool identified, float weight, WatchTable? watch)
    {
        var c = Contribution.Of(r, rate, durationMs, identified, config);

        // A light source is not counted at all: outgoing keys have no prefix, and under the floors there is nothing to judge.
        if (outgoing)
        {
            CountSource(r, rate, config, c, weight, watch);
        }

        if (identified)
        {
            AddFlow(r, exporter, incoming, outgoing, c);
        }
    }

    /// <summary>Counts a record from a protected source under that source, if it has (or now earns) its own slot.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountSource(in FlowRecord r, uint rate, DetectionConfig config, in Contribution c, float weight, WatchTable? watch)
    {
        var table = _table;
        var sourceHash = SecondTable.HashOf(r.SrcAddr, KeyKind.OutgoingHost);
        if (OwnSlot(table, sourceHash, weight, c.Identified))
        {
            ref var source = ref table.Get(sourceHash, r.SrcAddr, KeyKind.OutgoingHost, config.MaxKeysPerSecond);
            Apply(ref source, c, r.SrcPort);
            source.Peers.Add(AddressHash.Of(r.DstAddr));
            if (watch is not null)
            {
                Witness(ref source, new DetectionKey(r.SrcAddr, KeyKind.OutgoingHost), watch, table, r, rate, c.Packets, c.Bytes);
            }
        }
    }

    /// <summary>Hands a flow-sized record to the detector with its flow's identity (a long one with its held rate).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddFlow(in FlowRecord r, FlowAddress exporter, bool incoming, bool outgoing, in Contribution c)
    {
        FlowEntry entry = default;
        entry.Flow = FlowIdentity.Of(r, exporter);
        entry.Incoming = incoming;
        entry.Outgoing = outgoing;
        if (c.HoldSeconds > 1)
        {
            AddRate(ref entry.Rate, c);
            entry.HoldSeconds = c.HoldSeconds;
        }

        _table.AddFlow(entry);
    }

    /// <summary>A record lasting longer counts at its own average rate, held on its keys (see the remarks above).</summary>
    private const long HeldOverMs = 1500;

    /// <summary>
    /// A long record lighter than this share of its destination host's flow-sized floors (<see cref="DetectionConfig.FlowFloors"/>;
    /// a record's weight is its largest share of them, see <see cref="FloorShare"/>), to a host neither tracked nor heavy
    /// the second before (<see cref="_ownSlot"/>) and not in a watched prefix, counts for its destination (host, prefix,
    /// their light counts) with a chance of its weight over this, and then with its counts divided by that chance:
    /// threshold sampling (Duffield, Lund and Thorup's, for flow records). Each amount of a host or prefix is then an
    /// unbiased estimate whose variance is at most this share times the amount (both in the key's floors; a prefix's floors
    /// are <see cref="DetectionConfig.PrefixThresholdFactor"/> times a host's, so 0.05 of them at the default): at a
    /// threshold (100 floors) a standard error of at most 3.2 % of it for a host, 2.2 % for a prefix. A record at least
    /// this heavy, a short one (a flood's), every record to a host heavy the second before or tracked (a candidate, an
    /// attack), and every record of a watched prefix count exactly, so the evidence is exact. A key's distinct sources are
    /// those of the records it counted. The sampled-out record costs no line of the table: the decision is made in a
    /// first pass over the datagram, before any line is loaded, and the second pass counts only the kept records (see
    /// <see cref="Add(in ObservedBatch)"/>). Where routers export flows at their active
    /// timeout most records are long and light: on <c>bench send</c>'s load 97 % last longer than
    /// <see cref="HeldOverMs"/>, and at 2.5 M flows/s about nine in ten records are not counted.
    /// </summary>
    internal const float EstimateBelow = 0.1f;

    /// <summary>
    /// The chance of <see cref="EstimateBelow"/>: SplitMix64 (a counter through the tables' seeded mixer,
    /// <see cref="TableHash"/>), started at random per shard, so that no outsider can tell which records count.
    /// </summary>
    private ulong _chance = (ulong)Random.Shared.NextInt64();

    /// <summary>A uniform draw in [0, 1), 24 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float NextUnit() => (TableHash.Mix(_chance += 0x9E37_79B9_7F4A_7C15UL) >> 40) * (1f / (1 << 24));

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

        NoteHeavyKeys(nowSecond == _second + 1 ? _table : null);

        // A second of light records only has no key, but its longest record still tells the exporter's active timeout.
        // Either way the new second starts with empty light counts.
        if (_table.Count > 0 || _table.EvidenceCount > 0 || _table.LongestRecordMs > 0)
        {
            _owner.Publish(_table);
            _table = _owner.RentTable(nowSecond);
        }
        else
        {
            _table.Reset(nowSecond);
        }

        _second = nowSecond;

        // The filter was cleared and the table is new: the tracked keys go into both again.
        _trackedNoted = null;
        Volatile.Write(ref _runningCount, 0);
        Volatile.Write(ref _closedThrough, nowSecond - 1);
    }

    /// <summary>
    /// The hosts (destinations and protected sources) that take their own slot from their first record of the second,
    /// without light counts (see <see cref="Add"/>): the detector's tracked ones, and those that received at least
    /// <see cref="HeavyWeight"/> in the second before this one. Most busy hosts are busy second after second; each used
    /// to count its first records of every second in its prefix and in two light counts, a quarter of the records on a
    /// Zipf load. A host that drops under it is light again the second after, so the filter holds at most the keys of
    /// one second that were each that heavy, and the tracked ones. One filter for both: a light record reads one word.
    /// </summary>
    private readonly KeyFilter _ownSlot = new();

    /// <summary>The detector's tracked keys as last noted in <see cref="_ownSlot"/> and the running second's light counts.</summary>
    private TrackedHashes? _trackedNoted;

    /// <summary>
    /// Notes the detector's tracked keys when it published others (or a second began): its hosts in <see cref="_ownSlot"/>,
    /// its prefixes as light counts already at their slot's gate, so a tracked prefix's light records go to its slot from
    /// the first (two counters of the light counts a prefix; another key shares both about once in 131,072). Keys no
    /// longer tracked stay noted until the second ends. Read once per datagram.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NoteTracked()
    {
        var tracked = _owner.Tracked;
        if (!ReferenceEquals(tracked, _trackedNoted))
        {
            NoteTracked(tracked);
        }
    }

    private void NoteTracked(TrackedHashes tracked)
    {
        _trackedNoted = tracked;
        foreach (var host in tracked.Hosts)
        {
            _ownSlot.Add(host);
        }

        // Twice the gate, so that no rounding of the float counts reads it under.
        var gate = (float)(2 * PromoteWeight * _owner.Config.PrefixThresholdFactor);
        foreach (var prefix in tracked.Prefixes)
        {
            _table.AddLight(prefix, gate);
        }
    }

    /// <summary>
    /// At most this many heavy keys a second (the first ones in the table's order): with them, about 1.5 % of light keys
    /// answer "maybe" (see <see cref="KeyFilter"/>), however many hosts an outsider makes heavy.
    /// </summary>
    internal const int MaxHeavyKeys = 4096;

    /// <summary>Fills <see cref="_ownSlot"/> from the second that ends (null: the new second does not follow it).</summary>
    private void NoteHeavyKeys(SecondTable? ended)
    {
        _ownSlot.Clear();
        if (ended is null)
        {
            return;
        }

        var inverse = _owner.Config.InverseFlowFloors;
        for (var n = 0; n < ended.Count; n++)
        {
            var index = ended.UsedIndex(n);
            ref var slot = ref ended.SlotAt(index);
            if (slot.Kind != KeyKind.IncomingPrefix && slot.FloorShare(inverse) >= HeavyWeight)
            {
                _ownSlot.Add(SecondTable.HashOf(slot.Address, slot.Kind));
                if (_ownSlot.Count == MaxHeavyKeys)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// The share of a flow-sized floor (<see cref="DetectionConfig.FlowFloors"/>) below which a key's second is light:
    /// two floors, 2 % of the lowest threshold, in every amount. It was half a floor: at the ingest benchmark's rate
    /// (2.5 M flows/s of <c>bench send</c>'s load, each of its hosts then receiving about 40 records a second) 31,000
    /// hosts a second crossed that, mostly by their ICMP and SYN packets (the lowest thresholds), and their slots (8 MB
    /// of table) made a third of the records cache misses for keys that matter to no threshold (a key under a floor is
    /// not even judged). With two floors, about 1,000 keys a second; detection's share of the collector's CPU at that
    /// rate, both gates alternating within one collector, 16.9 and 13.3 % against 21.0 and 20.1 %. A key that rises to
    /// a threshold still takes its slot within its first 2 % of it (4 % for a destination host: see <see cref="Add"/>).
    /// </summary>
    internal const float PromoteWeight = 2f;

    /// <summary>
    /// A key that received this much in a second takes its slot with its first record of the next one (<see cref="_ownSlot"/>):
    /// twice <see cref="PromoteWeight"/>, so that a key hovering about the gate is not noted every second.
    /// </summary>
    internal const float HeavyWeight = 2 * PromoteWeight;

    /// <summary>
    /// Whether the record goes to its key's own slot: the record is flow-sized, the key is tracked (a candidate, an attack,
    /// held rates) or was heavy the second before (<see cref="_ownSlot"/>), or the key's second reached
    /// <see cref="PromoteWeight"/> with it. A high-cardinality load (an ISP edge, a spoofed flood to random destinations)
    /// is mostly hosts with a few small records a second; their slots made the table megabytes and every record a cache
    /// miss, for keys the tick never judged (under the floors, see <see cref="SensorDetector"/>). A light host's records
    /// count in its /24 or /64 instead, and a light prefix's nowhere: a key's own slot misses at most
    /// <see cref="PromoteWeight"/> floors of its second (2 % of the lowest threshold of its kind: a prefix's floors are
    /// its hosts' times <see cref="DetectionConfig.PrefixThresholdFactor"/>), a destination host's at most twice that (its
    /// light count starts once its prefix's reached a host's PromoteWeight; see <see cref="Add"/>). Outgoing sources use
    /// this; destinations test their prefix first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool OwnSlot(SecondTable table, ulong hash, float weight, bool flowSized) =>
        flowSized || _ownSlot.MayHold(hash) || table.AddLight(hash, weight) >= PromoteWeight;

    private const double FlowSizedShare = 1 - 1e-9;

    // The processor's maximum (one instruction): no NaN or -0 can occur here, and Math.Max's handling of them costs several
    // instructions; a comparison's branch mispredicted whenever a record's largest share moved between its amounts.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Max(double a, double b) => double.MaxNative(a, b);

    /// <summary>
    /// A record's counts (sampling-scaled) in the order of <see cref="TrafficCounters"/>: counters 0-3 (packets, bytes,
    /// flows, SYN packets), 4-7 (TCP, UDP packets, UDP bytes, ICMP) and 8-9 (fragments, amplification), so that adding
    /// them to a slot is three vector additions.
    /// </summary>
    private struct Contribution
    {
        public Vector256<double> Lead;
        public Vector256<double> Middle;
        public Vector128<double> Tail;
        public double RateFactor;
        public int HoldSeconds;

        /// <summary>Handed to the detector as a <see cref="FlowEntry"/>: a long one's rate is held there, not in the key's sums.</summary>
        public bool Identified;

        public readonly double Packets => Lead.ToScalar();

        public readonly double Bytes => Lead.GetElement(1);

        public readonly double Flows => Lead.GetElement(2);

        public readonly double Amplification => Tail.GetElement(1);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Contribution Of(in FlowRecord r, uint rate, long durationMs, bool identified, DetectionConfig config)
        {
            var scale = (double)rate;
            var packets = r.Packets * scale;
            var bytes = r.Bytes * scale;
            // What the record adds to, by its kind's masks (see RecordKind); amplification only from a reflector's port.
            var kind = RecordKind.Of(r);
            var reflector = ReflectorPorts.Contains(r.SrcPort) ? 1 : 0;
            Contribution c = default;
            c.Identified = identified;
            c.Lead = Vector256.Create(packets, bytes, FlowsOf(r, scale), packets * RecordKind.Syn(kind));
            c.Middle = Vector256.Create(packets, packets, bytes, packets) * RecordKind.Middle(kind);
            c.Tail = Vector128.Create(packets, packets * reflector) * RecordKind.Tail(kind);
            if (durationMs > HeldOverMs)
            {
                c.RateFactor = 1000.0 / durationMs;
                // Whole seconds, rounded down (see SensorDetector.EvaluateKey: a hold must not outlast the next export).
                c.HoldSeconds = Math.Clamp((int)(durationMs / 1000), 2, config.MaxHoldSeconds);
            }

            return c;
        }

        /// <summary>Multiplies the counts (a sampled record's: see <see cref="EstimateBelow"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Scale(double factor)
        {
            Lead *= factor;
            Middle *= factor;
            Tail *= factor;
        }

        /// <summary>
        /// The flows a record stands for. Sampled: a one-packet record stands for about `rate` one-packet flows (a spoofed
        /// flood: SYNs, UDP, ICMP); a longer one for one flow. Not a TCP packet with ACK: it belongs to an established
        /// connection of unknown length, and at 1:1000 a flash crowd's web server read 21,000-112,000 "flows"/s from 4,000
        /// connections/s (bench detection false-positives --sampling 1000). An ACK flood is caught by its packets instead.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double FlowsOf(in FlowRecord r, double scale)
        {
            // 1 + (scale - 1) or 1 + 0: exactly scale or 1, without a branch on the record.
            var single = (r.Packets <= 1 ? 1 : 0) & ~((r.Protocol == 6 ? 1 : 0) & (r.TcpFlags >> 4));
            return 1 + (single * (scale - 1));
        }
    }

    /// <summary>
    /// Adds the record to a slot: a short one's counts to its instant sums (three vector additions), a long one's flow
    /// to them and, unless its flow is identified (held by the detector), its rates to the held ones.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Apply(ref KeySlot slot, in Contribution c, ushort sourcePort)
    {
        ref var instant = ref Unsafe.As<TrafficCounters, double>(ref slot.Instant);
        if (c.HoldSeconds <= 1)
        {
            (Vector256.LoadUnsafe(ref instant) + c.Lead).StoreUnsafe(ref instant);
            (Vector256.LoadUnsafe(ref instant, 4) + c.Middle).StoreUnsafe(ref instant, 4);
            (Vector128.LoadUnsafe(ref instant, 8) + c.Tail).StoreUnsafe(ref instant, 8);
        }
        else
        {
            slot.Instant[Counter.Flows] += c.Flows;
            if (!c.Identified)
            {
                AddHeld(ref slot, c);
            }
        }

        if (c.Amplification > 0)
        {
            slot.Vote(sourcePort, c.Amplification);
        }
    }

    /// <summary>A long record's rates, held on the key for as long as it lasted.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddHeld(ref KeySlot slot, in Contribution c)
    {
        AddRate(ref slot.Held, c);
        slot.HeldWeightSeconds += c.Packets * c.RateFactor * c.HoldSeconds;
    }

    /// <summary>
    /// Adds a long record's per-second rates (its counts × <see cref="Contribution.RateFactor"/>, flows aside). ICMP's,
    /// fragments' and amplification's only when there are some: in a slot's held rates they are past the line the others
    /// share (see <see cref="KeySlot"/>), which most records then do not touch.
    /// </summary>
    private static void AddRate(ref TrafficCounters v, in Contribution c)
    {
        ref var rates = ref Unsafe.As<TrafficCounters, double>(ref v);
        var factor = c.RateFactor;
        var lead = c.Lead * factor;
        var middle = c.Middle * factor;
        rates += lead.ToScalar();
        Unsafe.Add(ref rates, Counter.Bytes) += lead.GetElement(1);
        Unsafe.Add(ref rates, Counter.SynPackets) += lead.GetElement(3);
        Unsafe.Add(ref rates, Counter.TcpPackets) += middle.ToScalar();
        Unsafe.Add(ref rates, Counter.UdpPackets) += middle.GetElement(1);
        Unsafe.Add(ref rates, Counter.UdpBytes) += middle.GetElement(2);
        if (middle.GetElement(3) is var icmp && icmp != 0)
        {
            Unsafe.Add(ref rates, Counter.IcmpPackets) += icmp;
        }

        if (c.Tail != Vector128<double>.Zero)
        {
            var tail = c.Tail * factor;
            Unsafe.Add(ref rates, Counter.FragmentPackets) += tail.ToScalar();
            Unsafe.Add(ref rates, Counter.AmplificationPackets) += tail.GetElement(1);
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

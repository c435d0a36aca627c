using FlowWeb.Core.Detection.Evidence;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Detection;

/// <summary>One key's amounts in one second, as a receive thread adds them up.</summary>
internal struct KeySlot
{
    /// <summary>Records lasting up to a second: all of their counts, now.</summary>
    public TrafficCounters Instant;

    /// <summary>Longer records: their per-second rates, which the detector holds for as long as each record lasted.</summary>
    public TrafficCounters Held;

    /// <summary>Sum of the held records' packet rates, and of packet rate × hold seconds: their rate-weighted mean hold.</summary>
    public double HeldWeight;
    public double HeldWeightSeconds;

    /// <summary>The reflector source port carrying most amplification packets (a majority vote), and its margin.</summary>
    public ushort AmpPort;
    public double AmpVotes;

    /// <summary>Distinct sources (incoming) or destinations (outgoing).</summary>
    public SmallHyperLogLog Peers;

    /// <summary>Distinct destination hosts of a prefix.</summary>
    public HostBitmap Hosts;

    /// <summary>The key's index in the watch (-1: not watched), valid while <see cref="WatchStamp"/> is the table's.</summary>
    public int WatchIndex;

    public int WatchStamp;

    /// <summary>For a destination host, its prefix's index in the watch (-1: not watched), under the same stamp.</summary>
    public int PrefixWatchIndex;

    public void Vote(ushort port, double packets)
    {
        if (port == AmpPort)
        {
            AmpVotes += packets;
        }
        else if (AmpVotes >= packets)
        {
            AmpVotes -= packets;
        }
        else
        {
            AmpPort = port;
            AmpVotes = packets - AmpVotes;
        }
    }

    public void Merge(in KeySlot other)
    {
        Instant.Add(other.Instant);
        Held.Add(other.Held);
        HeldWeight += other.HeldWeight;
        HeldWeightSeconds += other.HeldWeightSeconds;
        Vote(other.AmpPort, other.AmpVotes);
        Peers.Merge(other.Peers);
        Hosts.Merge(other.Hosts);
    }

    /// <summary>Adds one of its hosts' second to a prefix's (the host's amounts, its peers, and the host as a destination).</summary>
    public void MergeHost(in KeySlot host, FlowAddress address)
    {
        Instant.Add(host.Instant);
        Held.Add(host.Held);
        HeldWeight += host.HeldWeight;
        HeldWeightSeconds += host.HeldWeightSeconds;
        if (host.AmpVotes > 0)
        {
            Vote(host.AmpPort, host.AmpVotes);
        }

        Peers.Merge(host.Peers);
        Hosts.Set(address.IsIPv4 ? (int)(address.Low & 0xFF) : (int)(AddressHash.Of(address) & 0xFF));
    }
}

/// <summary>
/// The amounts one receive thread counted in one second, by key (destination host, destination prefix, protected
/// source), in an open-addressing table written by that thread only. It starts small and doubles up to
/// <see cref="DetectionConfig.MaxKeysPerSecond"/>; beyond three quarters of that, new keys are dropped and counted.
/// A table is handed to the detector when its second ends and comes back cleared for reuse (shrunk when it grew
/// for a burst).
/// </summary>
internal sealed partial class SecondTable
{
    public const int InitialCapacity = 1024;

    private FlowAddress[] _addresses;
    private KeyKind[] _kinds;
    private KeySlot[] _slots;
    private int[] _used;
    private int _mask;
    private const int QuietResetsBeforeShrink = 30;
    private int _quietResets;
    private KeySlot _discard;
    private EvidenceSecond?[] _evidence = [];
    private readonly List<EvidenceSecond> _evidencePool = [];
    private int _evidenceUsed;

    public SecondTable(int capacity = InitialCapacity)
    {
        capacity = (int)Math.Max(InitialCapacity, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity));
        _addresses = new FlowAddress[capacity];
        _kinds = new KeyKind[capacity];
        _slots = new KeySlot[capacity];
        _used = new int[capacity];
        _mask = capacity - 1;
    }

    public long Second { get; set; }

    public int Count { get; private set; }

    public int Capacity => _mask + 1;

    /// <summary>New keys refused this second because the table was at its cap.</summary>
    public long Dropped { get; private set; }

    /// <summary>The longest record seen this second, in milliseconds (the exporter's active timeout shows here).</summary>
    public long LongestRecordMs { get; set; }

    public int EvidenceCount => _evidenceUsed;

    private IReadOnlyDictionary<DetectionKey, int>? _watch;

    /// <summary>Changes when the watch does; a slot's <see cref="KeySlot.WatchIndex"/> is current while its stamp is this (never 0, a cleared slot's).</summary>
    public int WatchStamp { get; private set; } = 1;

    /// <summary>Notes the watch in force (a new one invalidates every slot's cached index); always true.</summary>
    public bool Watching(IReadOnlyDictionary<DetectionKey, int> watch)
    {
        if (!ReferenceEquals(watch, _watch))
        {
            _watch = watch;
            WatchStamp = WatchStamp == int.MaxValue ? 1 : WatchStamp + 1;
        }

        return true;
    }

    public ref KeySlot Get(FlowAddress address, KeyKind kind, int maxCapacity)
    {
        var index = (int)(AddressHash.Of(address) ^ ((ulong)kind * 0x9E37_79B9UL)) & _mask;
        while (true)
        {
            var k = _kinds[index];
            if (k == KeyKind.None)
            {
                break;
            }

            if (k == kind && _addresses[index] == address)
            {
                return ref _slots[index];
            }

            index = (index + 1) & _mask;
        }

        if (Count >= (Capacity >> 1))
        {
            if (Capacity < maxCapacity)
            {
                Grow();
                return ref Get(address, kind, maxCapacity);
            }

            if (Count >= Capacity - (Capacity >> 2))
            {
                Dropped++;
                _discard = default;
                return ref _discard;
            }
        }

        _kinds[index] = kind;
        _addresses[index] = address;
        _used[Count++] = index;
        return ref _slots[index];
    }

    public int UsedIndex(int n) => _used[n];

    public DetectionKey KeyAt(int index) => new(_addresses[index], _kinds[index]);

    public ref KeySlot SlotAt(int index) => ref _slots[index];

    /// <summary>The evidence for the watched key with this index, started on first use.</summary>
    public EvidenceSecond Evidence(int watchIndex, DetectionKey key)
    {
        if (watchIndex >= _evidence.Length)
        {
            Array.Resize(ref _evidence, Math.Max(watchIndex + 1, _evidence.Length * 2));
        }

        if (_evidence[watchIndex] is { } existing && existing.Key == key)
        {
            return existing;
        }

        if (_evidenceUsed == _evidencePool.Count)
        {
            _evidencePool.Add(new EvidenceSecond());
        }

        var evidence = _evidencePool[_evidenceUsed++];
        evidence.Reset(key);
        _evidence[watchIndex] = evidence;
        return evidence;
    }

    public EvidenceSecond EvidenceAt(int n) => _evidencePool[n];

    /// <summary>Adds another thread's table for the same second.</summary>
    public void MergeFrom(SecondTable other, int maxCapacity)
    {
        for (var n = 0; n < other.Count; n++)
        {
            var index = other._used[n];
            Get(other._addresses[index], other._kinds[index], maxCapacity).Merge(other._slots[index]);
        }

        Dropped += other.Dropped;
        LongestRecordMs = Math.Max(LongestRecordMs, other.LongestRecordMs);
        MergeFlowsFrom(other);
    }

    /// <summary>
    /// Sums the destination hosts into their /24 or /64 (carpet bombing), once per host and second on the tick rather
    /// than per record on the receive thread. Call once, on the merged table of a second.
    /// </summary>
    public void AddPrefixes(int v4Length, int v6Length, int maxCapacity)
    {
        var hosts = Count;
        for (var n = 0; n < hosts; n++)
        {
            var index = _used[n];
            if (_kinds[index] != KeyKind.IncomingHost)
            {
                continue;
            }

            var address = _addresses[index];
            ref var prefix = ref Get(IpPrefix.Of(address, v4Length, v6Length).Network, KeyKind.IncomingPrefix, maxCapacity);

            // Get may have grown the table: the host's slot is read again by its (stable) position in the used list.
            prefix.MergeHost(_slots[_used[n]], address);
        }
    }

    /// <summary>Empties the table for reuse; one that grew for a burst and is now mostly idle gives memory back.</summary>
    public void Reset(long second)
    {
        // Shrink only after a while under an eighth, so a sensor that is busy every other second does not reallocate.
        _quietResets = Capacity > InitialCapacity && Count < Capacity >> 3 ? _quietResets + 1 : 0;
        if (_quietResets >= QuietResetsBeforeShrink)
        {
            _quietResets = 0;
            Reallocate(Capacity >> 1);
        }

        for (var n = 0; n < Count; n++)
        {
            var index = _used[n];
            _kinds[index] = KeyKind.None;
            _slots[index] = default;
        }

        Array.Clear(_evidence);
        _evidenceUsed = 0;
        ClearFlows();
        Count = 0;
        Dropped = 0;
        LongestRecordMs = 0;
        Second = second;
    }

    private void Grow()
    {
        var oldAddresses = _addresses;
        var oldKinds = _kinds;
        var oldSlots = _slots;
        var oldUsed = _used;
        var count = Count;
        Reallocate(Capacity * 2);
        for (var n = 0; n < count; n++)
        {
            var from = oldUsed[n];
            var index = (int)(AddressHash.Of(oldAddresses[from]) ^ ((ulong)oldKinds[from] * 0x9E37_79B9UL)) & _mask;
            while (_kinds[index] != KeyKind.None)
            {
                index = (index + 1) & _mask;
            }

            _kinds[index] = oldKinds[from];
            _addresses[index] = oldAddresses[from];
            _slots[index] = oldSlots[from];
            _used[Count++] = index;
        }
    }

    private void Reallocate(int capacity)
    {
        _addresses = new FlowAddress[capacity];
        _kinds = new KeyKind[capacity];
        _slots = new KeySlot[capacity];
        _used = new int[capacity];
        _mask = capacity - 1;
        Count = 0;
    }
}

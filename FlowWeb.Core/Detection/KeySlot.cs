using System.Runtime.InteropServices;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Detection;

/// <summary>
/// One key's amounts in one second, as a receive thread adds them up, with the key itself. Laid out for the receive
/// path, five 64-byte lines (the table's slots start on a line): a short record touches three (the key with the watch
/// cache and its first counts, the rest of its counts, the distinct peers), a long one three as well (the key with its
/// flow count, the peers, and its held rates with their hold), ICMP's held packets a fourth; a prefix's hosts come last.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 320)]
internal struct KeySlot
{
    [FieldOffset(0)]
    public FlowAddress Address;

    /// <summary>The key's index in the watch (-1: not watched), valid while <see cref="WatchStamp"/> is the table's.</summary>
    [FieldOffset(16)]
    public int WatchIndex;

    [FieldOffset(20)]
    public int WatchStamp;

    /// <summary>For a destination host, its prefix's index in the watch (-1: not watched), under the same stamp.</summary>
    [FieldOffset(24)]
    public int PrefixWatchIndex;

    /// <summary><see cref="KeyKind.None"/>: a free slot.</summary>
    [FieldOffset(28)]
    public KeyKind Kind;

    /// <summary>Records lasting up to a second: all of their counts, now (the first four in the key's line).</summary>
    [FieldOffset(32)]
    public TrafficCounters Instant;

    /// <summary>The reflector source port carrying most amplification packets (a majority vote), and its margin.</summary>
    [FieldOffset(112)]
    public double AmpVotes;

    [FieldOffset(120)]
    public ushort AmpPort;

    /// <summary>Distinct sources (incoming) or destinations (outgoing): one line of its own.</summary>
    [FieldOffset(128)]
    public SmallHyperLogLog Peers;

    /// <summary>
    /// Sum of the held records' packet rates × their hold seconds; over <see cref="HeldWeight"/>, their rate-weighted
    /// mean hold. In the line of the held rates a record adds to (all but ICMP's packets, fragments and amplification).
    /// </summary>
    [FieldOffset(192)]
    public double HeldWeightSeconds;

    /// <summary>Longer records: their per-second rates, which the detector holds for as long as each record lasted.</summary>
    [FieldOffset(200)]
    public TrafficCounters Held;

    /// <summary>Distinct destination hosts of a prefix.</summary>
    [FieldOffset(280)]
    public HostBitmap Hosts;

    /// <summary>Sum of the held records' packet rates (the weight of their mean hold; 0: nothing held).</summary>
    public readonly double HeldWeight => Held[Counter.Packets];

    /// <summary>
    /// The largest share of a flow-sized floor the key received this second, instant and held amounts together
    /// (<paramref name="inverseFloors"/>: <see cref="DetectionConfig.InverseFlowFloors"/>).
    /// </summary>
    public readonly double FloorShare(double[] inverseFloors)
    {
        var share = 0.0;
        for (var i = 0; i < Counter.Count; i++)
        {
            share = Math.Max(share, (Instant[i] + Held[i]) * inverseFloors[i]);
        }

        return share;
    }

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

    /// <summary>Adds another thread's amounts for the same key and second (not the key, nor the watch cache).</summary>
    public void Merge(in KeySlot other)
    {
        Instant.Add(other.Instant);
        Held.Add(other.Held);
        HeldWeightSeconds += other.HeldWeightSeconds;
        Vote(other.AmpPort, other.AmpVotes);
        Peers.Merge(other.Peers);
        Hosts.Merge(other.Hosts);
    }

    /// <summary>Adds one of its hosts' second to a prefix's (the host's amounts, its peers, and the host as a destination).</summary>
    public void MergeHost(in KeySlot host, FlowAddress address)
    {
        Instant.Add(host.Instant);
        if (host.HeldWeight > 0)
        {
            Held.Add(host.Held);
            HeldWeightSeconds += host.HeldWeightSeconds;
        }

        if (host.AmpVotes > 0)
        {
            Vote(host.AmpPort, host.AmpVotes);
        }

        Peers.Merge(host.Peers);
        Hosts.Set(HostBucket(address));
    }

    /// <summary>A host's bucket in its prefix's <see cref="Hosts"/>: for IPv4 its last byte, for IPv6 a hash.</summary>
    public static int HostBucket(FlowAddress address) => address.IsIPv4 ? (int)(address.Low & 0xFF) : (int)(AddressHash.Of(address) & 0xFF);
}

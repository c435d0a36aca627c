using System.Runtime.InteropServices;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Detection;

/// <summary>
/// One key's amounts in one second, as a receive thread adds them up, with the key itself. Laid out for the receive
/// path: the key, the watch cache, the counts every record adds to, the distinct peers and a prefix's hosts come first
/// (the first four cache lines, two aligned pairs, which a record touches); what only long records and amplification
/// use comes after.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KeySlot
{
    public FlowAddress Address;

    /// <summary>The key's index in the watch (-1: not watched), valid while <see cref="WatchStamp"/> is the table's.</summary>
    public int WatchIndex;

    public int WatchStamp;

    /// <summary>For a destination host, its prefix's index in the watch (-1: not watched), under the same stamp.</summary>
    public int PrefixWatchIndex;

    /// <summary><see cref="KeyKind.None"/>: a free slot.</summary>
    public KeyKind Kind;

    /// <summary>Records lasting up to a second: all of their counts, now.</summary>
    public TrafficCounters Instant;

    /// <summary>Distinct sources (incoming) or destinations (outgoing).</summary>
    public SmallHyperLogLog Peers;

    /// <summary>Distinct destination hosts of a prefix.</summary>
    public HostBitmap Hosts;

    /// <summary>Longer records: their per-second rates, which the detector holds for as long as each record lasted.</summary>
    public TrafficCounters Held;

    /// <summary>Sum of the held records' packet rates, and of packet rate × hold seconds: their rate-weighted mean hold.</summary>
    public double HeldWeight;
    public double HeldWeightSeconds;

    /// <summary>The reflector source port carrying most amplification packets (a majority vote), and its margin.</summary>
    public double AmpVotes;
    public ushort AmpPort;

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
        if (host.HeldWeight > 0)
        {
            Held.Add(host.Held);
            HeldWeight += host.HeldWeight;
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

using System.Numerics;
using System.Runtime.CompilerServices;
using FlowWeb.Core.Aggregation.Tables;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Detection;

/// <summary>Indexes of <see cref="TrafficCounters"/>.</summary>
internal static class Counter
{
    public const int Packets = 0;
    public const int Bytes = 1;
    public const int Flows = 2;
    public const int SynPackets = 3;
    public const int TcpPackets = 4;
    public const int UdpPackets = 5;
    public const int UdpBytes = 6;
    public const int IcmpPackets = 7;
    public const int FragmentPackets = 8;

    /// <summary>UDP packets from a well-known reflector port (see <see cref="ReflectorPorts"/>).</summary>
    public const int AmplificationPackets = 9;
    public const int Count = 10;
}

/// <summary>Per-second amounts of one key (sampling-scaled), inline so that a table slot is one block of memory.</summary>
[InlineArray(Counter.Count)]
internal struct TrafficCounters
{
    private double _element;

    public void Add(in TrafficCounters other)
    {
        for (var i = 0; i < Counter.Count; i++)
        {
            this[i] += other[i];
        }
    }

    /// <summary>Subtracts, never going below zero (rounding must not leave a negative rate behind).</summary>
    public void Subtract(in TrafficCounters other)
    {
        for (var i = 0; i < Counter.Count; i++)
        {
            this[i] = Math.Max(0, this[i] - other[i]);
        }
    }

    public readonly bool IsZero
    {
        get
        {
            for (var i = 0; i < Counter.Count; i++)
            {
                if (this[i] > 0)
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>
/// HyperLogLog with 64 registers (6 index bits): about 13 % standard error over any range, 64 bytes, merged by
/// taking each register's maximum. Enough to compare distinct sources per second with a threshold.
/// </summary>
[InlineArray(Registers)]
internal struct SmallHyperLogLog
{
    public const int Registers = 64;

    /// <summary>2^-r for every rank a register can hold (at most 59): the tick estimates every key every second.</summary>
    private static readonly double[] InversePowers = [.. Enumerable.Range(0, 64).Select(r => Math.ScaleB(1.0, -r))];

    private byte _register;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong hash)
    {
        var index = (int)(hash >> 58);
        var rank = (byte)(BitOperations.LeadingZeroCount((hash << 6) | (1UL << 5)) + 1);
        if (this[index] < rank)
        {
            this[index] = rank;
        }
    }

    public void Merge(in SmallHyperLogLog other)
    {
        for (var i = 0; i < Registers; i++)
        {
            if (other[i] > this[i])
            {
                this[i] = other[i];
            }
        }
    }

    public readonly double Estimate()
    {
        double sum = 0;
        var zeros = 0;
        var inverse = InversePowers;
        for (var i = 0; i < Registers; i++)
        {
            var register = this[i];
            sum += inverse[register & 63];
            zeros += register == 0 ? 1 : 0;
        }

        const double alpha = 0.709; // Flajolet et al. for m = 64
        var estimate = alpha * Registers * Registers / sum;
        return estimate <= 2.5 * Registers && zeros > 0 ? Registers * Math.Log((double)Registers / zeros) : estimate;
    }
}

/// <summary>Which of 256 host buckets of a prefix were hit (for an IPv4 /24 exactly the hosts): distinct destinations.</summary>
[InlineArray(4)]
internal struct HostBitmap
{
    private ulong _word;

    public void Set(int bucket) => this[(bucket >> 6) & 3] |= 1UL << (bucket & 63);

    public void Merge(in HostBitmap other)
    {
        for (var i = 0; i < 4; i++)
        {
            this[i] |= other[i];
        }
    }

    public readonly int Count => BitOperations.PopCount(this[0]) + BitOperations.PopCount(this[1]) + BitOperations.PopCount(this[2]) + BitOperations.PopCount(this[3]);
}

internal static class AddressHash
{
    /// <summary>
    /// A well-mixed 64-bit hash of an address: the tables' seeded mixer (<see cref="TableHash"/>, random per process)
    /// chained over both halves. Keyed by addresses an outsider chooses (the destinations and sources of a spoofed
    /// flood, or of forged records), the second's table, the light counts and the distinct-count registers must not be
    /// predictable: the unseeded finalizer over <c>High × C ⊕ Low</c> before let anyone pick IPv6 addresses that all
    /// combined to one value, so one home position of the table (a probe as long as the keys), and search IPv4 ones
    /// offline that share one. An IPv4 address's high half is 0, whose mix is taken once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(FlowAddress address) => TableHash.Mix((address.High == 0 ? MixedZero : TableHash.Mix(address.High)) ^ address.Low);

    private static readonly ulong MixedZero = TableHash.Mix(0);
}

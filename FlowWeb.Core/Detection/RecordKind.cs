using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Detection;

/// <summary>
/// What a record counts as, one of <see cref="Count"/> kinds: its protocol's class (other, TCP, UDP, ICMP or ICMPv6)
/// × 4, + 2 when it is a SYN-only TCP record, + 1 when its ports are 0 and 0 (a fragment, for TCP and UDP). The amounts
/// a record adds to (<see cref="Middle"/>, <see cref="Syn"/>, <see cref="Tail"/>) and its share of the floors
/// (<see cref="DetectionConfig.PacketShares"/>) are read by its kind from small tables, not branched on: on a mix of TCP,
/// UDP and ICMP records the protocol's branches mispredicted about one record in three, a few ns each on the receive path.
/// </summary>
internal static class RecordKind
{
    public const int Count = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(in FlowRecord r) =>
        (ProtocolClasses[r.Protocol] * 4) + ((r.TcpFlags & 0x12) == 0x02 ? 2 : 0) + ((r.SrcPort | r.DstPort) == 0 ? 1 : 0);

    /// <summary>The mask of the amounts 4-7 of <see cref="TrafficCounters"/> (TCP, UDP packets, UDP bytes, ICMP) a record of this kind adds to.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Middle(int kind) => Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(Middles), (nuint)(kind >> 2) * 4);

    /// <summary>1 where a record of this kind adds its packets to SYN packets, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Syn(int kind) => Unsafe.Add(ref MemoryMarshal.GetReference(Syns), kind);

    /// <summary>
    /// The mask of amounts 8-9 (fragments, amplification) a record of this kind adds its packets to: fragments for a TCP or
    /// UDP fragment, amplification for other UDP (when its source port is a reflector's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Tail(int kind) => Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(Tails), (nuint)kind * 2);

    private static ReadOnlySpan<double> Middles => [0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1];

    private static ReadOnlySpan<double> Syns => [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0];

    private static ReadOnlySpan<double> Tails =>
    [
        0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 1, 0, 0, 0, 1, 0,
        0, 1, 1, 0, 0, 1, 1, 0,
        0, 0, 0, 0, 0, 0, 0, 0,
    ];

    /// <summary>By IP protocol number: 1 TCP (6), 2 UDP (17), 3 ICMP (1) and ICMPv6 (58), 0 the rest.</summary>
    private static ReadOnlySpan<byte> ProtocolClasses =>
    [
        0, 3, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
}

using System.Runtime.CompilerServices;
using FlowWeb.Core.Detection;

namespace FlowWeb.Tests.Detection;

/// <summary>
/// A detection key slot is laid out so that a record touches three of its five cache lines (the prefetch loads those
/// three by the record's duration): these pin what shares a line.
/// </summary>
public sealed class KeySlotLayoutTests
{
    [Fact]
    public void KeySlot_FiveWholeCacheLines() => Assert.Equal(5 * 64, Unsafe.SizeOf<KeySlot>());

    [Fact]
    public void ShortRecord_KeyWatchCacheAndInstantCounts_FirstTwoLines()
    {
        var slot = new KeySlot();
        Assert.Equal(0, Line(ref slot, ref slot.Address));
        Assert.Equal(0, Line(ref slot, ref slot.Kind));
        Assert.Equal(0, Line(ref slot, ref slot.WatchStamp));
        Assert.Equal(0, Line(ref slot, ref slot.PrefixWatchIndex));
        for (var i = 0; i < Counter.Count; i++)
        {
            Assert.InRange(Line(ref slot, ref slot.Instant[i]), 0, 1);
        }

        Assert.Equal(1, Line(ref slot, ref slot.AmpVotes));
    }

    [Fact]
    public void LongRecord_FlowCountWithTheKey_HeldRatesAndTheirHoldInOneLine()
    {
        var slot = new KeySlot();

        // A long record counts its flow now and its rates held: the flow in the key's line, the rates in one line.
        Assert.Equal(0, Line(ref slot, ref slot.Instant[Counter.Flows]));
        var held = Line(ref slot, ref slot.HeldWeightSeconds);
        foreach (var counter in new[] { Counter.Packets, Counter.Bytes, Counter.SynPackets, Counter.TcpPackets, Counter.UdpPackets, Counter.UdpBytes })
        {
            Assert.Equal(held, Line(ref slot, ref slot.Held[counter]));
        }

        Assert.NotEqual(held, Line(ref slot, ref slot.Instant[Counter.Packets]));
    }

    [Fact]
    public void Peers_ALineOfTheirOwn()
    {
        var slot = new KeySlot();
        var first = Offset(ref slot, ref slot.Peers[0]);
        Assert.Equal(0, first % 64);
        Assert.Equal(first + SmallHyperLogLog.Registers - 1, Offset(ref slot, ref slot.Peers[SmallHyperLogLog.Registers - 1]));
    }

    private static int Offset<T>(ref KeySlot slot, ref T field) =>
        (int)Unsafe.ByteOffset(ref Unsafe.As<KeySlot, byte>(ref slot), ref Unsafe.As<T, byte>(ref field));

    private static int Line<T>(ref KeySlot slot, ref T field) => Offset(ref slot, ref field) / 64;
}

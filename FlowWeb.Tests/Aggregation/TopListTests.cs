using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Aggregation;

public sealed class TopListTests
{
    private static ToplistKey Host(uint i) => new(FlowAddress.FromIPv4(0x0A00_0000 + i));

    [Fact]
    public void Add_FewerKeysThanCapacity_IsExactAndRanked()
    {
        var list = new TopList(100);
        list.Add(Host(1), 100, 1);
        list.Add(Host(2), 500, 5);
        list.Add(Host(1), 450, 3);
        list.Add(Host(3), 10, 1);

        var top = list.Top(2);

        Assert.False(list.IsApproximate);
        Assert.Equal([Host(1), Host(2)], top.Select(r => r.Key));
        Assert.Equal(550, top[0].Bytes);
        Assert.Equal(4, top[0].Packets);
        Assert.Equal(2, top[0].Flows);
        Assert.Equal(0, top[0].ErrorBytes);
        Assert.Equal(1060, list.TotalBytes);
    }

    [Fact]
    public void Add_ManyMoreKeysThanCapacity_HeavyHittersFoundWithinTheErrorBound()
    {
        var random = new Random(7);
        var list = new TopList(1000);
        var truth = new Dictionary<ToplistKey, long>();
        for (var i = 0; i < 200_000; i++)
        {
            // 20 heavy hosts carry about half of the bytes; 50,000 others share the rest.
            var key = random.Next(2) == 0 ? Host((uint)random.Next(20)) : Host(1000 + (uint)random.Next(50_000));
            var bytes = random.Next(1, 1500);
            list.Add(key, bytes, 1);
            truth[key] = truth.GetValueOrDefault(key) + bytes;
        }

        var top = list.Top(20);
        var expected = truth.OrderByDescending(kv => kv.Value).Take(20).Select(kv => kv.Key).ToHashSet();

        Assert.True(list.IsApproximate);
        Assert.True(list.ErrorBound <= list.TotalBytes / list.Capacity);
        Assert.Equal(expected, top.Select(r => r.Key).ToHashSet());
        foreach (var row in top)
        {
            Assert.InRange(row.Bytes - truth[row.Key], 0, list.ErrorBound);
        }
    }

    [Fact]
    public void Clear_AfterApproximatePeriod_StartsExactAgain()
    {
        var list = new TopList(10);
        for (uint i = 0; i < 50; i++)
        {
            list.Add(Host(i), 10 + i, 1);
        }

        list.Clear();
        list.Add(Host(1), 5, 1);

        Assert.False(list.IsApproximate);
        Assert.Equal(1, list.Count);
        Assert.Equal(5, list.TotalBytes);
        Assert.Equal(0, list.ErrorBound);
    }
}

public sealed class ExactCountersTests
{
    private static ToplistKey Connection(int i) =>
        new(FlowAddress.FromIPv4(0x0A00_0000 + (uint)(i % 5000)), FlowAddress.FromIPv4(0xC000_0200 + (uint)(i / 5000)), (ushort)i, 443, 6);

    [Fact]
    public void Find_ThroughSeveralGrowths_EveryKeyKeepsItsOwnCounters()
    {
        var table = new ExactCounters(200_000);
        var truth = new Dictionary<ToplistKey, long>();
        var random = new Random(11);
        for (var n = 0; n < 300_000; n++)
        {
            var key = Connection(random.Next(60_000));
            var bytes = random.Next(1, 1500);
            ref var slot = ref table.Find(key, 200_000);
            slot.Bytes += bytes;
            slot.Flows++;
            truth[key] = truth.GetValueOrDefault(key) + bytes;
        }

        var stored = new Dictionary<ToplistKey, long>();
        foreach (ref readonly var slot in table.Slots)
        {
            if (slot.Hash != 0)
            {
                stored.Add(slot.Key, slot.Bytes);
            }
        }

        Assert.Equal(truth.Count, table.Count);
        Assert.Equal(truth.OrderBy(p => p.Value).ThenBy(p => p.Key.GetHashCode()), stored.OrderBy(p => p.Value).ThenBy(p => p.Key.GetHashCode()));
    }

    [Fact]
    public void Find_ConnectionsThatDifferByPortAlone_StayNearTheirHomeSlots()
    {
        // A scan or a flood from one host: the same two addresses, every source port. ToplistKey's hash puts the
        // ports in its high bits; without mixing, all of these started at a handful of slots.
        var table = new ExactCounters(200_000);
        var a = FlowAddress.FromIPv4(0xC633_6407);
        var b = FlowAddress.FromIPv4(0xCB00_7101);
        for (var port = 0; port < 65_536; port++)
        {
            table.Find(new ToplistKey(a, b, (ushort)port, 80, 6), 200_000).Flows++;
        }

        Assert.Equal(65_536, table.Count);
        Assert.InRange(table.LongestProbe(), 0, 64);
    }

    [Fact]
    public void Find_AtTheLimit_NewKeyRefusedKnownKeyStillCounted()
    {
        var table = new ExactCounters(3);
        for (var i = 0; i < 3; i++)
        {
            table.Find(Connection(i), 3).Bytes = 10;
        }

        Assert.True(System.Runtime.CompilerServices.Unsafe.IsNullRef(ref table.Find(Connection(3), 3)));
        table.Find(Connection(1), 3).Bytes += 5;
        Assert.Equal(15, table.Find(Connection(1), 3).Bytes);
        Assert.Equal(3, table.Count);
    }

    [Fact]
    public void Clear_SmallTableIsReused_LargeTableIsGivenUp()
    {
        var small = new ExactCounters(100);
        small.Find(Connection(1), 100).Bytes = 1;
        var large = new ExactCounters(500_000);
        for (var i = 0; i < 200_000; i++)
        {
            large.Find(Connection(i), 500_000).Bytes = 1;
        }

        Assert.True(small.Clear());
        Assert.Equal(0, small.Count);
        Assert.Equal(0, small.Find(Connection(1), 100).Bytes);
        Assert.False(large.Clear());
    }
}

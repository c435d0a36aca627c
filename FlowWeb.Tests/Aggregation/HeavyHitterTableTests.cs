using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Aggregation.Tables;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Aggregation;

/// <summary>
/// The frequent-items guarantee of <see cref="HeavyHitterTable{TKey, TSlot}"/>, checked against exact counts on
/// skewed, uniform and adversarial streams: every key with more true bytes than the table's offset is in the table,
/// and every key in it has true bytes between its count and its count plus its error (at most the offset).
/// </summary>
public sealed class HeavyHitterTableTests
{
    private const int Slots = 1024;

    private static (HeavyHitterTable<Key32, CounterSlot<Key32>> Table, Dictionary<uint, long> Truth, long Total) Run(IEnumerable<(uint Key, long Bytes)> stream)
    {
        var table = new HeavyHitterTable<Key32, CounterSlot<Key32>>(Slots);
        var truth = new Dictionary<uint, long>();
        long total = 0;
        foreach (var (key, bytes) in stream)
        {
            table.Find(new Key32(key), bytes).Add(bytes, 1);
            truth[key] = truth.GetValueOrDefault(key) + bytes;
            total += bytes;
        }

        return (table, truth, total);
    }

    /// <summary>Asserts the guarantee and returns the keys the table holds.</summary>
    private static Dictionary<uint, (long Count, long Error)> AssertGuarantee(HeavyHitterTable<Key32, CounterSlot<Key32>> table, Dictionary<uint, long> truth, long total)
    {
        var held = new Dictionary<uint, (long Count, long Error)>();
        foreach (var slot in table.Occupied)
        {
            held.Add(slot.Key.Value, (slot.Bytes, table.ErrorOf(slot.Stamp)));
        }

        Assert.Equal(table.Count, held.Count);
        Assert.True(held.Count <= table.MaxKeys);
        foreach (var (key, (count, error)) in held)
        {
            Assert.InRange(error, 0, table.Offset);
            Assert.InRange(truth[key], count, count + error);
        }

        foreach (var (key, bytes) in truth)
        {
            if (bytes > table.Offset)
            {
                Assert.True(held.ContainsKey(key), $"key {key} with {bytes} bytes (> bound {table.Offset}) is missing");
            }
        }

        // The documented size of the bound: at most 2 x bytes / keys kept at a purge (half the slots at least).
        Assert.True(table.Offset <= 2 * total / (Slots / 2), $"bound {table.Offset} for {total} bytes");
        return held;
    }

    private static IEnumerable<(uint, long)> Zipf(int count, int keys, double exponent, int seed)
    {
        var random = new Random(seed);
        var cdf = new double[keys];
        double sum = 0;
        for (var i = 0; i < keys; i++)
        {
            sum += 1 / Math.Pow(i + 1, exponent);
            cdf[i] = sum;
        }

        for (var n = 0; n < count; n++)
        {
            var index = Array.BinarySearch(cdf, random.NextDouble() * sum);
            yield return ((uint)(index < 0 ? ~index : index), random.Next(40, 1500));
        }
    }

    [Theory]
    [InlineData(0.8, 1)]
    [InlineData(1.0, 2)]
    [InlineData(1.3, 3)]
    public void Find_ZipfStream_HeavyKeysListedAndCountsWithinTheirError(double exponent, int seed)
    {
        var (table, truth, total) = Run(Zipf(300_000, 100_000, exponent, seed));

        var held = AssertGuarantee(table, truth, total);

        Assert.True(table.IsApproximate);
        var top10 = truth.OrderByDescending(kv => kv.Value).Take(10).Select(kv => kv.Key);
        Assert.All(top10, key => Assert.True(held.ContainsKey(key)));
    }

    [Fact]
    public void Find_UniformStream_GuaranteeHoldsAndNothingStandsOut()
    {
        var random = new Random(4);
        var (table, truth, total) = Run(Enumerable.Range(0, 200_000).Select(_ => ((uint)random.Next(50_000), (long)random.Next(40, 1500))));

        AssertGuarantee(table, truth, total);

        Assert.True(table.IsApproximate);
    }

    [Fact]
    public void Find_FloodOfDistinctKeysBetweenTwoHeavyKeys_BothHeavyKeysListedWithBoundedError()
    {
        // One heavy key, then 200,000 keys seen once each (a spoofed flood), then a second heavy key.
        var stream = Enumerable.Range(0, 2000).Select(_ => (1u, 1500L))
            .Concat(Enumerable.Range(0, 200_000).Select(i => (1000u + (uint)i, 1500L)))
            .Concat(Enumerable.Range(0, 2000).Select(_ => (2u, 1500L)));
        var (table, truth, total) = Run(stream);

        var held = AssertGuarantee(table, truth, total);

        Assert.True(truth[1] > table.Offset && truth[2] > table.Offset);
        Assert.True(held.ContainsKey(1) && held.ContainsKey(2));

        // The second heavy key came after the flood: its error is the offset when it arrived; the first one, there
        // before any purge, was never dropped, so it is exact.
        Assert.Equal((truth[1], 0L), held[1]);
    }

    [Fact]
    public void Find_HeavyKeysInterleavedWithAFlood_EveryHeavyKeyListed()
    {
        var stream = Enumerable.Range(0, 400_000).Select(i => i % 4 == 0 ? ((uint)(i / 4 % 20), 1500L) : (100u + (uint)i, 64L));
        var (table, truth, total) = Run(stream);

        var held = AssertGuarantee(table, truth, total);

        Assert.All(Enumerable.Range(0, 20), key => Assert.True(held.ContainsKey((uint)key)));
    }

    [Fact]
    public void Find_RecurringHighCardinality_FilterRefusesTheTailAndTheGuaranteeHolds()
    {
        // The collector benchmark's shape: 20,000 keys (twenty times the table) seen again and again with heavy-tailed
        // sizes, and five keys that carry a tenth of the records each second time round.
        var random = new Random(11);
        var stream = Enumerable.Range(0, 600_000).Select(i => i % 20 == 0
            ? ((uint)(i / 20 % 5), 1500L)
            : (10u + (uint)random.Next(20_000), (long)(random.NextDouble() < 0.05 ? random.Next(10_000, 60_000) : random.Next(40, 1500))));
        var (table, truth, total) = Run(stream);

        var held = AssertGuarantee(table, truth, total);

        // Most records of keys not in the table were counted by the filter instead of being inserted and purged again.
        Assert.True(table.Refused > 300_000, $"{table.Refused} records refused");
        Assert.All(Enumerable.Range(0, 5), key => Assert.True(held.ContainsKey((uint)key)));
    }

    [Fact]
    public void Find_KeyRefusedManyTimesThenGrowing_ListedOnceItPassesTheBound()
    {
        // Key 1 sends 64 bytes among a flood of distinct 1,500-byte keys (each of its records is refused while its
        // filtered total is under the offset), then keeps sending until its total is far above the bound; key 2 is
        // heavy, dropped (silent for a long flood) and heavy again.
        var stream = Enumerable.Range(0, 300_000).Select(i => i % 10 == 0 ? (1u, 64L) : (1000u + (uint)i, 1500L))
            .Concat(Enumerable.Range(0, 3000).Select(_ => (2u, 1500L)))
            .Concat(Enumerable.Range(0, 200_000).Select(i => i % 10 == 0 ? (1u, 640L) : (400_000u + (uint)i, 1500L)))
            .Concat(Enumerable.Range(0, 3000).Select(_ => (2u, 1500L)));
        var (table, truth, total) = Run(stream);

        var held = AssertGuarantee(table, truth, total);

        Assert.True(table.Refused > 0);
        Assert.True(truth[1] > table.Offset && truth[2] > table.Offset, $"bound {table.Offset}, key 1 {truth[1]}, key 2 {truth[2]}");
        Assert.True(held.ContainsKey(1) && held.ContainsKey(2));
    }

    [Fact]
    public void Find_FewerKeysThanFit_ExactWithoutPurge()
    {
        var random = new Random(5);
        var (table, truth, _) = Run(Enumerable.Range(0, 50_000).Select(_ => ((uint)random.Next(700), (long)random.Next(1, 1500))));

        Assert.False(table.IsApproximate);
        Assert.Equal(0, table.Offset);
        Assert.Equal(truth.Count, table.Count);
        foreach (var slot in table.Occupied)
        {
            Assert.Equal(truth[slot.Key.Value], slot.Bytes);
        }
    }

    [Fact]
    public void Clear_AfterPurges_ExactAgainWithNoOffset()
    {
        var (table, _, _) = Run(Enumerable.Range(0, 5000).Select(i => ((uint)i, 100L)));
        Assert.True(table.IsApproximate);

        table.Clear(keepSlots: Slots);
        table.Find(new Key32(7), 5).Add(5, 1);

        Assert.Equal((false, 0L, 1, 0L), (table.IsApproximate, table.Offset, table.Count, table.Refused));
    }

    [Fact]
    public void Find_ThroughSeveralGrowths_EveryKeyKeepsItsOwnCounters()
    {
        var table = new HeavyHitterTable<Key128, CounterSlot<Key128>>(1 << 17);
        var truth = new Dictionary<Key128, long>();
        var random = new Random(11);
        for (var n = 0; n < 300_000; n++)
        {
            var key = new Key128(0x0A00_0000_C000_0200UL + (ulong)random.Next(60_000), 443);
            var bytes = random.Next(1, 1500);
            table.Find(key, bytes).Add(bytes, 1);
            truth[key] = truth.GetValueOrDefault(key) + bytes;
        }

        var stored = new Dictionary<Key128, long>();
        foreach (var slot in table.Occupied)
        {
            stored.Add(slot.Key, slot.Bytes);
        }

        Assert.False(table.IsApproximate);
        Assert.Equal(truth.OrderBy(p => p.Key.High), stored.OrderBy(p => p.Key.High));
    }

    [Fact]
    public void Find_ConnectionsThatDifferByPortAlone_StayNearTheirHomeSlots()
    {
        // A scan or a flood from one host: the same two addresses, every source port.
        var compact = new HeavyHitterTable<Key128, CounterSlot<Key128>>(1 << 17);
        var wide = new HeavyHitterTable<WideKey, CounterSlot<WideKey>>(1 << 17);
        var a = FlowAddress.Parse("2001:db8::7");
        var b = FlowAddress.Parse("2001:db8::1:1");
        for (var port = 0; port < 65_536; port++)
        {
            compact.Find(new Key128(0xC633_6407_CB00_7101UL, ((ulong)port << 24) | (80 << 8) | 6), 1).Add(1, 1);
            wide.Find(new WideKey(new ToplistKey(a, b, (ushort)port, 80, 6)), 1).Add(1, 1);
        }

        Assert.Equal((65_536, 65_536), (compact.Count, wide.Count));
        Assert.InRange(compact.LongestProbe(), 0, 64);
        Assert.InRange(wide.LongestProbe(), 0, 64);
    }

    [Fact]
    public void SlotBytes_IPv4Keys_NoWiderThanTheirCounters()
    {
        // Each slot's counters and key, plus its one-byte tag.
        Assert.Equal(33, HeavyHitterTable<Key32, CounterSlot<Key32>>.SlotBytes);
        Assert.Equal(33, HeavyHitterTable<Key64, CounterSlot<Key64>>.SlotBytes);
        Assert.Equal(41, HeavyHitterTable<Key128, CounterSlot<Key128>>.SlotBytes);
        // Address slots count both sides and the records to self (which Top IP counts once).
        Assert.Equal(73, HeavyHitterTable<Key32, AddressSlot<Key32>>.SlotBytes);
        Assert.Equal(89, HeavyHitterTable<Key128, AddressSlot<Key128>>.SlotBytes);
    }
}

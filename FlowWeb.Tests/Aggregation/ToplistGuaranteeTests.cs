using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Tests.Aggregation;

/// <summary>
/// The six default toplists of a sensor against exact counts made independently from <see cref="ToplistKeys.KeysOf"/>:
/// equal while the keys fit, within the stated bound beyond (every key above the bound listed, every row's true bytes
/// between its bytes minus its error and its bytes), for one shard and for several shards merged.
/// </summary>
public sealed class ToplistGuaranteeTests
{
    private const long Start = 1_700_000_100L - (1_700_000_100L % 900);

    private static readonly IReadOnlyList<ToplistDefinition> Lists = [.. ToplistDefinition.Defaults().Select(d => d with { Count = 1_000_000 })];

    private static Dictionary<int, Dictionary<ToplistKey, long>> Truth(IEnumerable<(FlowRecord Record, long Bytes)> stream)
    {
        var truth = Lists.ToDictionary(d => d.Id, _ => new Dictionary<ToplistKey, long>());
        Span<ToplistKey> keys = stackalloc ToplistKey[2];
        foreach (var (r, bytes) in stream)
        {
            foreach (var definition in Lists)
            {
                var table = truth[definition.Id];
                var n = new ToplistKeys(definition.Type, definition.Fields).KeysOf(r, keys);
                for (var k = 0; k < n; k++)
                {
                    table[keys[k]] = table.GetValueOrDefault(keys[k]) + bytes;
                }
            }
        }

        return truth;
    }

    private static FlowRecord Record(Random random, int sources, int destinations, double ipv6Share)
    {
        var v6 = random.NextDouble() < ipv6Share;
        FlowAddress Address(int index, uint v4Base) => v6
            ? new FlowAddress(0x2001_0DB8_0000_0000UL, (ulong)index)
            : FlowAddress.FromIPv4(v4Base + (uint)index);
        return new FlowRecord
        {
            SrcAddr = Address(random.Next(sources), 0x0A00_0000),
            DstAddr = Address((int)Math.Min(destinations - 1, Math.Floor(Math.Pow(random.NextDouble(), 3) * destinations)), 0xC000_0000),
            SrcPort = (ushort)random.Next(1024, 65536),
            DstPort = (ushort)(random.Next(4) switch { 0 => 443, 1 => 80, 2 => 53, _ => random.Next(1, 1024) }),
            Protocol = (byte)(random.Next(10) < 7 ? 6 : 17),
        };
    }

    private static List<(FlowRecord, long)> Stream(int count, int sources, int destinations, double ipv6Share, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (Record(random, sources, destinations, ipv6Share), (long)random.Next(40, 1500)))];
    }

    private static void AssertWithinBound(ToplistPeriodResult result, Dictionary<ToplistKey, long> truth, string list)
    {
        var listed = result.Rows.ToDictionary(r => r.Key);
        foreach (var row in result.Rows)
        {
            var bytes = truth.GetValueOrDefault(row.Key);
            Assert.True(row.Bytes - row.ErrorBytes <= bytes && bytes <= row.Bytes, $"{list}: {row.Key.A} has {bytes} bytes, row says {row.Bytes} - {row.ErrorBytes}");
            Assert.InRange(row.ErrorBytes, 0, result.ErrorBound);
        }

        foreach (var (key, bytes) in truth)
        {
            Assert.True(bytes <= result.ErrorBound || listed.ContainsKey(key), $"{list}: {key.A} with {bytes} bytes > bound {result.ErrorBound} is missing");
        }

        Assert.Equal(truth.Values.Sum(), result.TotalBytes);
    }

    [Fact]
    public void Add_FewerKeysThanCapacity_EveryListExactlyAsCountedIndependently()
    {
        var stream = Stream(20_000, sources: 300, destinations: 200, ipv6Share: 0.3, seed: 1);
        var set = new ToplistSet(Lists, capacity: 100_000, Start);
        foreach (var (r, bytes) in stream)
        {
            set.Add(r, bytes, 1);
        }

        var truth = Truth(stream);
        foreach (var definition in Lists)
        {
            var result = set.Snapshot(definition.Id, 1_000_000)!;
            Assert.False(result.Approximate, definition.Name);
            Assert.Equal(truth[definition.Id].Count, result.DistinctKeys);
            Assert.Equal(truth[definition.Id].OrderBy(kv => kv.Key.GetHashCode()).ThenBy(kv => kv.Value),
                result.Rows.Select(r => KeyValuePair.Create(r.Key, r.Bytes)).OrderBy(kv => kv.Key.GetHashCode()).ThenBy(kv => kv.Value));
            Assert.All(result.Rows, r => Assert.Equal(0, r.ErrorBytes));
        }
    }

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.4, 2)]
    public void Add_ManyMoreKeysThanCapacity_EveryListWithinItsBound(double ipv6Share, int seed)
    {
        var stream = Stream(60_000, sources: 40_000, destinations: 3000, ipv6Share, seed);
        var set = new ToplistSet(Lists, capacity: 2000, Start);
        foreach (var (r, bytes) in stream)
        {
            set.Add(r, bytes, 1);
        }

        var truth = Truth(stream);
        var closed = set.Roll(Start + 900)!;
        foreach (var state in closed)
        {
            var result = ToplistPeriodState.Merge([state], 1_000_000);
            AssertWithinBound(result, truth[state.Definition.Id], state.Definition.Name);
            if (state.Definition.Type is not ToplistType.TopProtocols)
            {
                Assert.True(result.Approximate, state.Definition.Name);
            }
        }
    }

    [Fact]
    public void Merge_ThreeShardsBeyondCapacity_MergedRowsWithinTheSummedBound()
    {
        var stream = Stream(60_000, sources: 30_000, destinations: 2000, ipv6Share: 0.2, seed: 3);
        ToplistSet[] shards = [new(Lists, 1500, Start), new(Lists, 1500, Start), new(Lists, 1500, Start)];
        for (var i = 0; i < stream.Count; i++)
        {
            shards[i % 3].Add(stream[i].Item1, stream[i].Item2, 1);
        }

        var merger = new ToplistPeriodMerger(Lists, shards.Length);
        var merged = new List<(ToplistDefinition Definition, ToplistPeriodResult Result)>();
        for (var s = 0; s < shards.Length; s++)
        {
            merged.AddRange(merger.Offer(s, shards[s].Roll(Start + 900)));
        }

        var truth = Truth(stream);
        Assert.Equal(Lists.Count, merged.Count);
        foreach (var (definition, result) in merged)
        {
            AssertWithinBound(result, truth[definition.Id], definition.Name);
        }
    }
}

using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Aggregation.Tables;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Tests.Aggregation;

/// <summary>
/// The memory budget all toplist tables share (<c>Aggregation:MemoryBudgetBytes</c>): tables grow only while it
/// gives memory, a refused table keeps the frequent-items guarantee at its smaller size, floors are always given,
/// and memory comes back when tables are released, including a closed period's tables once history merged them.
/// </summary>
public sealed class TableBudgetTests
{
    private static readonly long SlotBytes = HeavyHitterTable<Key32, CounterSlot<Key32>>.SlotBytes;

    [Fact]
    public void RefusedTable_StaysAtItsSize_AndKeepsTheGuarantee()
    {
        // A quarter of the budget is 16,384 slots: the table may not double past that, whatever its capacity.
        var budget = new TableBudget(4 * 16_384 * SlotBytes);
        var table = new HeavyHitterTable<Key32, CounterSlot<Key32>>(1 << 20, budget);
        var truth = new Dictionary<uint, long>();
        var random = new Random(5);
        for (var i = 0; i < 400_000; i++)
        {
            // Two heavy keys between a flood of distinct ones (the adversarial stream of the issue).
            var key = i % 50 == 0 ? 1u : i % 50 == 25 ? 2u : (uint)random.Next(3, int.MaxValue);
            var bytes = i % 25 == 0 ? 5_000 : random.Next(40, 1500);
            table.Find(new Key32(key), bytes).Add(bytes, 1);
            truth[key] = truth.GetValueOrDefault(key) + bytes;
        }

        Assert.Equal(16_384, table.SlotCount);
        Assert.True(table.BudgetLimited);
        Assert.True(table.IsApproximate);
        // The slots and tags, and the admission filter the first purge added (a 4-byte counter per slot).
        Assert.Equal((16_384 * SlotBytes) + (16_384 * sizeof(uint)), budget.UsedBytes);
        Assert.Equal(budget.UsedBytes, table.MemoryBytes);
        Assert.True(budget.Refusals > 0);

        var held = new Dictionary<uint, long>();
        foreach (var slot in table.Occupied)
        {
            held.Add(slot.Key.Value, slot.Bytes);
            Assert.InRange(truth[slot.Key.Value], slot.Bytes, slot.Bytes + table.ErrorOf(slot.Stamp));
        }

        foreach (var (key, bytes) in truth.Where(t => t.Value > table.Offset))
        {
            Assert.True(held.ContainsKey(key), $"key {key} with {bytes} bytes (> bound {table.Offset}) is missing");
        }

        Assert.Contains(1u, held.Keys);
        Assert.Contains(2u, held.Keys);
    }

    [Fact]
    public void ManyTables_ShareTheBudget_AndNeverPassItBeyondTheirFloors()
    {
        const long limit = 2L * 1024 * 1024;
        var budget = new TableBudget(limit);
        var tables = Enumerable.Range(0, 12).Select(_ => new HeavyHitterTable<Key32, CounterSlot<Key32>>(1 << 18, budget)).ToList();
        var random = new Random(9);
        for (var i = 0; i < 600_000; i++)
        {
            tables[i % tables.Count].Find(new Key32((uint)random.Next()), 100).Add(100, 1);
        }

        // Slots, tags and the admission filters (4 bytes a counter) all come from the budget; a floor-sized table's are free.
        var held = tables.Sum(t => t.MemoryBytes);
        Assert.Equal(held, budget.UsedBytes);
        Assert.True(held <= limit + (tables.Count * TableBudget.FloorSlots * (SlotBytes + sizeof(uint))), $"{held} bytes held for a {limit}-byte budget");
        Assert.All(tables, t => Assert.True(t.SlotCount >= TableBudget.FloorSlots, $"a table was kept below its floor ({t.SlotCount} slots)"));
        Assert.Contains(tables, t => t.BudgetLimited);

        foreach (var table in tables)
        {
            table.Release();
        }

        // Released tables keep only their smallest size.
        Assert.Equal(tables.Count * 64 * SlotBytes, budget.UsedBytes);
    }

    [Fact]
    public void ClosedPeriod_GivesItsTablesBack_OnceHistoryMergedIt()
    {
        var budget = new TableBudget(256L * 1024 * 1024);
        var start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000 - (1_800_000_000 % 900));
        var sensor = new SensorAggregator(new SensorDefinition { Name = "budget", Port = 2055 }, new AggregationOptions(), start.ToUnixTimeSeconds(),
            memory: budget);
        var closed = 0;
        sensor.ToplistPeriodClosed += (_, _, _) => closed++;
        using var batch = new FlowBatch();
        var floor = budget.UsedBytes;
        for (var n = 0; n < 100; n++)
        {
            Fill(batch, n, start.ToUnixTimeMilliseconds());
            sensor.Ingest(batch, start.AddSeconds(10));
        }

        sensor.Tick(start.AddSeconds(11), SensorInterest.Minimal);
        var grown = budget.UsedBytes;
        Assert.True(grown > floor * 4, $"tables did not grow ({floor} -> {grown} bytes)");

        // Every default list's period (15 minutes) closes; the next tick merges them for history and releases the tables.
        var end = start.AddMinutes(15).AddSeconds(2);
        sensor.Tick(end, SensorInterest.Minimal);
        sensor.Tick(end.AddSeconds(1), SensorInterest.Minimal);
        Assert.True(closed >= 6, $"{closed} periods closed");
        Assert.True(budget.UsedBytes <= floor * 2, $"{budget.UsedBytes} bytes still held after the period was merged (floor {floor})");
    }

    /// <summary>300 records with distinct sources and connections.</summary>
    private static void Fill(FlowBatch batch, int round, long nowMs)
    {
        batch.Clear();
        batch.Exporter = FlowAddress.Parse("192.0.2.1");
        for (var i = 0; i < 300; i++)
        {
            ref var r = ref batch.Add();
            r.Version = 9;
            r.SrcAddr = FlowAddress.FromIPv4(0x0A00_0000u + (uint)((round * 300) + i));
            r.DstAddr = FlowAddress.FromIPv4(0xC612_0000u + (uint)(i % 50));
            r.Protocol = 6;
            r.SrcPort = (ushort)(1024 + i);
            r.DstPort = 443;
            r.Bytes = 1000;
            r.Packets = 2;
            r.StartMs = nowMs - 1000;
            r.EndMs = nowMs;
            r.SamplingRate = 1;
        }
    }
}

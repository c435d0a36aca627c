using FlowWeb.Core.Dns;
using FlowWeb.Core.Flows;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Dns;

public sealed class ReverseDnsCacheTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void Set_BeyondMaxEntries_EvictsLeastRecentlyUsed()
    {
        var cache = new ReverseDnsCache(3, _clock);
        cache.Set(Entry(1));
        cache.Set(Entry(2));
        cache.Set(Entry(3));
        Assert.True(cache.TryGet(Address(1), out _)); // 2 is now the least recently used

        cache.Set(Entry(4));
        cache.Set(Entry(5));

        Assert.Equal(3, cache.Count);
        Assert.Equal(2, cache.Evictions);
        Assert.Equal([true, false, false, true, true], Enumerable.Range(1, 5).Select(i => cache.TryGet(Address(i), out _)));
    }

    [Fact]
    public void Set_SameAddress_ReplacesWithoutGrowing()
    {
        var cache = new ReverseDnsCache(2, _clock);
        cache.Set(Entry(1));
        cache.Set(Entry(1) with { Name = "renamed.test" });

        Assert.True(cache.TryGet(Address(1), out var entry));
        Assert.Equal("renamed.test", entry.Name);
        Assert.Equal((1, 0L), (cache.Count, cache.Evictions));
    }

    [Fact]
    public void TryGet_AtExpiry_MissesAndForgets()
    {
        var cache = new ReverseDnsCache(10, _clock);
        cache.Set(Entry(1, TimeSpan.FromSeconds(10)));

        _clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        var beforeExpiry = cache.TryGet(Address(1), out _);
        _clock.Advance(TimeSpan.FromTicks(1));
        var atExpiry = cache.TryGet(Address(1), out _);

        Assert.True(beforeExpiry);
        Assert.False(atExpiry);
        Assert.Equal(0, cache.Count);
    }

    private static FlowAddress Address(int i) => FlowAddress.FromIPv4(0xC000_0200u + (uint)i);

    private ReverseDnsName Entry(int i, TimeSpan? ttl = null) =>
        new(Address(i), $"host-{i}.test", ReverseDnsOutcome.Name, _clock.GetUtcNow() + (ttl ?? TimeSpan.FromHours(1)));
}

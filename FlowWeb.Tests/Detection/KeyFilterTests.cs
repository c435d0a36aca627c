using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Detection;

public class KeyFilterTests
{
    private static ulong HostHash(int i) => SecondTable.HashOf(FlowAddress.FromIPv4(0x0A00_0000u + (uint)i), KeyKind.IncomingHost);

    [Fact]
    public void HeldKeys_AreAlwaysMaybe_OthersRarelyAtTheHeavyCap()
    {
        var filter = new KeyFilter();
        for (var i = 0; i < DetectionShard.MaxHeavyKeys; i++)
        {
            filter.Add(HostHash(i));
        }

        Assert.All(Enumerable.Range(0, DetectionShard.MaxHeavyKeys), i => Assert.True(filter.MayContain(HostHash(i))));

        // Two bits of one word a key: about 1.6 % of other keys answer "maybe" with 4,096 in the filter (one bit a key: 6 %).
        var others = Enumerable.Range(1_000_000, 200_000).Count(i => filter.MayContain(HostHash(i)));
        Assert.InRange(others / 200_000.0, 0.005, 0.025);
    }

    [Fact]
    public void Clear_EmptiesTheFilter()
    {
        var filter = new KeyFilter();
        filter.Add(SecondTable.HashOf(FlowAddress.Parse("203.0.113.5"), KeyKind.IncomingHost));
        Assert.Equal(1, filter.Count);
        Assert.True(filter.MayContain(SecondTable.HashOf(FlowAddress.Parse("203.0.113.5"), KeyKind.IncomingHost)));

        filter.Clear();
        Assert.Equal(0, filter.Count);
        Assert.False(filter.MayContain(SecondTable.HashOf(FlowAddress.Parse("203.0.113.5"), KeyKind.IncomingHost)));
    }

    [Fact]
    public void TrackedHashes_AreCapped_KeysUnderAttackFirst()
    {
        // More tracked hosts and prefixes than a shard notes, with one host and one prefix under attack at the end.
        var states = Enumerable.Range(0, 5_000).Select(i => new KeyState(new DetectionKey(FlowAddress.FromIPv4(0x0A00_0000u + (uint)i), KeyKind.IncomingHost)))
            .Concat(Enumerable.Range(0, 2_000).Select(i => new KeyState(new DetectionKey(FlowAddress.FromIPv4(0x0B00_0000u + ((uint)i << 8)), KeyKind.IncomingPrefix))))
            .ToList();
        var victims = new[] { new DetectionKey(FlowAddress.Parse("203.0.113.5"), KeyKind.IncomingHost), new DetectionKey(FlowAddress.Parse("198.51.100.0"), KeyKind.IncomingPrefix) };
        foreach (var key in victims)
        {
            states.Add(new KeyState(key) { Attack = AttackOn(key) });
        }

        var tracked = TrackedHashes.Of(states);

        Assert.Equal(TrackedHashes.MaxHosts, tracked.Hosts.Length);
        Assert.Equal(TrackedHashes.MaxPrefixes, tracked.Prefixes.Length);
        Assert.Equal(SecondTable.HashOf(victims[0].Address, victims[0].Kind), tracked.Hosts[0]);
        Assert.Equal(SecondTable.HashOf(victims[1].Address, victims[1].Kind), tracked.Prefixes[0]);
    }

    private static Attack AttackOn(DetectionKey key) => new()
    {
        Id = 1, Key = key, Victim = key.Address.ToString(), SensorId = Guid.NewGuid(), SensorName = "test", Type = AttackType.UdpFlood,
        Vector = AttackType.UdpFlood, Start = DateTimeOffset.UnixEpoch, DetectedAt = DateTimeOffset.UnixEpoch, Triggers = [],
        Evidence = new FlowWeb.Core.Detection.Evidence.AttackEvidence(10, 1),
    };
}

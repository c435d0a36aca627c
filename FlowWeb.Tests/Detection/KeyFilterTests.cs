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
}

using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Detection;

/// <summary>
/// The detection's address hash against the addresses an outsider would choose to pile keys onto one position of a
/// second's table (4,096 places here): each set below shares one home position under the unseeded hash detection used
/// before, which anyone could compute; under the seeded one they must spread as random keys do.
/// </summary>
public class AddressHashTests
{
    private const int TableSize = 4096;
    private const ulong Golden = 0x9E37_79B9_7F4A_7C15UL;

    /// <summary>The hash before: SplitMix64's finalizer over High × golden ratio ⊕ Low, the same in every process.</summary>
    private static ulong Unseeded(FlowAddress a)
    {
        var z = (a.High * Golden) ^ a.Low;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    private static int Home(FlowAddress a) => (int)(SecondTable.HashOf(a, KeyKind.IncomingHost) & (TableSize - 1));

    [Fact]
    public void IPv6Destinations_WhoseHalvesCombineToOneValue_SpreadOverTheTable()
    {
        // High × golden ⊕ Low is one value for all 2,000: one hash, one home position, whatever mixing followed it.
        var crafted = Enumerable.Range(1, 2000).Select(i =>
        {
            var high = 0x2001_0DB8_0000_0000UL + (ulong)i;
            return new FlowAddress(high, 0x1234_5678_9ABC_DEF0UL ^ (high * Golden));
        }).ToList();
        Assert.Single(crafted.Select(Unseeded).Distinct());

        // 2,000 random keys in 4,096 places take about 1,585 of them.
        var homes = crafted.Select(Home).Distinct().Count();
        Assert.True(homes >= 1400, $"{homes} home positions for 2,000 crafted addresses");
    }

    [Fact]
    public void IPv4Destinations_SearchedOfflineForOneHome_SpreadOverTheTable()
    {
        // An outsider's search: the first 500 addresses of 10.0.0.0/8 whose unseeded hash has home position 0.
        var crafted = new List<FlowAddress>();
        for (var v = 0x0A00_0000u; crafted.Count < 500; v++)
        {
            var address = FlowAddress.FromIPv4(v);
            if ((Unseeded(address) & (TableSize - 1)) == 0)
            {
                crafted.Add(address);
            }
        }

        // 500 random keys in 4,096 places take about 470 of them.
        var homes = crafted.Select(Home).Distinct().Count();
        Assert.True(homes >= 400, $"{homes} home positions for 500 crafted addresses");
    }
}

using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Tests.Aggregation;

/// <summary>Where a toplist's key puts its addresses among the columns, which is where pages show their host names.</summary>
public sealed class ToplistKeysTests
{
    [Theory]
    [InlineData(ToplistType.TopTalkers, 0, 1)]
    [InlineData(ToplistType.TopConnections, 0, 2)]
    [InlineData(ToplistType.TopProtocols, -1, -1)]
    [InlineData(ToplistType.TopSourceIp, 0, -1)]
    [InlineData(ToplistType.TopDestinationIp, 0, -1)]
    [InlineData(ToplistType.TopIp, 0, -1)]
    public void AddressColumns_BuiltInTypes_ColumnsThatFormatTheKeysAddresses(ToplistType type, int a, int b)
    {
        var keys = new ToplistKeys(type, []);
        var record = new FlowRecord { SrcAddr = FlowAddress.Parse("192.0.2.1"), DstAddr = FlowAddress.Parse("192.0.2.200"), SrcPort = 1, DstPort = 2, Protocol = 6 };
        Span<ToplistKey> key = stackalloc ToplistKey[2];
        keys.KeysOf(record, key);
        var cells = keys.Format(key[0]);

        Assert.Equal((a, b), keys.AddressColumns);
        if (a >= 0)
        {
            Assert.Equal(key[0].A.ToString(), cells[a]);
        }

        if (b >= 0)
        {
            Assert.Equal(key[0].B.ToString(), cells[b]);
        }
    }

    [Fact]
    public void AddressColumns_CustomFields_FirstAndSecondAddressFieldInTheirOrder()
    {
        var keys = new ToplistKeys(ToplistType.Custom, [ToplistField.SourcePort, ToplistField.NextHop, ToplistField.Protocol, ToplistField.DestinationIp]);
        var record = new FlowRecord { NextHop = FlowAddress.Parse("198.51.100.1"), DstAddr = FlowAddress.Parse("203.0.113.9"), SrcPort = 5, Protocol = 17 };
        Span<ToplistKey> key = stackalloc ToplistKey[2];
        keys.KeysOf(record, key);

        Assert.Equal((1, 3), keys.AddressColumns);
        Assert.Equal(["5", "198.51.100.1", "UDP", "203.0.113.9"], keys.Format(key[0]));
        Assert.Equal((-1, -1), new ToplistKeys(ToplistType.Custom, [ToplistField.SourceAs, ToplistField.Vlan]).AddressColumns);
    }
}

using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Detection;

public class CarpetNetworkTests
{
    [Theory]
    [InlineData(24, 64, "203.0.113.77", "203.0.113.0")]
    [InlineData(20, 64, "203.0.127.77", "203.0.112.0")]
    [InlineData(31, 64, "198.51.100.77", "198.51.100.76")]
    [InlineData(24, 64, "2001:db8:1:2:3::7", "2001:db8:1:2::")]
    [InlineData(24, 48, "2001:db8:1:2:3::7", "2001:db8:1::")]
    [InlineData(24, 100, "2001:db8::ffff:ffff:ffff", "2001:db8::ffff:f000:0")]
    public void CarpetNetworkOf_IsTheConfiguredPrefixOfTheAddress(int v4Length, int v6Length, string address, string network)
    {
        var config = new DetectionConfig(new DetectionOptions { CarpetPrefixLengthV4 = v4Length, CarpetPrefixLengthV6 = v6Length }, null);

        Assert.Equal(FlowAddress.Parse(network), config.CarpetNetworkOf(FlowAddress.Parse(address)));
    }
}

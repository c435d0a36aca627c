using FlowWeb.Core.Dns;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Dns;

public sealed class PrivateAddressRangesTests
{
    [Theory]
    [InlineData("10.0.0.0")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.88.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("169.254.10.20")]
    [InlineData("127.0.0.1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("fe80::1")]
    [InlineData("febf:ffff::1")]
    [InlineData("::1")]
    [InlineData("::ffff:192.168.1.1")]
    public void Contains_PrivateSharedLinkLocalOrLoopback_True(string address)
    {
        Assert.True(PrivateAddressRanges.Contains(FlowAddress.Parse(address)));
    }

    [Theory]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.167.255.255")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("8.8.8.8")]
    [InlineData("192.0.2.10")]
    [InlineData("2001:db8::1")]
    [InlineData("fbff::1")]
    [InlineData("fec0::1")]
    [InlineData("::2")]
    [InlineData("2a00:1450::1")]
    public void Contains_PublicAddress_False(string address)
    {
        Assert.False(PrivateAddressRanges.Contains(FlowAddress.Parse(address)));
    }
}

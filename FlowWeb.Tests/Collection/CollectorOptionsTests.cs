using FlowWeb.Core.Collection;

namespace FlowWeb.Tests.Collection;

public sealed class CollectorOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoErrors()
    {
        Assert.Empty(new CollectorOptions().Validate());
    }

    [Fact]
    public void Validate_EverythingWrong_ReportsEachProblemNamingItsKey()
    {
        var options = new CollectorOptions { DefaultPort = 70_000, BindAddress = "not-an-address", ReceiveBufferBytes = 10 };

        var errors = options.Validate().ToList();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Collector:DefaultPort ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Collector:BindAddress ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Collector:ReceiveBufferBytes ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("::")]
    [InlineData("0.0.0.0")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Validate_IPv4OrIPv6BindAddress_Accepted(string address)
    {
        Assert.Empty(new CollectorOptions { BindAddress = address }.Validate());
    }
}

using FlowWeb.Cli;
using FlowWeb.Core.Demo;
using FlowWeb.Core.Encoding;
using FlowWeb.Demo;
using Microsoft.Extensions.Configuration;

namespace FlowWeb.Tests.Demo;

/// <summary>How demo mode is asked for: <c>--demo</c>, <c>FLOWWEB_DEMO</c> or <c>Demo:Enabled</c>.</summary>
public sealed class DemoSettingsTests
{
    [Fact]
    public void Expand_DemoSwitchBeforeOtherOptions_BecomesASettingAndKeepsTheRest()
    {
        Assert.Equal(["--Demo:Enabled=true", "--urls", "http://127.0.0.1:5000"], DemoSwitch.Expand(["--demo", "--urls", "http://127.0.0.1:5000"]));
        Assert.Equal(["--urls", "x"], DemoSwitch.Expand(["--urls", "x"]));
    }

    [Theory]
    [InlineData("--demo")]
    [InlineData("--Demo:Enabled=true")]
    public void IsCommand_DemoSwitch_NotAVerb(string argument)
    {
        Assert.False(CommandLine.IsCommand([argument]));
        Assert.False(CommandLine.IsCommand(DemoSwitch.Expand([argument])));
    }

    [Theory]
    [InlineData("Demo:Enabled", "true", true)]
    [InlineData("Demo:Enabled", "True", true)]
    [InlineData("FLOWWEB_DEMO", "true", true)]
    [InlineData("FLOWWEB_DEMO", "1", true)]
    [InlineData("FLOWWEB_DEMO", "false", false)]
    [InlineData("FLOWWEB_DEMO", "0", false)]
    [InlineData("Demo:Port", "2055", false)]
    public void IsEnabled_Setting_OnOnlyWhenTrue(string key, string value, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        Assert.Equal(expected, DemoOptions.IsEnabled(configuration));
    }

    [Fact]
    public void Validate_EveryBadSetting_ReportedWithItsKey()
    {
        var errors = new DemoOptions { Port = 70_000, PeakFlowsPerSecond = 5_000, Protocol = ExportProtocol.NetFlowV5 }.Validate().ToList();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Demo:Port ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Demo:PeakFlowsPerSecond must be 10 to 2000", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Demo:Protocol ", StringComparison.Ordinal));
        Assert.Empty(new DemoOptions().Validate());
    }
}

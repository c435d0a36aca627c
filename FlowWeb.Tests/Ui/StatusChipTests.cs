using Bunit;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Tests.Ui;

/// <summary>Sensor states in PRTG's colours.</summary>
public sealed class StatusChipTests : UiTests
{
    private static readonly string[] ColourClasses = ["mud-chip-color-success", "mud-chip-color-warning", "mud-chip-color-error", "mud-chip-color-info"];

    [Theory]
    [InlineData(SensorState.Up, "mud-chip-color-success", "Up")]
    [InlineData(SensorState.Warning, "mud-chip-color-warning", "Warning")]
    [InlineData(SensorState.Down, "mud-chip-color-error", "Down")]
    [InlineData(SensorState.Paused, "mud-chip-color-info", "Paused")]
    public void StatusChip_State_ColouredAndLabelled(SensorState state, string colourClass, string label)
    {
        var chip = Ui.Context.Render<StatusChip>(p => p.Add(c => c.State, state).Add(c => c.Message, "why")).Find(".status-chip");

        Assert.Contains(colourClass, chip.ClassList);
        Assert.Single(ColourClasses, chip.ClassList.Contains);
        Assert.Equal(label, chip.TextContent.Trim());
        Assert.Equal(state.ToString(), chip.GetAttribute("data-state"));
    }

    [Fact]
    public void StatusChip_Unknown_GreyWithoutStatusColour()
    {
        var chip = Ui.Context.Render<StatusChip>(p => p.Add(c => c.State, SensorState.Unknown)).Find(".status-chip");

        Assert.DoesNotContain(chip.ClassList, ColourClasses.Contains);
        Assert.Contains("mud-chip-color-default", chip.ClassList);
        Assert.Equal("Unknown", chip.TextContent.Trim());
    }
}

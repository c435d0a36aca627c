using Bunit;
using FlowWeb.Components.Shared;

namespace FlowWeb.Tests.Ui;

/// <summary>The SVG the traffic chart draws, to the coordinate: what the browser receives every second on a live page.</summary>
public sealed class TrafficChartTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Stacked_WithAStillFillingTail_EachSeriesOnTheOneBelowSettledAndProvisionalJoined()
    {
        await using var ui = new UiContext();

        // Stacked peak 4 Mbit/s: the axis ends at 5 Mbit/s, so y = 400 - v / 12,500; three points 500 apart.
        var chart = ui.Context.Render<TrafficChart>(p => p
            .Add(c => c.Series, [new ChartSeries("A", "#111", [1e6, 3e6, 2e6]), new ChartSeries("B", "#222", [1e6, 1e6, 2e6])])
            .Add(c => c.Start, Start)
            .Add(c => c.Stacked, true)
            .Add(c => c.ProvisionalFrom, 2));

        Assert.Equal(
            ["0,320 500,160", "500,160 1000,240", "0,240 500,80", "500,80 1000,80"],
            chart.FindAll("polyline").Select(l => l.GetAttribute("points")));
        Assert.Equal(
            ["0,320 500,160 500,400 0,400", "500,160 1000,240 1000,400 500,400", "0,240 500,80 500,160 0,320", "500,80 1000,80 1000,240 500,160"],
            chart.FindAll("polygon").Select(a => a.GetAttribute("points")));
        Assert.Equal("1,3,2;1,1,2", chart.Find("svg").GetAttribute("data-values"));
    }

    [Fact]
    public async Task Unstacked_FractionalCoordinates_AreaClosedOnTheBaseline()
    {
        await using var ui = new UiContext();
        var chart = ui.Context.Render<TrafficChart>(p => p
            .Add(c => c.Series, [new ChartSeries("Total", "#000", [0, 1.23e6, 4e6])])
            .Add(c => c.Start, Start));

        Assert.Equal("0,400 500,301.6 1000,80", chart.Find("polyline").GetAttribute("points"));
        Assert.Equal("0,400 0,400 500,301.6 1000,80 1000,400", chart.Find("polygon").GetAttribute("points"));
        Assert.Equal("0,1.23,4", chart.Find("svg").GetAttribute("data-values"));
    }
}

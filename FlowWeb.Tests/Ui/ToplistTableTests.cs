using Bunit;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using MudBlazor;

namespace FlowWeb.Tests.Ui;

/// <summary>A toplist period as a table: key columns, counters, share of the period, sorting, the filter box and the approximate badge.</summary>
public sealed class ToplistTableTests : UiTests
{
    private static readonly ToplistDefinition Connections = new() { Id = 2, Name = "Top Connections", Type = ToplistType.TopConnections };

    [Fact]
    public void ToplistTable_Connections_RowsWithKeyColumnsCountersAndShareOfPeriod()
    {
        var table = Render(Period(approximate: false));

        var rows = table.FindAll("tr.toplist-row");
        Assert.Equal(3, rows.Count);
        Assert.Equal(["10.0.0.1", "50000", "192.0.2.9", "443", "TCP"], Cells(rows[0]));
        Assert.Equal("6000", rows[0].QuerySelector("[data-bytes]")!.GetAttribute("data-bytes"));
        Assert.Equal("60.0 %", rows[0].QuerySelector(".toplist-share")!.TextContent.Trim());
        Assert.Equal("30.0 %", rows[1].QuerySelector(".toplist-share")!.TextContent.Trim());
        Assert.Equal("UDP", Cells(rows[1])[4]);
        Assert.Contains("Source port", table.Find("thead").TextContent, StringComparison.Ordinal);
        Assert.Empty(table.FindAll(".toplist-approximate"));
    }

    [Fact]
    public void ToplistTable_RowCells_PlainCellsWithTheirLabels_NoComponentPerCell()
    {
        var table = Render(Period(approximate: false));

        // A cell component per cell was three quarters of a live page's components on the server (100 rows of six):
        // the rows' cells are the markup MudTd would render, and only the footer's cell is a MudTd.
        Assert.Single(table.FindComponents<MudTd>());
        var cells = table.FindAll("tr.toplist-row")[0].QuerySelectorAll("td");
        Assert.All(cells, c => Assert.Contains("mud-table-cell", c.ClassList));
        Assert.Equal(["Source", "Source port", "Destination", "Destination port", "Protocol", "Bytes", "Packets", "Flows", "Share"],
            cells.Select(c => c.GetAttribute("data-label")));
    }

    [Fact]
    public void ToplistTable_DefaultOrder_LargestBytesFirst_SortLabelReorders()
    {
        var table = Render(Period(approximate: false));
        Assert.Equal(["6000", "3000", "1000"], Bytes(table));

        // Packets ascending: the 3000-byte row has the fewest packets.
        table.FindAll("th .mud-table-sort-label").Single(l => l.TextContent.Contains("Packets", StringComparison.Ordinal)).Click();

        Assert.Equal(["3000", "1000", "6000"], Bytes(table));
    }

    [Fact]
    public void ToplistTable_FilterBox_KeepsRowsWhoseKeyContainsTheText()
    {
        var table = Render(Period(approximate: false));

        table.Find("#toplist-filter-2").Input("udp");

        table.WaitForAssertion(() => Assert.Equal(["3000"], Bytes(table)));
        table.Find("#toplist-filter-2").Input("10.0.0.");
        table.WaitForAssertion(() => Assert.Equal(["6000", "3000", "1000"], Bytes(table)));
    }

    [Fact]
    public void ToplistTable_ApproximatePeriod_BadgeShowsErrorBound()
    {
        var table = Render(Period(approximate: true));

        Assert.Contains("approximate ± 1.50 KB", table.Find(".toplist-approximate").TextContent.Replace('\u00a0', ' '), StringComparison.Ordinal);
    }

    [Fact]
    public void ToplistTable_NoRowsYet_SaysSo()
    {
        var table = Render(new ToplistPeriodResult(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(15), [], 0, 0, 0, false, 0, 0));

        Assert.Contains("No flows in this period yet", table.Find(".toplist-empty").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ToplistTable_RowsReRead_RowsKeptWithNewKeysCountsAndOrder()
    {
        var period = Period(approximate: false);
        var table = Render(period);
        var before = table.FindComponents<MudTr>().Select(r => r.Instance).ToList();
        Assert.Equal(3, before.Count);

        // The next read of the running period (largest first, as a toplist reads): the third row grew past the others.
        List<ToplistRow> rows = [period.Rows[2] with { Bytes = 9000 }, period.Rows[0], period.Rows[1]];
        table.Render(p => p.Add(t => t.Result, period with { Rows = rows, TotalBytes = 18_000 }));

        Assert.Equal(["9000", "6000", "3000"], Bytes(table));
        Assert.Equal("50.0 %", table.FindAll("tr.toplist-row .toplist-share")[0].TextContent.Trim());
        Assert.Equal(["10.0.0.3", "51000", "192.0.2.25", "25", "TCP"], Cells(table.FindAll("tr.toplist-row")[0]));
        // MudTable keys its rows by item: each row component is kept (a new item per refresh rebuilt every row in the browser).
        Assert.Equal(before, table.FindComponents<MudTr>().Select(r => r.Instance));
    }

    [Fact]
    public void ToplistTable_SameRowsNewTotals_NotRenderedAgain()
    {
        var period = Period(approximate: false);
        var table = Render(period);
        var renders = table.RenderCount;

        // The running period between two reads of its rows: its totals move every second, its rows stay.
        table.Render(p => p.Add(t => t.Result, period with { TotalBytes = 20_000, TotalFlows = 9 }));

        Assert.Equal(renders, table.RenderCount);
        Assert.Equal("60.0 %", table.FindAll("tr.toplist-row .toplist-share")[0].TextContent.Trim());
        Assert.Contains("3 flows", table.Find("tfoot").TextContent, StringComparison.Ordinal);

        // New rows: shares and totals of that moment.
        table.Render(p => p.Add(t => t.Result, period with { Rows = [.. period.Rows], TotalBytes = 20_000, TotalFlows = 9 }));
        Assert.Equal("30.0 %", table.FindAll("tr.toplist-row .toplist-share")[0].TextContent.Trim());
        Assert.Contains("9 flows", table.Find("tfoot").TextContent, StringComparison.Ordinal);
    }

    private IRenderedComponent<ToplistTable> Render(ToplistPeriodResult period) =>
        Ui.Context.Render<ToplistTable>(p => p.Add(t => t.Definition, Connections).Add(t => t.Result, period));

    private static ToplistPeriodResult Period(bool approximate)
    {
        ToplistRow Row(string source, ushort sourcePort, string destination, ushort port, byte protocol, long bytes, long packets) =>
            new(new ToplistKey(FlowAddress.Parse(source), FlowAddress.Parse(destination), sourcePort, port, protocol), bytes, packets, 1, 0);

        return new ToplistPeriodResult(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(15),
            [Row("10.0.0.1", 50000, "192.0.2.9", 443, 6, 6000, 40), Row("10.0.0.2", 53000, "192.0.2.53", 53, 17, 3000, 5), Row("10.0.0.3", 51000, "192.0.2.25", 25, 6, 1000, 10)],
            TotalBytes: 10_000, TotalPackets: 55, TotalFlows: 3, approximate, ErrorBound: approximate ? 1500 : 0, DistinctKeys: approximate ? 250_000 : 3);
    }

    private static string[] Cells(AngleSharp.Dom.IElement row) => [.. row.QuerySelectorAll("td.toplist-key").Select(c => c.TextContent.Trim())];

    private static string[] Bytes(IRenderedComponent<ToplistTable> table) =>
        [.. table.FindAll("tr.toplist-row [data-bytes]").Select(b => b.GetAttribute("data-bytes")!)];
}

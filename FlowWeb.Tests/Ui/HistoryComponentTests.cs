using System.Globalization;
using Bunit;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;
using FlowWeb.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Ui;

/// <summary>
/// History components with logic: the range picker (range → from, to, resolution; custom input errors by field) and
/// the graph's statistics, read through the real history service from a real SQLite file with a fixed clock.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit 2 disposes test classes through IAsyncLifetime; MudBlazor's services can only be disposed asynchronously.")]
public sealed class HistoryComponentTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = TestDatabase.Now;
    private static readonly Guid SensorId = Guid.Parse("0b7c9a52-5d0e-4d53-9c4b-6a1f3e2d1c00");
    private static readonly IReadOnlyList<ChannelInfo> Channels = [new(ChannelIds.Total, "Total", null, ""), new(100, "Web", null, ""), new(ChannelIds.Other, "Other", null, "")];

    private TestDatabase _database = default!;
    private UiContext _ui = default!;
    private HistoryQueryService _history = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _history = _database.CreateQuery(new FakeTimeProvider(Now));
        _ui = new UiContext(services =>
        {
            services.AddSingleton(_history);
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        });
    }

    public async Task DisposeAsync()
    {
        await _ui.DisposeAsync();
        _database.Dispose();
    }

    [Theory]
    [InlineData("Live", 60, HistoryResolution.Auto)]
    [InlineData("2 hours", 120, HistoryResolution.Minute)]
    [InlineData("2 days", 2 * 1440, HistoryResolution.Minute)]
    [InlineData("30 days", 30 * 1440, HistoryResolution.Hour)]
    [InlineData("365 days", 365 * 1440, HistoryResolution.Day)]
    public void RangePicker_PresetClicked_WindowEndsNowWithTheResolutionForItsLength(string label, int minutes, HistoryResolution resolution)
    {
        HistoryWindow? reported = null;
        var start = label == "2 hours" ? HistoryRange.Live : HistoryRange.TwoHours;
        var picker = RenderPicker(HistoryRanges.Preset(start, Now, _history), w => reported = w);

        ToggleItem(picker, label).Click();

        Assert.NotNull(reported);
        Assert.Equal((Now.AddMinutes(-minutes), Now, resolution), (reported.From, reported.To, reported.Resolution));
    }

    [Fact]
    public void RangePicker_CustomDayFourWeeksAgo_HourResolutionBecauseMinutesAreKept14Days()
    {
        HistoryWindow? reported = null;
        var picker = RenderPicker(HistoryRanges.Preset(HistoryRange.TwoHours, Now, _history), w => reported = w);

        ToggleItem(picker, "Custom").Click();
        picker.Find("#history-from").Change("2025-02-10 06:00");
        picker.Find("#history-to").Change("2025-02-11 06:00");
        picker.Find(".history-apply").Click();

        Assert.NotNull(reported);
        Assert.Equal((HistoryRange.Custom, new DateTimeOffset(2025, 2, 10, 6, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 2, 11, 6, 0, 0, TimeSpan.Zero), HistoryResolution.Hour),
            (reported.Range, reported.From, reported.To, reported.Resolution));
        picker.Render(p => p.Add(c => c.Window, reported));
        Assert.Equal("2025-02-10 06:00 to 2025-02-11 06:00 UTC · resolution 1 hour (chosen from the range)", picker.Find(".history-window").TextContent.Trim());
    }

    [Fact]
    public void RangePicker_CustomToBeforeFrom_ErrorNamesToAndNothingChanges()
    {
        var reports = 0;
        var picker = RenderPicker(HistoryRanges.Preset(HistoryRange.TwoHours, Now, _history), _ => reports++);

        ToggleItem(picker, "Custom").Click();
        picker.Find("#history-from").Change("2025-03-09 10:00");
        picker.Find("#history-to").Change("2025-03-09 09:00");
        picker.Find(".history-apply").Click();

        Assert.Equal(0, reports);
        Assert.Equal("To must be later than From", picker.Find("[data-error-for=To]").TextContent.Trim());
        Assert.Empty(picker.FindAll("[data-error-for=From]"));
    }

    [Fact]
    public void RangePicker_CustomNotATime_ErrorNamesFromWithTheFormat()
    {
        var reports = 0;
        var picker = RenderPicker(HistoryRanges.Preset(HistoryRange.TwoHours, Now, _history), _ => reports++);

        ToggleItem(picker, "Custom").Click();
        picker.Find("#history-from").Change("yesterday");
        picker.Find(".history-apply").Click();

        Assert.Equal(0, reports);
        Assert.Equal("From \"yesterday\" is not a time: write yyyy-MM-dd HH:mm (UTC), e.g. 2025-03-01 08:00", picker.Find("[data-error-for=From]").TextContent.Trim());
    }

    [Fact]
    public async Task Graph_TwoHoursWithOneBusyFiveMinutes_AverageMaximumAndPercentileOfFiveMinuteSamples()
    {
        // 750,000 bytes a minute is 100 kbit/s; five minutes at ten times that make one busy sample of 24.
        var start = Now.AddHours(-2);
        var rows = new List<ChannelMinute>();
        for (var m = 0; m < 120; m++)
        {
            var bytes = m is >= 30 and < 35 ? 7_500_000.0 : 750_000.0;
            rows.Add(new ChannelMinute(SensorId, ChannelIds.Total, start.AddMinutes(m), bytes, bytes / 1000, 10, bytes / 60));
            rows.Add(new ChannelMinute(SensorId, 100, start.AddMinutes(m), bytes, bytes / 1000, 10, bytes / 60));
        }

        using var writer = _database.CreateWriter();
        Assert.True(writer.TryWriteMinutes(rows));
        await writer.FlushAsync();
        var history = await _history.GetChannelHistoryAsync(SensorId, start, Now);

        var graph = _ui.Context.Render<HistoryGraph>(p => p.Add(g => g.View, HistoryView.From(history, Channels)));

        // Average: every byte over the two hours; maximum: the busiest minute, as drawn; 95th percentile: of the
        // 24 five-minute samples, rank ceil(0.95 × 24) = 23, so the one busy sample is ignored.
        var total = graph.Find("tr[data-channel=Total]");
        Assert.Equal("138 kbit/s", total.QuerySelector(".history-average")!.TextContent);      // 123.75 MB × 8 / 7,200 s = 137.5 kbit/s
        Assert.Equal("1.00 Mbit/s", total.QuerySelector(".history-maximum")!.TextContent);
        Assert.Equal("100 kbit/s", total.QuerySelector(".history-p95")!.TextContent);
        Assert.Equal("124 MB", total.QuerySelector(".history-volume")!.TextContent);
        Assert.Equal("123750000", total.QuerySelector(".history-volume")!.GetAttribute("data-bytes"));
        Assert.Equal(["mean of 10:00–12:00", "highest 1 min", "of 24 × 5 min", "busiest 1 s", "10:00–12:00"],
            graph.FindAll(".history-stat-basis th.num").Select(c => c.TextContent.Trim()));
        Assert.Contains("95th percentile over the 24 complete samples of 5 min from 2025-03-10 10:00 to 2025-03-10 12:00, the billing convention",
            graph.Find(".history-method").TextContent, StringComparison.Ordinal);
        Assert.Equal(["Total", "Web"], graph.FindAll("tr.history-stat-row").Select(r => r.GetAttribute("data-channel")));
        Assert.Equal("120", graph.Find(".traffic-chart").GetAttribute("data-points"));
        Assert.Equal("1000000", graph.Find(".traffic-chart").GetAttribute("data-max-bits"));
        Assert.Equal("Mbit/s", graph.Find(".traffic-chart").GetAttribute("data-unit"));
    }

    /// <summary>
    /// Item 2 of issue 12: whatever the range and its grouping of buckets into points, no point the graph draws is above
    /// the maximum in the table beside it, and the volume is the sum of the buckets, the one still filling included.
    /// </summary>
    [Theory]
    [InlineData(2, HistoryResolution.Minute, 1)]
    [InlineData(2 * 24, HistoryResolution.Minute, 7)]
    [InlineData(30 * 24, HistoryResolution.Hour, 2)]
    public async Task Graph_RandomHistoryWithRunningHour_MaximumNotBelowAnyPlottedPointAndVolumeIsBucketSum(int hours, HistoryResolution resolution, int group)
    {
        var now = Now.AddMinutes(37).AddSeconds(20);
        var random = new Random(hours);
        var rows = new List<ChannelMinute>();
        for (var m = now.AddHours(-hours).AddMinutes(-1); m < now.AddMinutes(-1); m = m.AddMinutes(1))
        {
            var minute = DateTimeOffset.FromUnixTimeSeconds(m.ToUnixTimeSeconds() / 60 * 60);
            var web = random.Next(20) == 0 ? 0 : random.NextDouble() * 5e8 * (1 + Math.Sin(m.ToUnixTimeSeconds() / 5000.0));
            var other = random.NextDouble() * 1e8;
            rows.Add(new ChannelMinute(SensorId, ChannelIds.Total, minute, web + other, 1, 1, (web + other) / 30));
            rows.Add(new ChannelMinute(SensorId, 100, minute, web, 1, 1, web / 30));
            rows.Add(new ChannelMinute(SensorId, ChannelIds.Other, minute, other, 1, 1, other / 30));
        }

        using (var writer = _database.CreateWriter())
        {
            Assert.True(writer.TryWriteMinutes(rows));
            await writer.FlushAsync();
        }

        var history = await _database.CreateQuery(new FakeTimeProvider(now)).GetChannelHistoryAsync(SensorId, now.AddHours(-hours), now);
        Assert.Equal(resolution, history.Resolution);
        var view = HistoryView.From(history, Channels);
        var graph = _ui.Context.Render<HistoryGraph>(p => p.Add(g => g.View, view));
        graph.Find(".history-stacked input").Change(false);

        var chart = graph.FindComponent<TrafficChart>().Instance;
        Assert.Equal(3, chart.Series.Count);
        Assert.Equal(group * history.BucketSeconds, chart.SecondsPerPoint);
        foreach (var series in chart.Series)
        {
            var row = graph.Find($"tr[data-channel={series.Name}]");
            var maximum = double.Parse(row.QuerySelector(".history-maximum")!.GetAttribute("data-bits")!, CultureInfo.InvariantCulture);
            var volume = double.Parse(row.QuerySelector(".history-volume")!.GetAttribute("data-bytes")!, CultureInfo.InvariantCulture);
            var buckets = history.Channels.Single(c => c.ChannelId == Channels.Single(x => x.Name == series.Name).Id).Buckets;
            Assert.All(series.Values, v => Assert.True(v <= maximum * (1 + 1e-12), $"{series.Name}: a plotted point of {v} bit/s is above the maximum {maximum}"));
            Assert.Equal(buckets.Sum(b => b.Bytes), volume, 1e-3);
            Assert.Equal(buckets.Max(b => b.BitsPerSecond), maximum, 1e-6);
        }

        // Hour resolution: the hour holding "now" is still filling, drawn provisional, at the rate of its 37 minutes.
        if (resolution == HistoryResolution.Hour)
        {
            var running = history.Channel(ChannelIds.Total)!.Buckets[^1];
            Assert.Equal((Now, 37 * 60), (running.Start, running.Seconds));
            Assert.Equal(running.Bytes * 8 / (37 * 60), running.BitsPerSecond, 1e-6);
            Assert.Equal(((history.Channel(ChannelIds.Total)!.Buckets.Count - 1) / group).ToString(CultureInfo.InvariantCulture),
                graph.Find(".traffic-chart").GetAttribute("data-provisional"));
        }
    }

    [Fact]
    public void Graph_StackedSwitch_TotalDrawnOnlyWhenSeparate()
    {
        var view = new HistoryView(Now, 60,
        [
            new HistoryChannelView(ChannelIds.Total, "Total", ChannelColors.Total, [8_000, 16_000], 180_000, Summary()),
            new HistoryChannelView(100, "Web", "#1e88e5", [6_000, 12_000], 135_000, Summary()),
            new HistoryChannelView(ChannelIds.Other, "Other", ChannelColors.Other, [2_000, 4_000], 45_000, Summary()),
        ]);
        var graph = _ui.Context.Render<HistoryGraph>(p => p.Add(g => g.View, view));

        Assert.Equal("2", graph.Find(".traffic-chart").GetAttribute("data-series"));
        Assert.Equal("16000", graph.Find(".traffic-chart").GetAttribute("data-max-bits"));   // Web + Other stacked = Total

        graph.Find(".history-stacked input").Change(false);

        Assert.Equal("3", graph.Find(".traffic-chart").GetAttribute("data-series"));
        Assert.Equal(["Total", "Web", "Other"], graph.FindAll(".traffic-chart-legend span").Select(s => s.TextContent.Trim()));
    }

    [Fact]
    public void Graph_TwoDaysOfMinutes_AveragedIntoAtMost480Points()
    {
        var minutes = Enumerable.Range(0, 2880).Select(i => i < 6 ? 6_000.0 : 0).ToArray();

        var points = HistoryGraph.Points(minutes, 6);

        Assert.Equal(480, points.Length);
        Assert.Equal(6_000, points[0], 9);
        Assert.Equal(0, points[1], 9);
    }

    [Fact]
    public void ToplistTable_StoredHostNames_ShownUnderTheirAddressAndFiltered()
    {
        var definition = new ToplistDefinition { Id = 4, Name = "Top IP", Type = ToplistType.TopIp };
        var known = new ToplistKey(FlowAddress.Parse("192.0.2.10"));
        var unknown = new ToplistKey(FlowAddress.Parse("192.0.2.11"));
        var period = new ToplistPeriodResult(Now, Now.AddMinutes(15), [new ToplistRow(known, 900, 9, 1, 0), new ToplistRow(unknown, 100, 1, 1, 0)], 1000, 10, 2, false, 0, 2);

        var table = _ui.Context.Render<ToplistTable>(p => p.Add(t => t.Definition, definition).Add(t => t.Result, period)
            .Add(t => t.HostNames, new Dictionary<ToplistKey, HostNamePair> { [known] = new("printer.example.org", null) }));

        var rows = table.FindAll("tr.toplist-row");
        Assert.Equal(["printer.example.org"], rows[0].QuerySelectorAll("td.toplist-key .toplist-host").Select(c => c.TextContent.Trim()));
        Assert.Empty(rows[1].QuerySelectorAll(".toplist-host"));
        table.Find("#toplist-filter-4").Input("printer");
        table.WaitForAssertion(() => Assert.Single(table.FindAll("tr.toplist-row")));
    }

    private IRenderedComponent<HistoryRangePicker> RenderPicker(HistoryWindow window, Action<HistoryWindow> changed) =>
        _ui.Context.Render<HistoryRangePicker>(p => p.Add(c => c.Window, window).Add(c => c.WindowChanged, changed));

    private static AngleSharp.Dom.IElement ToggleItem(IRenderedComponent<HistoryRangePicker> picker, string label) =>
        picker.FindAll(".history-range .mud-toggle-item").Single(e => e.TextContent.Trim() == label);

    private static RateSummary Summary() => new() { SampleSeconds = 300, BucketSeconds = 60 };
}

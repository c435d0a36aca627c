using Bunit;
using FlowWeb.Components.Pages.Sections;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Ui;

/// <summary>Attack marks on a traffic graph, and the sensor form's detection section model.</summary>
public sealed class AttackComponentTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TrafficChart_AttackInsideAndOngoing_ShadedAtItsSpanAndToTheEnd()
    {
        await using var ui = new UiContext();
        // 101 points, one a second: 100 seconds wide. One attack from 20 s to 30 s, one from 90 s still going on, one before the graph.
        var values = Enumerable.Repeat(1e6, 101).ToArray();
        var chart = ui.Context.Render<TrafficChart>(p => p
            .Add(c => c.Series, [new ChartSeries("Total", "#000", values)])
            .Add(c => c.Start, Start)
            .Add(c => c.Marks, [
                new ChartMark(Start.AddSeconds(20), Start.AddSeconds(30), "Attack: UDP flood on 203.0.113.12", "attacks/7"),
                new ChartMark(Start.AddSeconds(90), null, "Attack: ongoing", "attacks/8"),
                new ChartMark(Start.AddSeconds(-50), Start.AddSeconds(-10), "Attack: before", "attacks/6"),
            ]));

        var marks = chart.FindAll(".traffic-chart-mark");
        Assert.Equal(2, marks.Count);
        Assert.Equal("left:20%;width:10%", marks[0].GetAttribute("style"));
        Assert.Equal("Attack: UDP flood on 203.0.113.12", marks[0].GetAttribute("title"));
        Assert.Equal("attacks/7", marks[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("left:90%;width:10%", marks[1].GetAttribute("style"));
    }

    [Fact]
    public async Task SlowExportWarning_ThirtyMinuteTimeoutSeenOrSet_WarnsWithTheRouterOsFix()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));
        var detection = new AttackDetection(Options.Create(new DetectionOptions()), time, NullLogger<AttackDetection>.Instance);
        await using var ui = new UiContext(s => s.AddSingleton(detection));
        var seen = new SensorDefinition { Name = "Exported at 30 min" };
        var set = new SensorDefinition { Name = "Set to 10 min", ActiveFlowTimeoutMinutes = 10 };
        var fine = new SensorDefinition { Name = "One minute" };

        // A flow of 30 minutes reported at its active timeout, as RouterOS does by default.
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var shard = detection.ShardFor(seen, now)!;
        var fineShard = detection.ShardFor(fine, now)!;
        fineShard.Add(new FlowRecord { DstAddr = FlowAddress.Parse("203.0.113.5"), Packets = 10, Bytes = 1000, StartMs = (now - 60) * 1000, EndMs = now * 1000 }, 1, now);
        shard.Add(new FlowRecord { DstAddr = FlowAddress.Parse("203.0.113.5"), Packets = 10, Bytes = 1000, StartMs = (now - 1800) * 1000, EndMs = now * 1000 }, 1, now);
        time.Advance(TimeSpan.FromSeconds(2));
        shard.Roll(now + 2);
        fineShard.Roll(now + 2);
        detection.Tick();
        Assert.Equal(1800, detection.Detector(seen.Id)!.LongestRecentRecordSeconds);
        Assert.Equal(60, detection.Detector(fine.Id)!.LongestRecentRecordSeconds);

        var warning = ui.Context.Render<SlowExportWarning>(p => p.Add(w => w.Sensors, [seen, set, fine]));
        var alerts = warning.FindAll(".slow-export-warning");
        Assert.Equal([seen.Id.ToString(), set.Id.ToString()], alerts.Select(a => a.GetAttribute("data-sensor")));
        Assert.Contains("flows lasting up to 30 min", alerts[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("active flow timeout is 10 minutes", alerts[1].TextContent, StringComparison.Ordinal);
        Assert.All(alerts, a => Assert.Contains("/ip traffic-flow set active-flow-timeout=1m", a.TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void DetectionFormModel_RoundTrip_KeepsSettingsAndEditsBitRatesInMbits()
    {
        var settings = new SensorDetectionSettings
        {
            Mode = DetectionMode.On,
            ProtectedNetworks = ["203.0.113.0/24", "2001:db8::/32"],
            StartAfterSeconds = 2,
            EndAfterSeconds = 30,
            Incoming = new ThresholdSet { BitsPerSecond = 500_000_000, SynPacketsPerSecond = 5_000, IcmpPacketsPerSecond = 0 },
            HostGroups = [new HostGroup { Name = "DNS", Prefixes = ["203.0.113.53"], Incoming = new ThresholdSet { UdpPacketsPerSecond = 300_000 } }],
        };

        var model = DetectionFormModel.From(settings);
        Assert.Equal(500, model.Incoming.Values[DetectionMetric.Bits]);
        Assert.Null(model.Incoming.Values[DetectionMetric.Packets]);
        Assert.Equal(settings, model.ToSettings());

        model.ProtectedNetworks = "198.51.100.0/24,\n 192.0.2.0/24";
        model.Incoming.Values[DetectionMetric.UdpBits] = 1.5;
        var edited = model.ToSettings();
        Assert.Equal(["198.51.100.0/24", "192.0.2.0/24"], edited.ProtectedNetworks);
        Assert.Equal(1_500_000, edited.Incoming.UdpBitsPerSecond);
        Assert.Equal(0, edited.Incoming.IcmpPacketsPerSecond); // 0 turns a threshold off, and stays 0
    }

    [Fact]
    public void DetectionSettings_BadNAndM_NamedByField()
    {
        var problems = DetectionSettingsValidator.Validate(new SensorDetectionSettings { StartAfterSeconds = 0, EndAfterSeconds = 4000 }).ToList();
        Assert.Contains(problems, p => p.Field == "StartAfterSeconds" && p.Message.Contains("1 to 600", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Field == "EndAfterSeconds" && p.Message.Contains("1 to 3600", StringComparison.Ordinal));
        var config = new DetectionConfig(new DetectionOptions(), new SensorDetectionSettings { StartAfterSeconds = 2, EndAfterSeconds = 5 });
        Assert.Equal((2, 5), (config.StartAfterSeconds, config.EndAfterSeconds));
        Assert.Equal((3, 60), (new DetectionConfig(new DetectionOptions(), new SensorDetectionSettings()).StartAfterSeconds, new DetectionConfig(new DetectionOptions(), null).EndAfterSeconds));
    }
}

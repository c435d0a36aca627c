using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Capture;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Api;
using Microsoft.Playwright;
using static FlowWeb.Tests.Collection.CollectorHarness;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// A switch's sFlow in a real Chromium: the 10 Gbit/s switch capture sent over UDP to the sFlow port from an
/// address no sensor expects, adopted from the Discovered exporters page as an sFlow sensor that then counts its
/// samples; its device's interfaces page shows the counters samples' speed and utilisation as tshark's values give them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class SFlowJourneyTests(BrowserAppFixture app)
{
    private const string Agent = "127.0.0.6";
    private static readonly LocatorAssertionsToBeVisibleOptions Arrival = new() { Timeout = 15_000 };

    private static string TestData(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);

    [Fact]
    public async Task DiscoveredSFlowAgent_AddSensor_CountsSamplesAndDevicePageShowsInterfaceCounters()
    {
        var datagrams = PcapReader.Read(File.ReadAllBytes(TestData("captures", "sflow", "switch-10g-2021.pcap")), out _).Select(d => d.Payload).ToList();
        var expected = File.ReadLines(TestData("expected", "sflow-switch-10g-2021.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var flowSamples = expected.Count(e => e.GetProperty("sampleType").GetString() != "counters");
        await using var browser = await BrowserSession.OpenAsync(app, "discovered-sflow", height: 1300);
        var page = browser.Page;
        Send(Agent, app.App.SFlowUdpPort, datagrams);

        await browser.GoToAsync("exporters");
        var row = page.Locator("tr", new() { Has = page.Locator($"td.exporter-address:text-is('{Agent}')") });
        await Expect(row).ToBeVisibleAsync(Arrival);
        await Expect(row).ToContainTextAsync("sFlow v5");
        await row.Locator("a:has-text('Add sensor')").ClickAsync();
        await Expect(page.Locator("#sensor-sender")).ToHaveValueAsync(Agent);
        await Expect(page.Locator("#sensor-port")).ToHaveValueAsync(app.App.SFlowUdpPort.ToString(CultureInfo.InvariantCulture));
        await page.ClickAsync(".save-sensor-button");
        await Expect(page).ToHaveURLAsync(SensorPageUrl());

        var sensors = app.Service<SensorService>();
        var sensor = Assert.Single(await sensors.ListSensorsAsync(), s => s.SenderIp == Agent);
        Assert.Equal((ExpectedProtocol.SFlow, app.App.SFlowUdpPort), (sensor.Protocol, sensor.Port));
        Send(Agent, app.App.SFlowUdpPort, datagrams);
        await Poll.UntilAsync(() => Task.FromResult(app.Service<SensorLiveState>().Snapshot(sensor).FlowsAccepted), n => n == flowSamples,
            TimeSpan.FromSeconds(15), n => $"{n} of {flowSamples} flow samples");

        var device = new DeviceDefinition { Name = "Core switch", Address = Agent };
        Assert.True((await sensors.SaveDeviceAsync(device)).Saved);
        Assert.True((await sensors.UpdateSensorAsync(sensor with { DeviceId = device.Id })).Saved);
        await browser.GoToAsync($"devices/{device.Id}/interfaces");
        var port = page.Locator("tr.sflow-interface[data-ifindex='1002']");
        await Expect(port).ToBeVisibleAsync(Arrival);

        // tshark's last two counters samples of the port, over the agent's uptime difference.
        var counters = expected.Where(e => e.GetProperty("sampleType").GetString() == "counters").ToList();
        var (last, previous) = (counters[^1], counters[^2]);
        var seconds = (Uptime(datagrams, last) - Uptime(datagrams, previous)) / 1000.0;
        var speed = last.GetProperty("ifSpeed").GetUInt64();
        var inBits = (last.GetProperty("ifInOctets").GetUInt64() - previous.GetProperty("ifInOctets").GetUInt64()) * 8 / seconds;
        var outBits = (last.GetProperty("ifOutOctets").GetUInt64() - previous.GetProperty("ifOutOctets").GetUInt64()) * 8 / seconds;
        await Expect(port.Locator(".sflow-speed")).ToHaveTextAsync(FlowFormat.BitRate(speed));
        await Expect(port.Locator(".sflow-in")).ToHaveTextAsync(FlowFormat.BitRate(inBits));
        await Expect(port.Locator(".sflow-out")).ToHaveTextAsync(FlowFormat.BitRate(outBits));
        await Expect(port.Locator(".sflow-in-util")).ToHaveTextAsync(FlowFormat.Percent(100 * inBits / speed));
        await Expect(port.Locator(".sflow-out-util")).ToHaveTextAsync(FlowFormat.Percent(100 * outBits / speed));
        await Expect(port.Locator(".sflow-interval")).ToContainTextAsync($"{seconds:0.#} s");
        await browser.ScreenshotAsync("sflow-interface-counters.png");

        // Stored history: the recorder writes the minute within seconds; the panel reads it when the page loads.
        var history = page.Locator("tr.sflow-history-row");
        for (var attempt = 0; attempt < 20 && await history.CountAsync() == 0; attempt++)
        {
            await Task.Delay(1000);
            await page.ReloadAsync();
            await Expect(page.Locator(".sflow-counter-history")).ToBeVisibleAsync(Arrival);
        }

        await Expect(page.Locator(".sflow-history-interface")).ToContainTextAsync("10.0.10.20 ifIndex 1002");
        var (first, span) = (counters[0], (Uptime(datagrams, last) - Uptime(datagrams, counters[0])) / 1000.0);
        var storedIn = (last.GetProperty("ifInOctets").GetUInt64() - first.GetProperty("ifInOctets").GetUInt64()) * 8 / span;
        await Expect(history.First).ToBeVisibleAsync();

        // However the samples fell into minutes: the rows' measured seconds add up to the agent's uptime from the first
        // sample to the last, and their rates times their seconds to the octets in between (each shown to 3 digits).
        var rows = await history.AllAsync();
        var measured = new List<double>();
        var inBitsSum = 0.0;
        foreach (var r in rows)
        {
            var s = Seconds(await r.Locator(".sflow-history-measured").TextContentAsync());
            measured.Add(s);
            inBitsSum += BitRate(await r.Locator(".sflow-history-in").TextContentAsync()) * s;
        }

        Assert.Equal(span, measured.Sum(), 0.05 * rows.Count + 1e-9);
        Assert.Equal(storedIn * span, inBitsSum, storedIn * span * 0.006);
        if (rows.Count == 1)
        {
            await Expect(history.Locator(".sflow-history-in")).ToHaveTextAsync(FlowFormat.BitRate(storedIn));
            await Expect(history.Locator(".sflow-history-in-util")).ToHaveTextAsync(FlowFormat.Percent(100 * storedIn / speed));
        }

        await browser.ScreenshotAsync("sflow-interface-history.png");
        Assert.Empty(browser.Errors);
    }

    /// <summary>"1.2 s" → 1.2.</summary>
    private static double Seconds(string? text) => double.Parse(text!.Replace(" s", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    /// <summary>"54.8 Mbit/s" → 54,800,000 (the units of <see cref="FlowFormat.BitRateUnits"/>).</summary>
    private static double BitRate(string? text)
    {
        var parts = text!.Trim().Split(' ');
        var unit = Assert.Single(FlowFormat.BitRateUnits, u => u.Name == parts[1]);
        return double.Parse(parts[0].Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) * unit.Scale;
    }

    /// <summary>The agent's uptime (ms) in the header of the datagram with this sample's sequence number (IPv4 agent).</summary>
    private static uint Uptime(List<byte[]> datagrams, JsonElement sample)
    {
        var sequence = sample.GetProperty("datagramSeq").GetUInt32();
        return BinaryPrimitives.ReadUInt32BigEndian(datagrams.First(d => BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(16)) == sequence).AsSpan(20));
    }

    [GeneratedRegex(@"/sensors/[0-9a-f-]{36}$")]
    private static partial Regex SensorPageUrl();
}

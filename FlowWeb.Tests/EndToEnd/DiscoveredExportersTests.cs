using System.Globalization;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;
using FlowWeb.Tests.Api;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// Discovered exporters in a real Chromium when one address hosts several exporters: a NetFlow v5 engine, two v9
/// source ids and an IPFIX observation domain on the default port, and the same IPFIX domain again on the sFlow
/// port. Each is its own row with the port it was heard on; the header names every listening port.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DiscoveredExportersTests(BrowserAppFixture app)
{
    private const string Address = "127.0.0.23";

    private static readonly LocatorAssertionsToBeVisibleOptions Arrival = new() { Timeout = 15_000 };

    [Fact]
    public async Task FourExportersOnOneAddress_AreFourRowsWithTheirPortVersionAndDomain()
    {
        var boot = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var flow = FlowSender.Flow("10.4.4.4", 40000, "192.0.2.44", 443, 6, 4_000, 4);
        var defaultPort = app.DefaultUdpPort;
        var otherPort = app.App.SFlowUdpPort;
        var exporters = new (FlowExporterSimulator Exporter, int Port)[]
        {
            (new FlowExporterSimulator(ExportProtocol.NetFlowV5, boot, observationDomainId: 0x0102), defaultPort),
            (new FlowExporterSimulator(ExportProtocol.NetFlowV9, boot, RouterOsTemplates.Ros7NetFlowV9IPv4, observationDomainId: 1), defaultPort),
            (new FlowExporterSimulator(ExportProtocol.NetFlowV9, boot, RouterOsTemplates.Ros7NetFlowV9IPv4, observationDomainId: 2), defaultPort),
            (new FlowExporterSimulator(ExportProtocol.Ipfix, boot, RouterOsTemplates.Ros7IpfixIPv4, observationDomainId: 7), defaultPort),
            (new FlowExporterSimulator(ExportProtocol.Ipfix, boot, RouterOsTemplates.Ros7IpfixIPv4, observationDomainId: 7), otherPort),
        };
        foreach (var (exporter, port) in exporters)
        {
            using var sender = new FlowSender(Address, exporter);
            await sender.SendAsync(port, [flow]);
        }

        // The API says the same as the page: one exporter address, five streams.
        var frame = await Poll.UntilAsync(() => Task.FromResult(app.Service<SensorLiveState>().Exporter(FlowAddress.Parse(Address))),
            e => e is { Streams.Count: 5 }, TimeSpan.FromSeconds(15), e => $"streams: {e?.Streams.Count ?? 0}");
        Assert.All(frame!.Streams, s => Assert.Equal(1, s.Datagrams));

        await using var browser = await BrowserSession.OpenAsync(app, "discovered-exporters-streams");
        var page = browser.Page;
        await browser.GoToAsync("exporters");
        await page.FillAsync("#exporters-search", Address);
        var rows = page.Locator("tr.exporter-row", new() { Has = page.Locator($"td.exporter-address:text-is('{Address}')") });
        await Expect(rows).ToHaveCountAsync(5, new() { Timeout = Arrival.Timeout });

        var seen = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var row = rows.Nth(i);
            seen.Add(string.Join(" | ", await row.Locator("td.exporter-port").InnerTextAsync(), await row.Locator("td.exporter-protocol").InnerTextAsync(),
                await row.Locator("td.exporter-domain").InnerTextAsync()));
        }

        string Port(int p) => p.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(
            new[]
            {
                $"{Port(defaultPort)} | NetFlow v5 | engine 1/2",
                $"{Port(defaultPort)} | NetFlow v9 | source id 1",
                $"{Port(defaultPort)} | NetFlow v9 | source id 2",
                $"{Port(defaultPort)} | IPFIX | domain 7",
                $"{Port(otherPort)} | IPFIX | domain 7",
            }.Order(StringComparer.Ordinal),
            seen.Select(s => s.Trim()).Order(StringComparer.Ordinal));

        // The header names every port the collector listens on.
        var header = page.Locator(".exporters-listening");
        await Expect(header).ToContainTextAsync(Port(defaultPort));
        await Expect(header).ToContainTextAsync(Port(otherPort));

        // "Add sensor" on the row heard on the other port fills that port in.
        var other = rows.Nth(seen.FindIndex(s => s.StartsWith(Port(otherPort), StringComparison.Ordinal)));
        await other.Locator("a:has-text('Add sensor')").ClickAsync();
        await Expect(page.Locator("#sensor-port")).ToHaveValueAsync(Port(otherPort));
        await Expect(page.Locator("#sensor-sender")).ToHaveValueAsync(Address);
        Assert.Empty(browser.Errors);
    }
}

using FlowWeb.Components.Pages.Sections;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Live;

/// <summary>Server-side paging of the exporter list and of the Devices page: what a page gets is what it shows.</summary>
public sealed class ExporterQueryTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private int _reads;

    [Fact]
    public void Query_TenThousandExporters_ReturnsOnlyThePageAskedFor_InAddressOrder()
    {
        var service = Service(10_000);

        var page = service.Query(new ExporterQuery(Offset: 100, Limit: 50));

        Assert.Equal((50, 10_000, 10_000, 100), (page.Rows.Count, page.Matching, page.Total, page.Offset));
        Assert.Equal(Address(100), page.Rows[0].Address);
        Assert.Equal(Address(149), page.Rows[^1].Address);
    }

    [Fact]
    public void Query_SortedByDatagramsDescending_BusiestFirst_TiesByAddress()
    {
        var service = Service(1000);

        var page = service.Query(new ExporterQuery(Limit: 3, SortBy: ExporterSort.Datagrams, Descending: true));

        // Exporter i sent i % 7 datagrams: 6 is the most, first reached at i = 6, 13, 20; descending reverses the ties too.
        Assert.All(page.Rows, r => Assert.Equal(6, r.Datagrams));
        Assert.True(page.Rows[0].Address.CompareTo(page.Rows[1].Address) > 0);
    }

    [Fact]
    public void Query_Search_MatchesAddressTextAndPagesTheMatches()
    {
        var service = Service(10_000);

        var page = service.Query(new ExporterQuery(Offset: 0, Limit: 1000, Search: "127.1.39."));

        Assert.Equal(250, page.Matching);
        Assert.All(page.Rows, r => Assert.StartsWith("127.1.39.", r.Address.ToString(), StringComparison.Ordinal));
        Assert.Empty(service.Query(new ExporterQuery(Search: "no such")).Rows);
    }

    [Fact]
    public void Query_LimitAboveTheMaximumOrOffsetPastTheEnd_Clamped()
    {
        var service = Service(5000);

        Assert.Equal(ExporterQueryService.MaxLimit, service.Query(new ExporterQuery(Limit: 1_000_000)).Rows.Count);
        var past = service.Query(new ExporterQuery(Offset: 9_999_999));
        Assert.Equal((0, 5000), (past.Rows.Count, past.Offset));
    }

    [Fact]
    public void Query_ManyReadersWithinASecond_ReadTheSourceOnce_AndAgainAfterIt()
    {
        var service = Service(100);

        for (var i = 0; i < 50; i++)
        {
            service.Query(new ExporterQuery(SortBy: (ExporterSort)(i % 8)));
        }

        Assert.Equal(1, _reads);
        _time.Advance(TimeSpan.FromSeconds(1));
        service.Query(new ExporterQuery());
        Assert.Equal(2, _reads);
    }

    [Fact]
    public void DevicePaging_ManySensors_PagesOfTwentyFiveRows_DeviceContinuesOnTheNextPage()
    {
        var big = new DeviceDefinition { Name = "A core" };
        var small = new DeviceDefinition { Name = "B branch", Address = "192.0.2.9" };
        var empty = new DeviceDefinition { Name = "C spare" };
        var sensors = Enumerable.Range(0, 30).Select(i => new SensorDefinition { Name = $"core {i:00}", DeviceId = big.Id })
            .Concat([new SensorDefinition { Name = "branch", DeviceId = small.Id, Tags = ["wan"] }, new SensorDefinition { Name = "loose" }])
            .ToList();

        var first = DevicePaging.Page([small, empty, big], sensors, null, 0);
        var second = DevicePaging.Page([small, empty, big], sensors, null, 1);

        Assert.Equal((2, 33), (first.Pages, first.Rows));
        Assert.Equal([(big.Id, 25)], first.Groups.Select(g => (g.Device!.Id, g.Sensors.Count)));
        Assert.Equal(["A core", "B branch", "C spare", null], second.Groups.Select(g => g.Device?.Name));
        Assert.Equal([5, 1, 0, 1], second.Groups.Select(g => g.Sensors.Count));
        Assert.Equal((26, 33), (second.FirstRow, second.LastRow));
    }

    [Fact]
    public void DevicePaging_Search_DeviceByAddressKeepsItsSensors_SensorByTag()
    {
        var device = new DeviceDefinition { Name = "Branch", Address = "192.0.2.9" };
        var other = new DeviceDefinition { Name = "Core" };
        List<SensorDefinition> sensors =
        [
            new() { Name = "b1", DeviceId = device.Id }, new() { Name = "b2", DeviceId = device.Id },
            new() { Name = "c1", DeviceId = other.Id, Tags = ["uplink"] }, new() { Name = "c2", DeviceId = other.Id },
        ];

        var byAddress = DevicePaging.Page([device, other], sensors, "192.0.2", 0);
        var byTag = DevicePaging.Page([device, other], sensors, "UPLINK", 0);

        Assert.Equal(["b1", "b2"], byAddress.Groups.Single().Sensors.Select(s => s.Name));
        Assert.Equal(("Core", "c1"), (byTag.Groups.Single().Device!.Name, byTag.Groups.Single().Sensors.Single().Name));
    }

    private ExporterQueryService Service(int count)
    {
        var exporters = Enumerable.Range(0, count)
            .Select(i => new ExporterFrame(Address(i), 9, Datagrams: i % 7, Flows: i, 0, 0, TemplatesKnown: 0, 0, 0, 0, DecodeErrors: 0, new Dictionary<DecodeStatus, long>(), 0, 0, 0, 0, 0, 0, 0, Start, Start))
            .ToArray();
        return new ExporterQueryService(() =>
        {
            _reads++;
            return exporters;
        }, _time);
    }

    private static FlowAddress Address(int i) => FlowAddress.Parse($"127.1.{i / 250}.{(i % 250) + 1}");
}

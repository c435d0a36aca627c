using System.Net;
using System.Net.Sockets;
using FlowWeb.Api;
using FlowWeb.Tests.Web;

namespace FlowWeb.Tests.Api;

/// <summary>List endpoints answer one page at a time: offset and limit, the count in X-Total-Count, the next page in Link.</summary>
public sealed class ListPagingApiTests : IDisposable
{
    private readonly FlowWebFactory _factory = new();

    [Fact]
    public async Task Exporters_LimitTwoOfThree_PageWithCountAndNextLink_SortAndSearchOnTheServer()
    {
        using var client = _factory.CreateClient();
        foreach (var (source, datagrams) in new[] { ("127.0.0.21", 1), ("127.0.0.22", 3), ("127.0.0.23", 2) })
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
            for (var i = 0; i < datagrams; i++)
            {
                socket.SendTo(NetFlowV5Datagram.Build(1, (uint)i), new IPEndPoint(IPAddress.Loopback, _factory.UdpPort));
            }
        }

        await Poll.UntilAsync(() => client.GetAsync<ExporterResponse[]>("/api/exporters?search=127.0.0.2"), e => e.Sum(x => x.Datagrams) == 6,
            TimeSpan.FromSeconds(10), e => $"{e.Length} exporters");

        using var first = await client.GetAsync(ApiJson.Url("/api/exporters?search=127.0.0.2&limit=2"));
        var page = await first.ReadAsync<ExporterResponse[]>(HttpStatusCode.OK);
        var busiest = await client.GetAsync<ExporterResponse[]>("/api/exporters?search=127.0.0.2&sort=Datagrams&descending=true&limit=1");
        using var bad = await client.GetAsync(ApiJson.Url("/api/exporters?limit=1001&offset=-1"));

        Assert.Equal(["127.0.0.21", "127.0.0.22"], page.Select(e => e.Address));
        Assert.Equal("3", Assert.Single(first.Headers.GetValues("X-Total-Count")));
        Assert.Equal("</api/exporters?search=127.0.0.2&limit=2&offset=2>; rel=\"next\"", Assert.Single(first.Headers.GetValues("Link")));
        Assert.Equal("127.0.0.22", Assert.Single(busiest).Address);
        var problem = await bad.ValidationProblemAsync();
        Assert.Equal(["limit", "offset"], problem.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Sensors_OffsetAndLimit_OnePageAndTheCount()
    {
        using var client = _factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var created = await client.PostJsonAsync("/api/sensors", new SensorRequest { Name = $"S{i}", Port = _factory.UdpPort });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var response = await client.GetAsync(ApiJson.Url("/api/sensors?offset=1&limit=1"));

        Assert.Equal("S1", Assert.Single(await response.ReadAsync<SensorResponse[]>(HttpStatusCode.OK)).Name);
        Assert.Equal("3", Assert.Single(response.Headers.GetValues("X-Total-Count")));
    }

    public void Dispose() => _factory.Dispose();
}

using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Xunit;
using static FlowWeb.Tests.Collection.CollectorHarness;

namespace FlowWeb.Tests.Collection;

/// <summary>
/// The sFlow agents' drops, over real UDP into the app's sFlow port and read back from <c>/metrics</c>: what the agent
/// says it dropped (its drops counter's increase) and a sampled header cut short are counted per exporter.
/// </summary>
public sealed class SFlowDropsMetricsTests : IDisposable
{
    private readonly FlowWebFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task AgentDropsAndHeaderCutShort_CountedInTheMetricsPerExporter()
    {
        var encoder = new SFlowEncoder(FlowAddress.Parse("192.0.2.12"));
        var datagrams = new List<byte[]>
        {
            encoder.Encode([new SFlowSampleSpec { Drops = 40 }]),
            // The agent dropped 6 more samples since the last one, and sent only 20 bytes of this packet's header (IPv4 cut).
            encoder.Encode([new SFlowSampleSpec { Drops = 46, Packet = new SFlowSampledPacket { HeaderBytes = 20 } }]),
        };

        using var client = _factory.CreateClient();
        Send("127.0.0.1", _factory.SFlowUdpPort, datagrams);

        string[] expected =
        [
            "flowweb_sflow_agent_dropped_samples_total{exporter=\"127.0.0.1\"} 6",
            "flowweb_sflow_headers_cut_short_total{exporter=\"127.0.0.1\"} 1",
            "flowweb_sflow_untracked_source_samples_total{exporter=\"127.0.0.1\"} 0",
            "flowweb_sflow_refused_interface_counters_samples_total{exporter=\"127.0.0.1\"} 0",
        ];
        var metrics = await Poll.UntilAsync(() => client.GetStringAsync(ApiJson.Url("/metrics")),
            m => m.Contains("flowweb_sflow_headers_cut_short_total{exporter=\"127.0.0.1\"} 1\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), m => "metrics: " + string.Join(" | ", m.Split('\n').Where(l => l.StartsWith("flowweb_sflow_", StringComparison.Ordinal))));

        var lines = metrics.Split('\n');
        Assert.All(expected, e => Assert.Contains(e, lines));
        Assert.Contains(lines, l => l.StartsWith("# HELP flowweb_sflow_agent_dropped_samples_total Samples the sFlow agents dropped themselves", StringComparison.Ordinal));
    }
}

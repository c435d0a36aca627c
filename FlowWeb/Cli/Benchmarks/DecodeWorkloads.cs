using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// Benchmark datagrams as routers send them, built with the project's encoder: RouterOS-shaped v5, v7-shaped v9
/// and IPFIX (systemInitTimeMilliseconds in every record) and 6.x IPFIX (templates 258/259, boot time estimated), and
/// a switch's sFlow v5 (one record per flow sample).
/// Templates are resent every 20 packets, as RouterOS does, so the timed loop includes template refreshes.
/// </summary>
internal static class DecodeWorkloads
{
    private const int Datagrams = 400;

    public static IEnumerable<DecodeWorkload> All()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var boot = now - TimeSpan.FromDays(3).Ticks / TimeSpan.TicksPerMillisecond;
        yield return Build("NetFlow v5 (RouterOS)", RouterOsExporters.NetFlowV5(boot), now);
        yield return Build("NetFlow v9 (RouterOS 7 shape)", RouterOsExporters.Ros7NetFlowV9(boot), now);
        yield return Build("IPFIX (RouterOS 7 shape, IE 160)", RouterOsExporters.Ros7Ipfix(boot), now);
        yield return Build("IPFIX (RouterOS 6, 258/259)", RouterOsExporters.Ros6Ipfix(boot), now);
        yield return SFlow(now);
    }

    /// <summary>A switch's sFlow: 128-byte tagged headers with extended switch data, 1:1024, ~6 samples per datagram.</summary>
    private static DecodeWorkload SFlow(long now)
    {
        var records = new FlowRecord[Datagrams * 8];
        SyntheticTraffic.Fill(records, seed: 1, now, ipv6Share: 0.05);
        var packets = SFlowTraffic.Switch(records, FlowAddress.Parse("192.0.2.2"), 1024, Datagrams);
        return new DecodeWorkload("sFlow v5 (switch, 1:1024)", [packets[0]], [.. packets]);
    }

    private static DecodeWorkload Build(string name, FlowExporterSimulator exporter, long now)
    {
        var records = new FlowRecord[Datagrams * 40];
        SyntheticTraffic.Fill(records, seed: 1, now, ipv6Share: exporter.Protocol == ExportProtocol.NetFlowV5 ? 0 : 0.05);
        var packets = new List<byte[]>(Datagrams);
        var buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];
        ReadOnlySpan<FlowRecord> rest = records;
        while (packets.Count < Datagrams && !rest.IsEmpty)
        {
            var length = exporter.WriteDatagram(rest, now, buffer, out var consumed);
            packets.Add(buffer[..length]);
            rest = rest[consumed..];
        }

        // The first datagram carries the templates: decode it once before timing so the steady state is measured.
        return new DecodeWorkload(name, [packets[0]], [.. packets]);
    }
}

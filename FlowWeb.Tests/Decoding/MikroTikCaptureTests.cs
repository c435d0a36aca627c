using System.Globalization;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Decoding.TestData;
using static FlowWeb.Tests.Decoding.TestData.FlowAssert;
using IE = FlowWeb.Core.Decoding.InformationElements;

namespace FlowWeb.Tests.Decoding;

/// <summary>
/// RouterOS captures (TestData/README.md §1): NetFlow v5 and the 6.39.2 IPFIX trio, checked against the
/// Logstash spec, Beats' golden file, tshark and pmacct's nfacctd.
/// </summary>
public sealed class MikroTikCaptureTests
{
    private const long Ipfix258ExportMs = 1_500_481_088_000;

    [Fact]
    public void V5_MikroTikCapture_MatchesLogstashAndTshark()
    {
        using var run = CaptureRun.Decode("ls_mikrotik_v5");
        var p = run["netflow5_test_microtik.dat"];
        Assert.Equal(new DecodeResult(DecodeStatus.Ok, 5, 30), p.Result);
        Assert.Equal(30, p.Flows.Length);

        // tshark record [0]: first = last = 27346270 ms, header sysUptime 27361640, unix 1469109117.514932.
        var first = p.Flows[0];
        Flow(first, "10.0.13.1", 5228, "192.168.0.98", 52734, 6, 104, 2);
        Assert.Equal("192.168.0.98", first.NextHop.ToString());
        Interfaces(first, 13, 50);
        Assert.Equal(0x10, first.TcpFlags);
        Assert.Equal(0, first.Tos);
        var firstMs = FromUptime(1469109117, 514932000, 27361640, 27346270);
        Times(first, firstMs, firstMs, FlowTimeSource.HeaderUptime);

        // Logstash spec L839-896, event [29].
        var last = p.Flows[29];
        Flow(last, "10.0.8.1", 80, "192.168.0.1", 51826, 6, 11442, 13);
        Assert.Equal("192.168.0.1", last.NextHop.ToString());
        Interfaces(last, 13, 46);
        Assert.Equal(82, last.TcpFlags);
        Assert.Equal(40, last.Tos);
        Assert.Equal(1u, last.SamplingRate);
        Times(last, Ms("2016-07-21T13:51:42.254Z"), Ms("2016-07-21T13:51:42.254Z"), FlowTimeSource.HeaderUptime);

        // RouterOS v5 never fills AS numbers or masks (README, protocols.md §2.1), always a next hop.
        Assert.All(p.Flows, r =>
        {
            Assert.Equal(5, r.Version);
            Assert.Equal((0u, 0u, 0, 0), (r.SrcAs, r.DstAs, r.SrcMask, r.DstMask));
            Assert.False(r.NextHop.IsNone);
            Assert.Equal(1u, r.SamplingRate);
        });
    }

    [Fact]
    public void Ipfix_Trio_DecodesAllRecordsWithLogstashAndBeatsValues()
    {
        using var run = CaptureRun.Decode("ls_mikrotik_ipfix");
        var tpl = run["ipfix_test_mikrotik_tpl.dat"];
        Assert.Equal(2, tpl.Result.TemplatesLearned);
        Assert.True(run.Decoder.Templates.TryGet(new(tpl.Packet.Exporter, 10, 0, 258), out var t258));
        Assert.Equal(51, t258.FixedLength);
        Assert.Equal(
            [60, 22, 21, 2, 1, 7, 11, 10, 14, 4, 6, 8, 12, 15, 225, 226],
            t258.Fields.Select(f => (int)f.ElementId));
        Assert.True(run.Decoder.Templates.TryGet(new(tpl.Packet.Exporter, 10, 0, 259), out var t259));
        Assert.Equal(79, t259.FixedLength);

        var v4 = run["ipfix_test_mikrotik_data258.dat"];
        var v6 = run["ipfix_test_mikrotik_data259.dat"];
        Assert.Equal(46, v4.Flows.Length + v6.Flows.Length);

        // Logstash spec event [0].
        var e0 = v4.Flows[0];
        Flow(e0, "10.10.8.197", 123, "192.168.128.17", 123, 17, 152, 2);
        Interfaces(e0, 13, 7);
        Assert.Equal("192.168.224.1", e0.NextHop.ToString());
        Assert.Equal("192.168.230.216", e0.PostNatSrcAddr.ToString());
        Assert.Equal("192.168.128.17", e0.PostNatDstAddr.ToString());
        Assert.True(e0.Flags.HasFlag(FlowRecordFlags.HasNat));
        Assert.Equal(0, e0.TcpFlags);
        Assert.Equal(4ul, v4.Unsigned(e0, IE.IpVersion));
        Assert.Equal(2666794170ul, v4.Unsigned(e0, IE.FlowStartSysUpTime));
        Assert.Equal(2666794170ul, v4.Unsigned(e0, IE.FlowEndSysUpTime));
        Assert.Equal(e0.StartMs, e0.EndMs);

        // Beats golden event [1].
        var e1 = v4.Flows[1];
        Flow(e1, "192.168.35.143", 46518, "192.168.230.216", 82, 6, 502, 8);
        Interfaces(e1, 7, 11);
        Assert.Equal("10.10.6.11", e1.NextHop.ToString());
        Assert.Equal("192.168.35.143", e1.PostNatSrcAddr.ToString());
        Assert.Equal("10.10.6.11", e1.PostNatDstAddr.ToString());
        Assert.Equal(2, e1.TcpFlags);

        // tshark: first record of data259.
        var v6First = v6.Flows[0];
        Flow(v6First, "fe80::ff:fe00:401", 5678, "fe80::ff:fe00:401", 5678, 17, 555, 3);
        Interfaces(v6First, 0, 9);

        // Logstash spec event [45], the last record.
        var e45 = v6.Flows[^1];
        Flow(e45, "fe80::ff:fe00:1201", 5678, "fe80::ff:fe00:1201", 5678, 17, 370, 2);
        Interfaces(e45, 17, 0);
        Assert.Equal("ff02::1", e45.NextHop.ToString());
        Assert.Equal(2666795750ul, v6.Unsigned(e45, IE.FlowStartSysUpTime));

        // The bytes as sent, not "fixed": every IPv6 record has dst == src and next hop ff02::1 (MNDP multicast).
        Assert.All(v6.Flows, r =>
        {
            Assert.Equal(r.SrcAddr, r.DstAddr);
            Assert.Equal("ff02::1", r.NextHop.ToString());
            Assert.Equal(259, r.TemplateId);
        });
    }

    [Fact]
    public void Ipfix_Data259WithGarbagePadding_StopsAtTheLastWholeRecord()
    {
        using var run = CaptureRun.Decode("ls_mikrotik_ipfix");
        var v6 = run["ipfix_test_mikrotik_data259.dat"];

        // Set length 1428 = 4 + 18 x 79 + 2 bytes of padding that are 0x6b 0xab (tshark "Padding: 6bab").
        Assert.Equal(new DecodeResult(DecodeStatus.Ok, 10, 18), v6.Result);
        Assert.Equal(0x6b, v6.Packet.Payload[^2]);
        Assert.Equal(0xab, v6.Packet.Payload[^1]);
    }

    [Fact]
    public void Ipfix_NoSystemInitTime_EstimatesBootTimeFromExportTime()
    {
        using var run = CaptureRun.Decode("ls_mikrotik_ipfix");
        var v4 = run["ipfix_test_mikrotik_data258.dat"];
        var v6 = run["ipfix_test_mikrotik_data259.dat"];
        var all = v4.Flows.Concat(v6.Flows).ToArray();

        // Both data messages were exported at 1500481088 (tshark); no record can end after its export, and
        // RouterOS expires idle flows after 15 s, so the freshest ends within a minute of it.
        Assert.All(all, r =>
        {
            Assert.Equal(FlowTimeSource.EstimatedBootTime, r.TimeSource);
            Assert.InRange(r.EndMs, Ipfix258ExportMs - 60_000, Ipfix258ExportMs);
            Assert.InRange(r.StartMs, Ipfix258ExportMs - (3_600_000L * 24), r.EndMs);
        });
        Assert.Equal(Ipfix258ExportMs, all.Max(r => r.EndMs));

        // One boot estimate for the exporter: uptime distances survive exactly (event [45] 2666795750 - event [0] 2666794170).
        Assert.Equal(2666795750L - 2666794170L, v6.Flows[^1].EndMs - v4.Flows[0].EndMs);
        foreach (var (p, r) in v4.Flows.Select(r => (v4, r)).Concat(v6.Flows.Select(r => (v6, r))))
        {
            Assert.Equal((long)p.Unsigned(r, IE.FlowEndSysUpTime) - (long)p.Unsigned(r, IE.FlowStartSysUpTime), r.EndMs - r.StartMs);
        }
    }

    [Fact]
    public void Ipfix_SequenceCountsDataRecords_NoLossBetweenData258AndData259()
    {
        var decoder = Captures.NewDecoder();
        var group = CaptureCatalog.Group("ls_mikrotik_ipfix");
        var packets = Captures.Packets(group).ToArray();
        using var batch = new FlowBatch();
        var lostAfter = new List<long>();
        foreach (var p in packets)
        {
            decoder.Decode(p.Exporter, p.Payload, batch);
            lostAfter.Add(decoder.StatisticsOf(p.Exporter)!.LostFlowsEstimate);
        }

        // Template message seq 3891 carries no data records; the next data message starts at 3936: 45 records
        // were exported in between that the capture does not have (tshark: "expected 3891, got 3936").
        Assert.Equal(3936 - 3891, lostAfter[1]);

        // 3936 + 28 data records = 3964, the next message's number: nothing lost.
        Assert.Equal(lostAfter[1], lostAfter[2]);
        var stats = decoder.StatisticsOf(packets[0].Exporter)!;
        Assert.Equal(0, stats.Reordered);
        Assert.Equal(0, stats.SequenceResets);
    }

    [Fact]
    public void Ipfix_Trio_AggregatesToWhatNfacctdPrints()
    {
        using var run = CaptureRun.Decode("ls_mikrotik_ipfix");
        var ours = run.Packets.SelectMany(p => p.Flows)
            .GroupBy(r => (Src: r.SrcAddr.ToString(), Dst: r.DstAddr.ToString(), r.SrcPort, r.DstPort, r.Protocol,
                NatSrc: r.PostNatSrcAddr.ToString(), NatDst: r.PostNatDstAddr.ToString()))
            .ToDictionary(g => g.Key, g => (Packets: g.Sum(r => (long)r.Packets), Bytes: g.Sum(r => (long)r.Bytes)));

        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "tshark", "ls_mikrotik_ipfix.nfacctd.txt");
        var rows = File.ReadAllLines(path)
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("SRC_IP", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToArray();
        Assert.NotEmpty(rows);

        var theirs = rows.ToDictionary(
            c => (Src: c[0], Dst: c[1], SrcPort: ushort.Parse(c[2], CultureInfo.InvariantCulture), DstPort: ushort.Parse(c[3], CultureInfo.InvariantCulture),
                Protocol: c[4] switch { "icmp" => (byte)1, "tcp" => (byte)6, "udp" => (byte)17, _ => throw new InvalidDataException(c[4]) },
                NatSrc: c[5], NatDst: c[6]),
            c => (Packets: long.Parse(c[7], CultureInfo.InvariantCulture), Bytes: long.Parse(c[8], CultureInfo.InvariantCulture)));

        Assert.Equal(theirs.OrderBy(kv => kv.Key.ToString()), ours.OrderBy(kv => kv.Key.ToString()));
    }
}

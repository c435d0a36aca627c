using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Decoding.TestData;
using static FlowWeb.Tests.Decoding.TestData.FlowAssert;

namespace FlowWeb.Tests.Decoding;

/// <summary>NetFlow v5 and v1 captures of other exporters (TestData/README.md §2).</summary>
public sealed class NetFlowV5CaptureTests
{
    [Fact]
    public void Softflowd_FirstSwitchedAfterSysUptime_IsOneMillisecondBeforeBootNotFortyNineDaysLater()
    {
        using var run = CaptureRun.Decode("ls_softflowd_v5");
        var p = run["netflow5.dat"];

        // 1728 bytes for a header that announces 2 records (24 + 2 x 48 = 120): decoded, the rest counted as trailing.
        Assert.Equal(new DecodeResult(DecodeStatus.TrailingBytes, 5, 2), p.Result);
        Assert.Equal(1, run.Decoder.StatisticsOf(p.Packet.Exporter)!.ErrorCount(DecodeStatus.TrailingBytes));

        // Logstash spec L27-131.
        Flow(p.Flows[0], "10.0.2.2", 54435, "10.0.2.15", 22, 6, 230, 5);
        Assert.Equal(16, p.Flows[0].TcpFlags);
        Flow(p.Flows[1], "10.0.2.15", 22, "10.0.2.2", 54435, 6, 304, 4);
        Assert.Equal(24, p.Flows[1].TcpFlags);
        Assert.All(p.Flows, r => Assert.Equal((1u, 0u), (r.SamplingRate, r.ObservationDomain)));

        // sysUptime 3381, first 0xFFFFFFFF (-1 ms), last 2577, export 1430591888.280328. Logstash's
        // "2015-06-21T11:40:52.194Z" is the unsigned-arithmetic artefact (+2^32 ms); the README gives the right value.
        Assert.All(p.Flows, r => Times(r, Ms("2015-05-02T18:38:04.898Z"), Ms("2015-05-02T18:38:04.898Z") + 2578, FlowTimeSource.HeaderUptime));
        Assert.Equal(FromUptime(1430591888, 280328000, 3381, 0xFFFFFFFF), p.Flows[0].StartMs);
        Assert.NotEqual(Ms("2015-06-21T11:40:52.194Z"), p.Flows[0].StartMs);
    }

    [Fact]
    public void JuniperMx80_SamplingModeZeroWithInterval_ReportsRate1000AndAsNumbers()
    {
        using var run = CaptureRun.Decode("ls_juniper_mx80_v5");
        var p = run["netflow5_test_juniper_mx80.dat"];
        Assert.Equal(new DecodeResult(DecodeStatus.Ok, 5, 29), p.Result);

        // tshark record [0].
        Flow(p.Flows[0], "10.0.0.1", 443, "192.168.0.2", 61608, 6, 1500, 1);
        Interfaces(p.Flows[0], 542, 536);
        Assert.Equal("192.168.0.2", p.Flows[0].NextHop.ToString());

        // Logstash spec L898-954, event [28].
        var last = p.Flows[28];
        Flow(last, "66.249.92.75", 37387, "192.168.0.1", 80, 6, 104, 2);
        Assert.Equal(16, last.TcpFlags);
        Interfaces(last, 542, 536);
        Assert.Equal("192.168.0.1", last.NextHop.ToString());
        Assert.Equal((15169u, 64496u), (last.SrcAs, last.DstAs));
        Assert.Equal((19, 24), (last.SrcMask, last.DstMask));

        // Header: mode bits 00, interval 1000 (tshark "No sampling mode configured", SampleRate 1000).
        Assert.All(p.Flows, r => Assert.Equal(1000u, r.SamplingRate));

        // tshark: sysUptime 190649064, unix 1469109172.000000000, first = last = 190631000 -> 13:52:33.936Z.
        // Logstash's 13:52:34.936Z is one second late: its v5 conversion forgets the borrow when the
        // millisecond part of (uptime - first) exceeds the export time's sub-second part.
        var expected = FromUptime(1469109172, 0, 190649064, 190631000);
        Assert.Equal(Ms("2016-07-21T13:52:33.936Z"), expected);
        Times(last, expected, expected, FlowTimeSource.HeaderUptime);
    }

    [Fact]
    public void Invalid01_CountOf55582_IsRejectedWithoutRecords()
    {
        using var run = CaptureRun.Decode("ls_invalid_v5_01");
        var p = run["netflow5_test_invalid01.dat"];

        // Header count 55582 but 1464 bytes (room for 30): tshark decodes garbage, we refuse the packet.
        Assert.Equal(new DecodeResult(DecodeStatus.BadRecordCount, 5, 0), p.Result);
        Assert.Equal(0, p.Batch.Count);
        // A datagram that fails its header checks makes no exporter entry (a forged flood cannot fill the table with
        // them); it is counted in the decoder's shared counters instead.
        Assert.Null(run.Decoder.StatisticsOf(p.Packet.Exporter));
        Assert.Equal(1, run.Decoder.Limits.UnattributedErrors(DecodeStatus.BadRecordCount));
    }

    [Fact]
    public void GraylogV5_2_MatchesGraylogParserTest()
    {
        using var run = CaptureRun.Decode("graylog_v5_2");
        var p = run["netflow-v5-2.dat"];
        Assert.Equal(new DecodeResult(DecodeStatus.Ok, 5, 30), p.Result);

        // NetFlowV5ParserTest.java L96-128: sysUptime 234994, unixSecs 1369017138, unixNsecs 805.
        var first = p.Flows[0];
        Flow(first, "14.63.211.15", 80, "192.168.124.20", 47994, 6, 317221, 110);
        Assert.Equal(27, first.TcpFlags);
        Assert.Equal("0.0.0.0", first.NextHop.ToString());
        Times(first, FromUptime(1369017138, 805, 234994, 202473), FromUptime(1369017138, 805, 234994, 202992), FlowTimeSource.HeaderUptime);

        // tshark record [29]; engine type 0 / id 71 is the v5 "domain".
        var last = p.Flows[29];
        Flow(last, "192.168.124.20", 54755, "164.124.101.2", 53, 17, 136, 2);
        Times(last, FromUptime(1369017138, 805, 234994, 203457), FromUptime(1369017138, 805, 234994, 203457), FlowTimeSource.HeaderUptime);
        Assert.All(p.Flows, r => Assert.Equal(71u, r.ObservationDomain));
    }

    [Fact]
    public void GraylogPcap_ThreePacketsFromTheirIpSource_GiveFourRecordsSampledOneIn100()
    {
        using var run = CaptureRun.Decode("graylog_netflow5_pcap");
        Assert.Equal(3, run.Packets.Count);
        Assert.All(run.Packets, p => Assert.Equal("192.168.1.1", p.Packet.Exporter.ToString()));
        var flows = run.Packets.SelectMany(p => p.Flows).ToArray();

        // NetFlowV5ParserTest.java L131-147: 4 records. tshark: mode 1 (packet interval), rate 100.
        Assert.Equal(4, flows.Length);
        Assert.All(flows, r => Assert.Equal(100u, r.SamplingRate));

        Flow(flows[0], "192.168.1.100", 0, "192.168.1.1", 2048, 1, 84, 1);
        Times(flows[0], FromUptime(1500986281, 2187000, 384069, 33122), FromUptime(1500986281, 2187000, 384069, 33122), FlowTimeSource.HeaderUptime);
        Flow(flows[1], "192.168.1.100", 53970, "239.255.255.250", 1900, 17, 203, 1);
        Flow(flows[2], "192.168.1.20", 5353, "224.0.0.251", 5353, 17, 472, 2);
        Times(flows[2], FromUptime(1500986461, 718000, 564068, 134654), FromUptime(1500986461, 718000, 564068, 236673), FlowTimeSource.HeaderUptime);
        Flow(flows[3], "172.217.17.142", 443, "192.168.1.100", 65039, 17, 58, 1);

        // flow_sequence 0, 1, 2 with 1, 1, 2 records: nothing lost.
        var stats = run.Decoder.StatisticsOf(FlowAddress.Parse("192.168.1.1"))!;
        Assert.Equal((4L, 0L, 0L), (stats.Flows, stats.LostFlowsEstimate, stats.Reordered));
    }

    [Fact]
    public void PythonNetflowV1_TwoIcmpRecords()
    {
        using var run = CaptureRun.Decode("pynf_v1");
        var p = run["PACKET_V1.bin"];
        Assert.Equal(new DecodeResult(DecodeStatus.Ok, 1, 2), p.Result);

        // test_netflow.py L74-93 and tshark (16-byte header, 48-byte records; ICMP type 8 code 0 in dport).
        Flow(p.Flows[0], "172.17.0.2", 0, "172.17.0.1", 2048, 1, 840, 10);
        Flow(p.Flows[1], "172.17.0.1", 0, "172.17.0.2", 0, 1, 840, 10);
        Assert.All(p.Flows, r =>
        {
            Assert.Equal(1, r.Version);
            Assert.Equal(0, r.TcpFlags);
            Times(r, FromUptime(1585496876, 802429000, 71835, 10183), FromUptime(1585496876, 802429000, 71835, 19185), FlowTimeSource.HeaderUptime);
        });
    }

    [Fact]
    public void PythonNetflowV5_ThreeRecords()
    {
        using var run = CaptureRun.Decode("pynf_v5");
        var p = run["PACKET_V5.bin"];
        Assert.Equal(new DecodeResult(DecodeStatus.Ok, 5, 3), p.Result);

        // test_netflow.py L95-113 (flows[0].PROTO 1) and tshark.
        Flow(p.Flows[0], "172.17.0.2", 0, "172.17.0.1", 2048, 1, 840, 10);
        Times(p.Flows[0], FromUptime(1585497478, 581262000, 227747, 12108), FromUptime(1585497478, 581262000, 227747, 21110), FlowTimeSource.HeaderUptime);
        Flow(p.Flows[2], "172.17.0.1", 5353, "224.0.0.251", 5353, 17, 169, 1);
        Times(p.Flows[2], FromUptime(1585497478, 581262000, 227747, 57372), FromUptime(1585497478, 581262000, 227747, 57372), FlowTimeSource.HeaderUptime);
    }
}

using System.Buffers.Binary;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Decoding.TestData;
using static FlowWeb.Tests.Decoding.TestData.FlowAssert;
using IE = FlowWeb.Core.Decoding.InformationElements;

namespace FlowWeb.Tests.Decoding;

/// <summary>NetFlow v9 captures (TestData/README.md §3) against the Logstash spec, tshark and python-netflow.</summary>
public sealed class NetFlowV9CaptureTests
{
    /// <summary>NBAR application ids are "engine..selector" (1 byte + 3 bytes), as Logstash prints them.</summary>
    private static string ApplicationId(byte[] value) =>
        FormattableString.Invariant($"{value[0]}..{(value[1] << 16) | (value[2] << 8) | value[3]}");

    /// <summary>Fixed-width strings (NSEL username, PAN-OS app/user) are NUL-padded.</summary>
    private static string FixedText(byte[] value) => System.Text.Encoding.ASCII.GetString(value).TrimEnd('\0');

    [Fact]
    public void NprobeAndSoftflowd_TwoExporters_KeepTheirOwnTemplates()
    {
        using var run = CaptureRun.Decode("ls_multi_exporters");
        var nprobeTpl = run["netflow9_test_nprobe_tpl.dat"];
        var softflowd = run["netflow9_test_softflowd_tpl_data.dat"];
        var nprobeData = run["netflow9_test_nprobe_data.dat"];

        Assert.Equal(3, run.Decoder.Templates.CountFor(CaptureCatalog.NprobeExporter));
        Assert.Equal(2, run.Decoder.Templates.CountFor(CaptureCatalog.SoftflowdExporter));
        Assert.False(run.Decoder.Templates.TryGet(new(CaptureCatalog.SoftflowdExporter, 9, 147, 257), out _));

        // Logstash spec L455-488: nprobe's options record, template 259 with scope System = 0.
        var options = Assert.Single(nprobeTpl.Options);
        Assert.Equal(259, options.TemplateId);
        Assert.Equal(147u, options.ObservationDomain);
        var scope = nprobeTpl.Batch.Elements(options).First();
        Assert.Equal((ushort)1, scope.Field.ElementId);
        Assert.Equal(0ul, WireReader.ReadUnsigned(scope.Value));
        Assert.Equal(1ul, nprobeTpl.Unsigned(options, 42));
        Assert.Equal(0ul, nprobeTpl.Unsigned(options, 41));

        // Logstash spec L356-442, event [1] (softflowd's first record) and tshark's IPv6 record.
        Flow(softflowd.Flows[0], "172.16.32.100", 123, "172.16.32.248", 123, 17, 76, 1);
        Assert.Equal(4ul, softflowd.Unsigned(softflowd.Flows[0], IE.IpVersion));
        Assert.Equal(0u, softflowd.Flows[0].ObservationDomain);
        var v6 = softflowd.Flows[^1];
        Flow(v6, "fe80::20c:29ff:fe83:3b6e", 0, "ff02::1", 34304, 58, 672, 7);
        Assert.Equal(2048, v6.TemplateId);

        // Event [8]: nprobe's data still decodes with nprobe's template 257 after softflowd's packet.
        var last = Assert.Single(nprobeData.Flows);
        Flow(last, "172.16.32.201", 22, "172.16.32.1", 65058, 6, 200, 2);
        Assert.Equal((24, 16, 257), (last.TcpFlags, last.Tos, last.TemplateId));

        // tshark: sysUptime 33990, unix 1444331189, first 0, last 5.
        Times(last, FromUptime(1444331189, 0, 33990, 0), FromUptime(1444331189, 0, 33990, 5), FlowTimeSource.HeaderUptime);
    }

    [Fact]
    public void CiscoAsa_NselRecords_CarryXlateAclAndUsername()
    {
        using var run = CaptureRun.Decode("ls_cisco_asa_1");
        Assert.Equal(13, run["netflow9_test_cisco_asa_1_tpl.dat"].Result.TemplatesLearned);
        var p = run["netflow9_test_cisco_asa_1_data.dat"];
        Assert.Equal(14, p.Flows.Length);

        // tshark record [0].
        Flow(p.Flows[0], "192.168.14.1", 0, "2.2.2.11", 17549, 1, 56, 0);
        Interfaces(p.Flows[0], 3, 2);

        // Logstash spec L301-354, event [1].
        var e1 = p.Flows[1];
        Assert.Equal(8501ul, p.Unsigned(e1, 148));
        Flow(e1, "192.168.23.22", 17549, "164.164.37.11", 0, 1, 56, 0);
        Assert.Equal((8ul, 0ul), (p.Unsigned(e1, 176), p.Unsigned(e1, 177)));
        Interfaces(e1, 2, 3);
        Assert.Equal(("192.168.23.22", "164.164.37.11"), (e1.PostNatSrcAddr.ToString(), e1.PostNatDstAddr.ToString()));
        Assert.Equal((17549, 0), (e1.PostNatSrcPort, e1.PostNatDstPort));
        Assert.Equal(2ul, p.Unsigned(e1, IE.NselFirewallEvent));
        Assert.Equal(2025ul, p.Unsigned(e1, 33002));
        Assert.Equal(1444384070179ul, p.Unsigned(e1, 323));
        Assert.Equal(56ul, p.Unsigned(e1, IE.OctetTotalCount));
        Times(e1, 1444384068169, 1444384068169, FlowTimeSource.AbsoluteElements);
        Assert.Equal("0f8e7ff3-fc1a030f-00000000", string.Join('-', p.Bytes(e1, 33000).Chunk(4).Select(Convert.ToHexStringLower)));
        Assert.Equal("", FixedText(p.Bytes(e1, IE.NselAaaUsername)));

        // tshark record [13].
        var e13 = p.Flows[13];
        Assert.Equal(8512ul, p.Unsigned(e13, 148));
        Flow(e13, "164.164.37.11", 0, "192.168.23.20", 18061, 1, 56, 0);
        Interfaces(e13, 3, 2);
        Assert.Equal(("164.164.37.11", 0, "192.168.23.20", 18061), (e13.PostNatSrcAddr.ToString(), (int)e13.PostNatSrcPort, e13.PostNatDstAddr.ToString(), (int)e13.PostNatDstPort));
        Assert.Equal(Ms("2015-10-09T09:47:49.479Z"), e13.StartMs);
        Assert.Equal(Ms("2015-10-09T09:47:51.509Z"), (long)p.Unsigned(e13, 323));
        Assert.Equal("0f8e7ff3fc1a030f00000000", Convert.ToHexStringLower(p.Bytes(e13, 33000)));
    }

    [Fact]
    public void CiscoNbar_ApplicationTableAndData_MatchLogstash()
    {
        using var run = CaptureRun.Decode("ls_cisco_nbar");
        var table = run["netflow9_test_cisco_nbar_opttpl260.dat"];

        // Logstash spec L2605-2639: 15 options records; [14] is argus.
        Assert.Equal(15, table.Options.Length);
        var argus = table.Options[14];
        Assert.Equal(168755571ul, WireReader.ReadUnsigned(table.Batch.Elements(argus).First().Value));
        Assert.Equal("1..13", ApplicationId(table.Bytes(argus, 95)));
        Assert.Equal("argus", FixedText(table.Bytes(argus, 96)));
        Assert.Equal("ARGUS", FixedText(table.Bytes(argus, 94)));

        // Logstash spec L2641-2697 and tshark.
        var data = run["netflow9_test_cisco_nbar_data262.dat"];
        Assert.Equal(5, data.Flows.Length);
        Flow(data.Flows[0], "10.30.18.62", 0, "10.30.19.180", 2048, 1, 44, 1);
        Interfaces(data.Flows[0], 1, 0);
        var e4 = data.Flows[4];
        Flow(e4, "10.10.172.60", 45269, "10.30.19.180", 161, 17, 2794, 36);
        Assert.Equal("5..38", ApplicationId(data.Bytes(e4, 95)));
        Assert.Equal((0x0018199e6c01ul, 0x1cdf0f7ec358ul), (e4.SrcMac, e4.DstMac));
        Interfaces(e4, 1, 0);
        Assert.Equal(0, e4.Direction);
        Times(e4, FromUptime(1487070636, 0, 4095650576, 4095634512), FromUptime(1487070636, 0, 4095650576, 4095634584), FlowTimeSource.HeaderUptime);
        Assert.Equal(1509134u, BinaryPrimitives.ReadUInt32BigEndian(data.Packet.Payload.AsSpan(12)));
    }

    [Fact]
    public void HuaweiNetStream_Template1315_AndTheSequenceGapIsCounted()
    {
        using var run = CaptureRun.Decode("ls_huawei_netstream");
        var p = run["netflow9_test_huawei_netstream_data.dat"];

        // Logstash spec L2438-2496.
        var r = Assert.Single(p.Flows);
        Assert.Equal(1315, r.TemplateId);
        Flow(r, "10.108.219.53", 45587, "10.111.112.204", 2598, 6, 200, 4);
        Assert.Equal(24, r.TcpFlags);
        Interfaces(r, 8, 31);
        Assert.Equal("10.108.252.41", r.NextHop.ToString());
        Assert.Equal((24, 25, 1), (r.SrcMask, r.DstMask, r.Direction));

        // Template packet seq 29210, data packet 129954 (tshark: "expected 29211, got 129954"): v9 counts packets,
        // one record per packet here, so 100743 flows are estimated lost; no restart, no reordering.
        var stats = run.Decoder.StatisticsOf(p.Packet.Exporter)!;
        Assert.Equal(129954 - 29211, stats.LostFlowsEstimate);
        Assert.Equal((0L, 0L), (stats.Reordered, stats.SequenceResets));
    }

    [Fact]
    public void ZeroLengthFields_ConsumeNothing_AndEgressCountersStandInForZeroIngressOnes()
    {
        using var run = CaptureRun.Decode("ls_0length");
        var p = run["netflow9_test_0length_fields_tpl_data.dat"];
        Assert.Equal(10, p.Flows.Length);

        // tshark record [0]: every counter 0.
        Flow(p.Flows[0], "239.255.255.250", 0, "192.168.1.80", 0, 2, 0, 0);
        Interfaces(p.Flows[0], 3, 2);

        // Logstash spec L2351-2399, event [9]: in_pkts 0, in_bytes 0, out_pkts 1, out_bytes 32.
        var e9 = p.Flows[9];
        Flow(e9, "192.168.1.33", 0, "239.255.255.250", 0, 2, 32, 1);
        Assert.True(e9.Flags.HasFlag(FlowRecordFlags.EgressCounters));
        Assert.Equal((0ul, 0ul, 1ul, 32ul), (p.Unsigned(e9, 2), p.Unsigned(e9, 1), p.Unsigned(e9, 24), p.Unsigned(e9, 23)));
        Assert.Equal((32, 32, 1), (e9.SrcMask, e9.DstMask, e9.Direction));
        Interfaces(e9, 2, 3);
        Assert.Equal(1ul, p.Unsigned(e9, 39));

        // tshark: sysUptime 4175241, unix 1482456931, first = last = 4135810 -> 01:34:51.569Z. Logstash's
        // 01:34:52.999Z subtracts milliseconds from a microsecond field in its v9 conversion.
        Times(e9, Ms("2016-12-23T01:34:51.569Z"), Ms("2016-12-23T01:34:51.569Z"), FlowTimeSource.HeaderUptime);
        Assert.Equal(FromUptime(1482456931, 0, 4175241, 4135810), e9.StartMs);
    }

    [Fact]
    public void JuniperSrx_OptionsTemplateWithZeroLengthScope_GivesSamplingOptions()
    {
        using var run = CaptureRun.Decode("ls_juniper_srx_opt");
        var p = run["netflow9_test_juniper_srx_tplopt.dat"];

        // Logstash spec L2317-2349: one options record, flowset 256, sampling_algorithm 2, sampling_interval 1.
        var o = Assert.Single(p.Options);
        Assert.Empty(p.Flows);
        Assert.Equal(256, o.TemplateId);
        Assert.Equal((2ul, 1ul), (p.Unsigned(o, IE.SamplingAlgorithm), p.Unsigned(o, IE.SamplingInterval)));
        Assert.Equal(338u, BinaryPrimitives.ReadUInt32BigEndian(p.Packet.Payload.AsSpan(12)));

        // tshark: the data template 257 after the options data is learned too.
        Assert.True(run.Decoder.Templates.TryGet(new(p.Packet.Exporter, 9, 142, 257), out _));
    }

    [Fact]
    public void PaloAlto_OneFlowsetInAZeroFilledPacket_GivesExactlyOneRecord()
    {
        using var run = CaptureRun.Decode("ls_paloalto_zerofilled");
        Assert.Equal(8, run["netflow9_test_paloalto_81_tpl256-263.dat"].Result.TemplatesLearned);
        var p = run["netflow9_test_paloalto_81_data257_1flowset_in_large_zerofilled_packet.dat"];
        Assert.Equal(new DecodeResult(DecodeStatus.Ok, 9, 1), p.Result);

        // Logstash spec L1149-1201.
        var r = Assert.Single(p.Flows);
        Flow(r, "134.220.2.6", 88, "134.220.1.156", 50234, 6, 363, 3);
        Assert.Equal(94, r.TcpFlags);
        Interfaces(r, 500010024, 500010002);
        Assert.Equal(16777216u, r.ObservationDomain);
        Assert.Equal("kerberos", FixedText(p.Bytes(r, 56701)));
        Assert.Equal("unknown", FixedText(p.Bytes(r, 56702)));
        Assert.Equal(1428388ul, p.Unsigned(r, 148));
        Assert.Equal(2ul, p.Unsigned(r, 233));
        Times(r, FromUptime(1528291217, 0, 1062408704, 1062393704), FromUptime(1528291217, 0, 1062408704, 1062393704), FlowTimeSource.HeaderUptime);

        // seq 970830112 then 970830115: two packets missing, as tshark says ("expected 970830113").
        Assert.Equal(2, run.Decoder.StatisticsOf(p.Packet.Exporter)!.LostFlowsEstimate);
    }

    [Fact]
    public void IptNetflow_ReducedSizeEncodingAndUndefinedTemplates_DecodesTwelveAndHoldsSix()
    {
        using var run = CaptureRun.Decode("ls_iptnetflow_reduced");
        var p = run["netflow9_test_iptnetflow_reduced_size_encoding_tpldata260.dat"];

        // Six flowsets of templates 259/262 never defined in the file (tshark "no template found" x6) are held.
        Assert.Equal(new DecodeResult(DecodeStatus.TemplateMissing, 9, 12, 0, 1, 6), p.Result);
        var stats = run.Decoder.StatisticsOf(p.Packet.Exporter)!;
        Assert.Equal(6, stats.PendingSets);
        Assert.Equal(6, run.Decoder.PendingSets);

        // tshark record [0].
        Flow(p.Flows[0], "37.122.1.226", 27622, "193.151.198.166", 36025, 6, 156, 3);
        Interfaces(p.Flows[0], 7, 7);
        Assert.Equal(("193.151.192.17", 2), (p.Flows[0].NextHop.ToString(), (int)p.Flows[0].TcpFlags));

        // Logstash spec L956-1008, event [11]: 2-byte interfaces, 2-byte physical interfaces, 4-byte TCP options.
        var e11 = p.Flows[11];
        Flow(e11, "2.17.140.47", 443, "10.233.150.21", 38164, 6, 187, 3);
        Assert.Equal(25, e11.TcpFlags);
        Interfaces(e11, 7, 8);
        Assert.Equal((7ul, 8ul), (p.Unsigned(e11, 252), p.Unsigned(e11, 253)));
        Assert.Equal("10.232.5.1", e11.NextHop.ToString());
        Assert.Equal((0x90e2ba2309fcul, 0x001b21bc24ddul), (e11.SrcMac, e11.DstMac));
        Assert.Equal(2048ul, p.Unsigned(e11, 256));
        Assert.Equal(2164260864ul, p.Unsigned(e11, 209));
        Assert.Equal(344481u, BinaryPrimitives.ReadUInt32BigEndian(p.Packet.Payload.AsSpan(12)));
    }

    [Fact]
    public void FlowStartEndSeconds_InV9_AreAbsoluteTimes()
    {
        using var run = CaptureRun.Decode("ls_ie150_151");
        var p = run["netflow9_test_unknown_tpl266_292_data.dat"];
        Assert.Equal(4, p.Result.TemplatesLearned);

        // Logstash spec L1073-1147.
        var e0 = p.Flows[0];
        Flow(e0, "192.168.0.3", 137, "192.168.0.2", 137, 17, 78, 1);
        Assert.Equal(13u, e0.InIf);
        Times(e0, 1512147866000, 1512147866000, FlowTimeSource.AbsoluteElements);
        Assert.Equal(1ul, p.Unsigned(e0, IE.SamplerId));
        Assert.Equal(0, e0.Direction);

        var e1 = p.Flows[1];
        Flow(e1, "192.168.0.4", 58130, "192.168.0.5", 6343, 17, 232, 1);
        Assert.Equal(13u, e1.OutIf);
        Times(e1, 1512147869000, 1512147869000, FlowTimeSource.AbsoluteElements);
        Assert.Equal(1, e1.Direction);
    }

    [Fact]
    public void EdgeRouter_NonMonotonicSequence_IsAStragglerNotLoss()
    {
        using var run = CaptureRun.Decode("ls_ubnt_edgerouter");
        var d1024 = run["netflow9_test_ubnt_edgerouter_data1024.dat"];
        var d1025 = run["netflow9_test_ubnt_edgerouter_data1025.dat"];

        // Logstash spec L1603-1661: 16 events, [0] from 10.1.0.135, [15] the last of template 1025.
        Flow(d1024.Flows[0], "10.1.0.135", 53, "10.4.0.251", 17232, 17, 174, 2);
        Interfaces(d1024.Flows[0], 4, 0);
        var e15 = d1025.Flows[^1];
        Flow(e15, "192.168.1.102", 47690, "10.2.0.95", 443, 6, 3668, 21);
        Assert.Equal((27, 1, 1025), (e15.TcpFlags, e15.Direction, e15.TemplateId));
        Interfaces(e15, 2, 4);
        Times(e15, FromUptime(1473524648, 0, 409398185, 404523560), FromUptime(1473524648, 0, 409398185, 405774548), FlowTimeSource.HeaderUptime);

        // Template seq 31663 (export 1473524648), data1024 seq 31826 stamped 38 s earlier, data1025 seq 31664:
        // the jump is a straggler from before a counter reset, not 162 lost packets.
        var stats = run.Decoder.StatisticsOf(d1024.Packet.Exporter)!;
        Assert.Equal(16, stats.Flows);
        Assert.Equal(0, stats.LostFlowsEstimate);
        Assert.Equal(1, stats.Reordered + stats.SequenceResets);
    }

    [Fact]
    public void Invalid01_UnpaddedOptionsFlowset_DoesNotThrowAndKeepsTsharksTemplates()
    {
        using var run = CaptureRun.Decode("ls_v9_invalid01");
        var p = run["netflow9_test_invalid01.dat"];
        var exporter = p.Packet.Exporter;

        // tshark (which stops at the header's count of 2) decodes templates 1024 and 2048, 13 fields each.
        Assert.True(run.Decoder.Templates.TryGet(new(exporter, 9, 0, 1024), out var t1024));
        Assert.Equal([8, 12, 21, 22, 1, 2, 10, 14, 7, 11, 4, 6, 60], t1024.Fields.Select(f => (int)f.ElementId));
        Assert.True(run.Decoder.Templates.TryGet(new(exporter, 9, 0, 2048), out var t2048));
        Assert.Equal([27, 28, 21, 22, 1, 2, 10, 14, 7, 11, 4, 6, 60], t2048.Fields.Select(f => (int)f.ElementId));

        // Walking by flowset length (not count) also finds softflowd's 22-byte (unpadded) options template 256
        // and one record of each template; read by hand from the bytes at 0x8c, 0xb2 and 0xf8.
        Assert.Equal(2, p.Flows.Length);
        Flow(p.Flows[0], "2001:44b8:1118:7200::10", 123, "2001:44b8:4030:cd91:8075:bae:d39d:2621", 123, 17, 96, 1);
        Flow(p.Flows[1], "192.168.0.1", 53, "192.168.0.105", 55575, 17, 98, 1);
        var o = Assert.Single(p.Options);
        Assert.Equal((100ul, 1ul), (p.Unsigned(o, IE.SamplingInterval), p.Unsigned(o, IE.SamplingAlgorithm)));
        Assert.All(p.Flows, r => Assert.Equal(100u, r.SamplingRate));
    }

    [Fact]
    public void PythonNetflowV9_TemplateThenData_Gives8Then12()
    {
        using var run = CaptureRun.Decode("pynf_v9");
        var tpl = run["PACKET_V9_TEMPLATE.bin"];
        var data = run["PACKETS_V9_0.bin"];

        // test_netflow.py L115-160: 8 flows and 2 templates, then 12 flows.
        Assert.Equal((8, 2), (tpl.Flows.Length, tpl.Result.TemplatesLearned));
        Assert.Equal(12, data.Flows.Length);
        Flow(tpl.Flows[0], "127.0.0.1", 80, "127.0.0.1", 37932, 6, 102416, 75);
        Assert.Equal(0x1b, tpl.Flows[0].TcpFlags);
        Flow(data.Flows[0], "127.0.0.1", 53, "127.0.0.1", 60034, 17, 328, 2);
    }

    [Fact]
    public void PythonNetflowV9_DataAlone_IsHeldThenReleasedByTheTemplate()
    {
        var decoder = Captures.NewDecoder();
        var exporter = FlowAddress.Parse("203.0.113.9");
        var template = Captures.Read("python-netflow-v9-softflowd/PACKET_V9_TEMPLATE.bin");
        var data = Captures.Read("python-netflow-v9-softflowd/PACKETS_V9_0.bin");
        using var batch = new FlowBatch();

        // python-netflow: "data packet alone -> 0 flows (queued)".
        var held = decoder.Decode(exporter, data, batch);
        Assert.Equal(new DecodeResult(DecodeStatus.TemplateMissing, 9, 0, 0, 0, 1), held);
        Assert.Equal(1, decoder.PendingSets);

        var released = decoder.Decode(exporter, template, batch);
        Assert.Equal(8 + 12, released.Records);
        Assert.Equal(12, released.RecordsFromPending);
        Assert.Equal(12, batch.Records.ToArray().Count(r => r.Flags.HasFlag(FlowRecordFlags.WasPending)));
        Assert.Equal(0, decoder.PendingSets);
        Assert.Equal(12, decoder.StatisticsOf(exporter)!.RecordsDecodedFromPending);
    }

    [Fact]
    public void PythonNetflowV9_DataBeforeTemplateInOnePacket_DecodesAll()
    {
        using var run = CaptureRun.Decode("pynf_v9_mixed");
        var p = run["PACKET_V9_TEMPLATE_MIXED.bin"];

        // test_netflow.py: flows[0] TCP from 127.0.0.1:80, flows[-1] UDP to port 53.
        Assert.Equal(new DecodeResult(DecodeStatus.Ok, 9, 8, 0, 2), p.Result);
        Flow(p.Flows[0], "127.0.0.1", 80, "127.0.0.1", 37932, 6, 102416, 75);
        Assert.Equal((17, 53), (p.Flows[^1].Protocol, (int)p.Flows[^1].DstPort));
    }

    [Fact]
    public void PythonNetflowV9_FiveFlowsetsOfAnUnknownTemplate_AreHeldNotDecoded()
    {
        using var run = CaptureRun.Decode("pynf_v9_zeros");
        var p = run["PACKET_V9_WITH_ZEROS.bin"];

        // test_netflow.py L115-125: 0 flows without template 260; source id 16908288.
        Assert.Equal(new DecodeResult(DecodeStatus.TemplateMissing, 9, 0, 0, 0, 5), p.Result);
        var stats = run.Decoder.StatisticsOf(p.Packet.Exporter)!;
        Assert.Equal(5, stats.PendingSets);
        Assert.Equal(1, stats.ErrorCount(DecodeStatus.TemplateMissing));
    }
}

using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Decoding.TestData;

/// <summary>
/// Every capture in TestData/captures, grouped as TestData/README.md feeds them, with the record counts the
/// reference decoders (Logstash spec, tshark, python-netflow, Graylog) read from each packet and the status our
/// decoder must report. Raw payload files of different groups come from different exporter addresses, and
/// the nprobe + softflowd trio uses two addresses, so no group can lean on another's templates.
/// </summary>
internal static class CaptureCatalog
{
    private const string Ls = "logstash-codec-netflow/", Pynf = "python-netflow-v9-softflowd/", Gl = "graylog-plugin-netflow/", Sf = "sflow/";

    public static readonly FlowAddress NprobeExporter = FlowAddress.Parse("198.51.100.147");
    public static readonly FlowAddress SoftflowdExporter = FlowAddress.Parse("198.51.100.10");

    private static int _nextAddress = 1;

    private static PacketExpectation Ok(int records, int options = 0) => new(DecodeStatus.Ok, records, options);

    private static PacketExpectation Is(DecodeStatus status, int records, int options = 0) => new(status, records, options);

    private static CaptureGroup Group(string name, params (string Path, PacketExpectation[] Packets)[] files)
    {
        var exporter = FlowAddress.Parse($"192.0.2.{_nextAddress++}");
        return new CaptureGroup(name, [.. files.Select(f => new CaptureFile(f.Path, exporter, f.Packets))]);
    }

    private static (string, PacketExpectation[]) F(string path, params PacketExpectation[] packets) => (path, packets);

    public static readonly CaptureGroup[] All =
    [
        // MikroTik RouterOS
        Group("ls_mikrotik_v5", F(Ls + "netflow5_test_microtik.dat", Ok(30))),
        Group("ls_mikrotik_ipfix",
            F(Ls + "ipfix_test_mikrotik_tpl.dat", Ok(0)),
            F(Ls + "ipfix_test_mikrotik_data258.dat", Ok(28)),
            F(Ls + "ipfix_test_mikrotik_data259.dat", Ok(18))),

        // NetFlow v5 / v1
        Group("ls_softflowd_v5", F(Ls + "netflow5.dat", Is(DecodeStatus.TrailingBytes, 2))),
        Group("ls_juniper_mx80_v5", F(Ls + "netflow5_test_juniper_mx80.dat", Ok(29))),
        Group("ls_invalid_v5_01", F(Ls + "netflow5_test_invalid01.dat", Is(DecodeStatus.BadRecordCount, 0))),
        Group("graylog_v5_2", F(Gl + "netflow-v5-2.dat", Ok(30))),
        Group("graylog_netflow5_pcap", F(Gl + "netflow5.pcap", Ok(1), Ok(1), Ok(2))),
        Group("pynf_v1", F(Pynf + "PACKET_V1.bin", Ok(2))),
        Group("pynf_v5", F(Pynf + "PACKET_V5.bin", Ok(3))),

        // NetFlow v9
        new CaptureGroup("ls_multi_exporters",
        [
            new CaptureFile(Ls + "netflow9_test_nprobe_tpl.dat", NprobeExporter, [Ok(0, 1)]),
            new CaptureFile(Ls + "netflow9_test_softflowd_tpl_data.dat", SoftflowdExporter, [Ok(7)]),
            new CaptureFile(Ls + "netflow9_test_nprobe_data.dat", NprobeExporter, [Ok(1)]),
        ]),
        Group("ls_cisco_asa_1",
            F(Ls + "netflow9_test_cisco_asa_1_tpl.dat", Ok(0)),
            F(Ls + "netflow9_test_cisco_asa_1_data.dat", Ok(14))),
        Group("ls_cisco_nbar",
            F(Ls + "netflow9_test_cisco_nbar_opttpl260.dat", Ok(0, 15)),
            F(Ls + "netflow9_test_cisco_nbar_tpl262.dat", Ok(0)),
            F(Ls + "netflow9_test_cisco_nbar_data262.dat", Ok(5))),
        Group("ls_huawei_netstream",
            F(Ls + "netflow9_test_huawei_netstream_tpl.dat", Ok(0)),
            F(Ls + "netflow9_test_huawei_netstream_data.dat", Ok(1))),
        Group("ls_0length", F(Ls + "netflow9_test_0length_fields_tpl_data.dat", Ok(10))),
        Group("ls_juniper_srx_opt", F(Ls + "netflow9_test_juniper_srx_tplopt.dat", Ok(0, 1))),
        Group("ls_paloalto_zerofilled",
            F(Ls + "netflow9_test_paloalto_81_tpl256-263.dat", Ok(0)),
            F(Ls + "netflow9_test_paloalto_81_data257_1flowset_in_large_zerofilled_packet.dat", Ok(1))),
        // Six flowsets of templates 259/262, which the file never defines, are held: status TemplateMissing.
        Group("ls_iptnetflow_reduced", F(Ls + "netflow9_test_iptnetflow_reduced_size_encoding_tpldata260.dat", Is(DecodeStatus.TemplateMissing, 12))),
        Group("ls_ie150_151", F(Ls + "netflow9_test_unknown_tpl266_292_data.dat", Ok(2))),
        Group("ls_ubnt_edgerouter",
            F(Ls + "netflow9_test_ubnt_edgerouter_tpl.dat", Ok(0)),
            F(Ls + "netflow9_test_ubnt_edgerouter_data1024.dat", Ok(8)),
            F(Ls + "netflow9_test_ubnt_edgerouter_data1025.dat", Ok(8))),
        // Templates 1024/2048 as tshark shows them, then an unpadded options flowset and one record of each (see the v9 tests).
        Group("ls_v9_invalid01", F(Ls + "netflow9_test_invalid01.dat", Ok(2, 1))),
        Group("pynf_v9",
            F(Pynf + "PACKET_V9_TEMPLATE.bin", Ok(8)),
            F(Pynf + "PACKETS_V9_0.bin", Ok(12))),
        Group("pynf_v9_mixed", F(Pynf + "PACKET_V9_TEMPLATE_MIXED.bin", Ok(8))),
        Group("pynf_v9_zeros", F(Pynf + "PACKET_V9_WITH_ZEROS.bin", Is(DecodeStatus.TemplateMissing, 0))),

        // IPFIX
        Group("ls_ipfix_softflowd", F(Ls + "ipfix.dat", Is(DecodeStatus.TrailingBytes, 6, 1))),
        Group("ls_netscaler_varlen",
            F(Ls + "ipfix_test_netscaler_tpl.dat", Ok(0)),
            F(Ls + "ipfix_test_netscaler_data.dat", Is(DecodeStatus.TemplateMissing, 3))),
        Group("ls_juniper_mx240_opt",
            F(Ls + "ipfix_test_juniper_mx240_junos151r6s3_opttpl512.dat", Ok(0)),
            F(Ls + "ipfix_test_juniper_mx240_junos151r6s3_data512.dat", Ok(0, 1))),
        Group("pynf_ipfix",
            F(Pynf + "PACKET_IPFIX_TEMPLATE.bin", Ok(19, 1)),
            F(Pynf + "PACKET_IPFIX.bin", Ok(3))),
        Group("pynf_ipfix_padding", F(Pynf + "PACKET_IPFIX_PADDING.bin", Ok(2, 1))),

        // sFlow v5: one record per flow sample; the counts per datagram are tshark's (TestData/expected).
        Group("sflow_switch_2011", F(Sf + "switch-2011.pcap", SFlowDatagrams("sflow-switch-2011.jsonl"))) with { SelfContained = true },
        Group("sflow_switch_10g_2021", F(Sf + "switch-10g-2021.pcap", SFlowDatagrams("sflow-switch-10g-2021.jsonl"))) with { SelfContained = true },
    ];

    /// <summary>One expectation per datagram of an sFlow capture: its flow samples, from tshark's lines (consecutive lines of one datagram sequence number).</summary>
    private static PacketExpectation[] SFlowDatagrams(string expectedFile)
    {
        var lines = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "TestData", "expected", expectedFile))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Select(e => (Seq: e.GetProperty("datagramSeq").GetUInt32(), Flow: e.GetProperty("sampleType").GetString() != "counters"));
        var result = new List<PacketExpectation>();
        uint? current = null;
        foreach (var (seq, flow) in lines)
        {
            if (seq != current)
            {
                result.Add(Ok(0));
                current = seq;
            }

            if (flow)
            {
                result[^1] = Ok(result[^1].Records + 1);
            }
        }

        return [.. result];
    }

    public static CaptureGroup Group(string name) => All.Single(g => g.Name == name);

    public static IEnumerable<CaptureFile> Files => All.SelectMany(g => g.Files);

    public static TheoryData<string> GroupNames()
    {
        var data = new TheoryData<string>();
        foreach (var g in All)
        {
            data.Add(g.Name);
        }

        return data;
    }
}

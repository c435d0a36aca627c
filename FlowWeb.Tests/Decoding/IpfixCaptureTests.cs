using System.Net;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Decoding.TestData;
using static FlowWeb.Tests.Decoding.TestData.FlowAssert;
using IE = FlowWeb.Core.Decoding.InformationElements;

namespace FlowWeb.Tests.Decoding;

/// <summary>IPFIX captures of other exporters (TestData/README.md §4) against the Logstash spec, tshark and python-netflow.</summary>
public sealed class IpfixCaptureTests
{
    private const uint Netscaler = 5951;

    [Fact]
    public void SoftflowdIpfix_OptionsRecordAnchorsUptimesAtSystemInitTime()
    {
        using var run = CaptureRun.Decode("ls_ipfix_softflowd");
        var p = run["ipfix.dat"];

        // The message says 484 bytes; the datagram file holds 788 (two more messages glued on, which tshark
        // misreads as reserved set 10). Like Logstash we decode the one message: 7 events.
        Assert.Equal(new DecodeResult(DecodeStatus.TrailingBytes, 10, 6, 1, 3), p.Result);

        // Logstash spec L490-733, event [0].
        var o = Assert.Single(p.Options);
        Assert.Equal(2679ul, p.Unsigned(o, 143));
        Assert.Equal(1431516013506ul, p.Unsigned(o, IE.SystemInitTimeMilliseconds));
        Assert.Equal((1ul, 1ul, 0ul), (p.Unsigned(o, 304), p.Unsigned(o, IE.SamplingPacketInterval), p.Unsigned(o, IE.SamplingPacketSpace)));

        // Events [1], [2], [5]; absolute time = systemInitTimeMilliseconds + flowStart/EndSysUpTime.
        var e1 = p.Flows[0];
        Flow(e1, "192.168.253.1", 60560, "192.168.253.128", 22, 6, 260, 5);
        Assert.Equal(16, e1.TcpFlags);
        Assert.Equal((0ul, 12726ul, 4ul, 0ul), (p.Unsigned(e1, IE.FlowStartSysUpTime), p.Unsigned(e1, IE.FlowEndSysUpTime), p.Unsigned(e1, IE.IpVersion), p.Unsigned(e1, IE.VlanId)));
        Times(e1, 1431516013506 + 0, 1431516013506 + 12726, FlowTimeSource.SystemInitFromOptions);
        Flow(p.Flows[1], "192.168.253.128", 22, "192.168.253.1", 60560, 6, 1000, 6);
        Assert.Equal(24, p.Flows[1].TcpFlags);
        var e5 = p.Flows[4];
        Flow(e5, "54.214.9.161", 443, "192.168.253.132", 49935, 6, 5946, 14);
        Assert.Equal(26, e5.TcpFlags);
        Assert.All(p.Flows, r =>
        {
            Assert.Equal(FlowTimeSource.SystemInitFromOptions, r.TimeSource);
            Assert.Equal(1431516013506 + (long)p.Unsigned(r, IE.FlowStartSysUpTime), r.StartMs);
            Assert.Equal(1431516013506 + (long)p.Unsigned(r, IE.FlowEndSysUpTime), r.EndMs);
            Assert.Equal(1u, r.SamplingRate);
        });
    }

    [Fact]
    public void Netscaler_EnterpriseAndVariableLengthFields_MatchLogstash()
    {
        using var run = CaptureRun.Decode("ls_netscaler_varlen");
        Assert.Equal(7, run["ipfix_test_netscaler_tpl.dat"].Result.TemplatesLearned);
        var p = run["ipfix_test_netscaler_data.dat"];

        // Sets 258, 257, 280 (no template in the file: held) and 258 (tshark).
        Assert.Equal(new DecodeResult(DecodeStatus.TemplateMissing, 10, 3, 0, 0, 1), p.Result);

        // Logstash spec L2032-2139, decode[0] (+ tshark's record [0]).
        var d0 = p.Flows[0];
        Flow(d0, "192.168.0.1", 51053, "10.0.0.1", 443, 6, 40, 1);
        Interfaces(d0, 8, 2147483651);
        Assert.Equal(14460661ul, p.Unsigned(d0, 133, Netscaler));
        Assert.Equal("00e0ed1c9ca80300efb4255884850600", Convert.ToHexStringLower(p.Bytes(d0, 192, Netscaler)));
        Times(d0, Ms("2016-11-11T12:09:19.000Z"), Ms("2016-11-11T12:09:19.000Z"), FlowTimeSource.AbsoluteElements);

        // decode[1].
        var d1 = p.Flows[1];
        Flow(d1, "10.0.0.1", 443, "192.168.0.1", 51053, 6, 1525, 2);
        Assert.Equal(14460662ul, p.Unsigned(d1, 148));
        Assert.Equal(167954698ul, p.Unsigned(d1, 138));
        Assert.Equal(1157636096ul, p.Unsigned(d1, 132, Netscaler));
        Assert.Equal(83ul, p.Unsigned(d1, 128, Netscaler));

        // decode[2]: variable-length strings, the cookie in the 3-byte (0xFF + length) form.
        var d2 = p.Flows[2];
        Flow(d2, "192.168.0.1", 51053, "10.0.0.1", 443, 6, 1541, 2);
        Assert.Equal(2147483651u, d2.OutIf);
        Assert.Equal(239927296ul, p.Unsigned(d2, 171, Netscaler));
        Assert.Equal("/aa/bb/ccccc/ddddddddddddddddddddddddd", p.Text(d2, 130, Netscaler));
        Assert.Equal("www.kobo.com", p.Text(d2, 142, Netscaler));
        Assert.Equal("GET", p.Text(d2, 141, Netscaler));
        Assert.Equal("Mozilla/5.0 (Commodore 64;  kobo.com) Gecko/20100101 Firefox/75.0", p.Text(d2, 143, Netscaler));
        Assert.Equal("1.1 akamai.net(ghost) (AkamaiGHost)", p.Text(d2, 186, Netscaler));
        Assert.Equal("11.222.33.255", p.Text(d2, 190, Netscaler));
        Assert.Equal("www.kobo.com", p.Text(d2, 267, Netscaler));
        const string cookie = "beer=123456789abcdefghijklmnopqrstuvw; AnotherCookie=1234567890abcdefghijklmnopqr; Shameless.Plug=Thankyou.Rakuten.Kobo.Inc.For.Allowing.me.time.to.work.on.this.and.contribute.back.to.the.community; Padding=aaaaaaaaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbccccccccccccccddddddddddddddddddddddeeeeeeeeeeeeeeeeeeeeeffffffffffffffffffffffgggggggggggggggggggggggghhhhhhhhhhhhhhhhhiiiiiiiiiiiiiiiiiiiiiijjjjjjjjjjjjjjjjjjjjjjjjkkkkkkkkkkkkkkkkkklllllllllllllllmmmmmmmmmm; more=less; GJquote=There.is.no.spoon; GarrySays=Nice!!; LastPadding=aaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbbcccccccccccccccccccdddddddddddeeeeeeee";
        Assert.True(cookie.Length > 255);
        Assert.Equal(cookie, p.Text(d2, 131, Netscaler));

        // An enterprise element is not its IANA namesake: IANA 130 is exporterIPv4Address, absent here.
        Assert.False(p.Batch.TryGetElement(d2, 130, 0, out _));
        Assert.Equal(1, run.Decoder.StatisticsOf(p.Packet.Exporter)!.PendingSets);
    }

    [Fact]
    public void JuniperMx240_OptionsTemplate512_ExporterStatisticsAndSampling()
    {
        using var run = CaptureRun.Decode("ls_juniper_mx240_opt");
        var p = run["ipfix_test_juniper_mx240_junos151r6s3_data512.dat"];

        // Logstash spec L1394-1436.
        var o = Assert.Single(p.Options);
        Assert.Empty(p.Flows);
        Assert.Equal((512, 524288u), (o.TemplateId, o.ObservationDomain));
        Assert.Equal(1000ul, p.Unsigned(o, IE.SamplingInterval));
        Assert.Equal((60ul, 60ul), (p.Unsigned(o, 36), p.Unsigned(o, 37)));
        Assert.Equal(IPAddress.Parse("10.0.0.1"), new IPAddress(p.Bytes(o, 130)));
        Assert.Equal(IPAddress.IPv6Any, new IPAddress(p.Bytes(o, 131)));
        Assert.Equal(1262761598000ul, p.Unsigned(o, IE.SystemInitTimeMilliseconds));
        Assert.Equal((76ul, 76ul), (p.Unsigned(o, 41), p.Unsigned(o, 42)));
        Assert.Equal((2ul, 10ul, 17ul), (p.Unsigned(o, 144), p.Unsigned(o, 214), p.Unsigned(o, 215)));
        Assert.Equal(1000u, o.SamplingRate);
    }

    [Fact]
    public void PythonNetflowIpfix_TemplatePacketThenData_MatchesTestIpfix()
    {
        using var run = CaptureRun.Decode("pynf_ipfix");
        var tpl = run["PACKET_IPFIX_TEMPLATE.bin"];

        // test_ipfix.py L20-75: 20 "flows" (its flows[0] is the options record) and 5 templates.
        Assert.Equal((19, 1, 5), (tpl.Flows.Length, tpl.Options.Length, tpl.Result.TemplatesLearned));
        var o = tpl.Options[0];
        Assert.Equal((2649ul, 1ul, 1585735165729ul), (tpl.Unsigned(o, 143), tpl.Unsigned(o, 304), tpl.Unsigned(o, IE.SystemInitTimeMilliseconds)));

        // flows[1]: dst 172.17.0.2 (2886795266), TCP 443 -> 57766, flags 0x1b; tshark: from 127.0.0.1, 5575 B, 13 pkts.
        var f1 = tpl.Flows[0];
        Flow(f1, "127.0.0.1", 443, "172.17.0.2", 57766, 6, 5575, 13);
        Assert.Equal(2886795266u, f1.DstAddr.IPv4Value);
        Assert.Equal(0x1b, f1.TcpFlags);

        // flows[17]: UDP from fde6:6f14:e0f1:9609:0:affe:affe:affe.
        var f17 = tpl.Flows[16];
        Assert.Equal((17, "fde6:6f14:e0f1:9609:0:affe:affe:affe"), (f17.Protocol, f17.SrcAddr.ToString()));

        // The options record precedes the data sets, so every record is anchored by its systemInitTimeMilliseconds.
        Assert.All(tpl.Flows, r =>
        {
            Assert.Equal(FlowTimeSource.SystemInitFromOptions, r.TimeSource);
            Assert.Equal((long)(tpl.Unsigned(r, IE.FlowEndSysUpTime) - tpl.Unsigned(r, IE.FlowStartSysUpTime)), r.EndMs - r.StartMs);
        });

        // tshark: PACKET_IPFIX holds two ICMPv6 records (set 2049: neighbour solicitation/advertisement) and a TCP SYN.
        var data = run["PACKET_IPFIX.bin"];
        Assert.Equal(3, data.Flows.Length);
        Flow(data.Flows[0], "fe80::42:acff:fe11:2", 0, "fde6:6f14:e0f1:9609::1", 0, 0, 72, 1);
        Assert.Equal(135ul << 8, data.Unsigned(data.Flows[0], IE.IcmpTypeCodeIPv6));
        Assert.Equal(136ul << 8, data.Unsigned(data.Flows[1], IE.IcmpTypeCodeIPv6));
        Flow(data.Flows[2], "fde6:6f14:e0f1:9609:0:affe:affe:affe", 58700, "2a04:4e42:200::223", 443, 6, 320, 4);
        Assert.Equal(2, data.Flows[2].TcpFlags);
    }

    [Fact]
    public void PythonNetflowIpfix_DataAlone_GivesNoFlows()
    {
        var decoder = Captures.NewDecoder();
        using var batch = new FlowBatch();
        var result = decoder.Decode(FlowAddress.Parse("203.0.113.10"), Captures.Read("python-netflow-v9-softflowd/PACKET_IPFIX.bin"), batch);

        // test_ipfix.py: data alone -> 0 flows; both of its sets wait for their templates.
        Assert.Equal(new DecodeResult(DecodeStatus.TemplateMissing, 10, 0, 0, 0, 2), result);
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void PythonNetflowIpfixPadding_SetPaddingIsSkipped()
    {
        using var run = CaptureRun.Decode("pynf_ipfix_padding");
        var p = run["PACKET_IPFIX_PADDING.bin"];

        // test_ipfix.py L96-110: header length 448; the last record is options with meteringProcessId 45786.
        Assert.Equal(448, p.Packet.Payload.Length);
        Assert.Equal(448, (p.Packet.Payload[2] << 8) | p.Packet.Payload[3]);
        Assert.Equal(new DecodeResult(DecodeStatus.Ok, 10, 2, 1, 5), p.Result);
        Assert.True(p.Batch.Records[^1].IsOptions);
        Assert.Equal(45786ul, p.Unsigned(p.Options[0], 143));
        Assert.Equal("testcapture_sing", p.Text(p.Options[0], 82));

        // tshark: set 1025 holds an ICMP echo request (0x0800) and its reply (0x0000), then 2 zero bytes of padding.
        Assert.All(p.Flows, r =>
        {
            Flow(r, "127.0.0.1", 0, "127.0.0.1", 0, 1, 252, 3);
            Assert.Equal((1025, 0, 1), (r.TemplateId, r.Direction, r.EndReason));
            Assert.Equal(4294905847L - 4294903760L, r.EndMs - r.StartMs);
        });
        Assert.Equal((0x0800ul, 0ul), (p.Unsigned(p.Flows[0], IE.IcmpTypeCodeIPv4), p.Unsigned(p.Flows[1], IE.IcmpTypeCodeIPv4)));
    }
}

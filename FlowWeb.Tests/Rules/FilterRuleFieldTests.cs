using static FlowWeb.Tests.Rules.TestFlows;

namespace FlowWeb.Tests.Rules;

/// <summary>Every field and every value form, each against a record that matches and one that does not.</summary>
public sealed class FilterRuleFieldTests
{
    [Theory]
    [InlineData("IP[10.0.0.1]", "10.0.0.1", "10.9.9.9", true)]
    [InlineData("IP[10.0.0.1]", "10.9.9.9", "10.0.0.1", true)]
    [InlineData("IP[10.0.0.1]", "10.0.0.3", "10.0.0.4", false)]
    [InlineData("SourceIP[10.0.0.1]", "10.0.0.1", "10.0.0.2", true)]
    [InlineData("SourceIP[10.0.0.1]", "10.0.0.2", "10.0.0.1", false)]
    [InlineData("DestinationIP[10.0.0.1]", "10.0.0.2", "10.0.0.1", true)]
    [InlineData("DestinationIP[10.0.0.1]", "10.0.0.1", "10.0.0.2", false)]
    [InlineData("SourceIP[10.*.*.*]", "10.200.3.4", "1.1.1.1", true)]
    [InlineData("SourceIP[10.*.*.*]", "11.0.0.1", "1.1.1.1", false)]
    [InlineData("SourceIP[10.*]", "10.0.0.9", "1.1.1.1", true)]
    [InlineData("SourceIP[10.0.*.*]", "10.0.77.1", "1.1.1.1", true)]
    [InlineData("SourceIP[10.0.*.*]", "10.1.0.1", "1.1.1.1", false)]
    [InlineData("SourceIP[*.*.*.7]", "192.168.3.7", "1.1.1.1", true)]
    [InlineData("SourceIP[*.*.*.7]", "192.168.3.8", "1.1.1.1", false)]
    [InlineData("SourceIP[10.*.0.1-5]", "10.44.0.5", "1.1.1.1", true)]
    [InlineData("SourceIP[10.*.0.1-5]", "10.44.1.5", "1.1.1.1", false)]
    [InlineData("SourceIP[10.0.0.120-130]", "10.0.0.120", "1.1.1.1", true)]
    [InlineData("SourceIP[10.0.0.120-130]", "10.0.0.130", "1.1.1.1", true)]
    [InlineData("SourceIP[10.0.0.120-130]", "10.0.0.131", "1.1.1.1", false)]
    [InlineData("SourceIP[10.0.0.120-130]", "10.0.1.125", "1.1.1.1", false)]
    [InlineData("SourceIP[10.1-3.*.*]", "10.3.255.255", "1.1.1.1", true)]
    [InlineData("SourceIP[10.1-3.*.*]", "10.4.0.0", "1.1.1.1", false)]
    [InlineData("SourceIP[10.0.0.1-10.0.1.9]", "10.0.0.200", "1.1.1.1", true)]
    [InlineData("SourceIP[10.0.0.1-10.0.1.9]", "10.0.1.10", "1.1.1.1", false)]
    [InlineData("SourceIP[10.0.0.0/10]", "10.63.255.255", "1.1.1.1", true)]
    [InlineData("SourceIP[10.0.0.0/10]", "10.64.0.0", "1.1.1.1", false)]
    [InlineData("SourceIP[10.0.0.0/255.255.0.0]", "10.0.9.9", "1.1.1.1", true)]
    [InlineData("SourceIP[10.0.0.0/255.255.0.0]", "10.1.9.9", "1.1.1.1", false)]
    [InlineData("SourceIP[10.0.0.0/255.0.255.0]", "10.99.0.99", "1.1.1.1", true)]
    [InlineData("SourceIP[10.0.0.0/255.0.255.0]", "10.99.1.99", "1.1.1.1", false)]
    [InlineData("SourceIP[0.0.0.0/0]", "203.0.113.9", "1.1.1.1", true)]
    [InlineData("SourceIP[0.0.0.0/0]", "2001:db8::1", "1.1.1.1", false)]
    [InlineData("SourceIP[*.*.*.*]", "2001:db8::1", "1.1.1.1", false)]
    [InlineData("SourceIP[2001:db8::1]", "2001:db8::1", "1.1.1.1", true)]
    [InlineData("SourceIP[2001:db8::1]", "2001:db8::2", "1.1.1.1", false)]
    [InlineData("SourceIP[2001:db8::/32]", "2001:db8:ffff:1::1", "1.1.1.1", true)]
    [InlineData("SourceIP[2001:db8::/32]", "2001:db9::1", "1.1.1.1", false)]
    [InlineData("SourceIP[2001:db8:0:0:8000::/65]", "2001:db8::8000:0:0:1", "1.1.1.1", true)]
    [InlineData("SourceIP[2001:db8:0:0:8000::/65]", "2001:db8::7fff:0:0:1", "1.1.1.1", false)]
    [InlineData("SourceIP[2001:db8::1/128]", "2001:db8::1", "1.1.1.1", true)]
    [InlineData("SourceIP[::/0]", "2001:db8::1", "1.1.1.1", true)]
    [InlineData("SourceIP[2001:db8::1-2001:db8::1:0]", "2001:db8::ffff", "1.1.1.1", true)]
    [InlineData("SourceIP[2001:db8::1-2001:db8::1:0]", "2001:db8::1:1", "1.1.1.1", false)]
    [InlineData("SourceIP[::ffff:10.0.0.1]", "10.0.0.1", "1.1.1.1", true)]
    [InlineData("SourceIP[10.0.0.1]", "::ffff:10.0.0.1", "1.1.1.1", true)]
    [InlineData("SourceIP[::ffff:10.0.0.0/104]", "10.255.0.1", "1.1.1.1", true)]
    [InlineData("SourceIP[::ffff:10.0.0.0/104]", "11.0.0.1", "1.1.1.1", false)]
    [InlineData("SourceIP[::ffff:0:0/96]", "203.0.113.1", "1.1.1.1", true)]
    [InlineData("SourceIP[::ffff:0:0/96]", "2001:db8::1", "1.1.1.1", false)]
    [InlineData("IP[10.0.0.1,2001:db8::7]", "1.1.1.1", "2001:db8::7", true)]
    [InlineData("IP[10.0.0.1,2001:db8::7]", "1.1.1.1", "2001:db8::8", false)]
    public void Matches_AddressForms_TestTheRightSide(string rule, string src, string dst, bool expected) =>
        Assert.Equal(expected, Matches(rule, Flow(src: src, dst: dst)));

    [Theory]
    [InlineData("NextHop[192.168.1.254]", "192.168.1.254", true)]
    [InlineData("NextHop[192.168.1.0/24]", "192.168.2.1", false)]
    [InlineData("NextHop[fe80::/10]", "fe80::1", true)]
    public void Matches_NextHop_TestsTheNextHopAddress(string rule, string nextHop, bool expected) =>
        Assert.Equal(expected, Matches(rule, Flow(nextHop: nextHop)));

    [Theory]
    [InlineData("SenderIP[192.0.2.1]", "192.0.2.1", true)]
    [InlineData("SenderIP[192.0.2.1]", "192.0.2.2", false)]
    [InlineData("SenderIP[2001:db8::/48]", "2001:db8:0:1::1", true)]
    public void Matches_SenderIp_TestsTheExporterNotTheRecord(string rule, string exporter, bool expected)
    {
        // The record's own addresses equal the sender address, so only the exporter argument can decide.
        var record = Flow(src: "192.0.2.2", dst: "192.0.2.2");

        Assert.Equal(expected, Matches(rule, record, exporter));
    }

    [Theory]
    [InlineData("Port[80]", 80, 50000, true)]
    [InlineData("Port[80]", 50000, 80, true)]
    [InlineData("Port[80]", 81, 50000, false)]
    [InlineData("SourcePort[80]", 80, 50000, true)]
    [InlineData("SourcePort[80]", 50000, 80, false)]
    [InlineData("DestinationPort[80-88]", 50000, 88, true)]
    [InlineData("DestinationPort[80-88]", 50000, 89, false)]
    [InlineData("DestinationPort[80,443]", 50000, 443, true)]
    [InlineData("DestinationPort[80,443]", 50000, 444, false)]
    [InlineData("Port[0]", 0, 1, true)]
    [InlineData("Port[65535]", 1, 65535, true)]
    public void Matches_Ports_TestTheRightSide(string rule, int srcPort, int dstPort, bool expected) =>
        Assert.Equal(expected, Matches(rule, Flow(srcPort: (ushort)srcPort, dstPort: (ushort)dstPort)));

    [Theory]
    [InlineData("Protocol[TCP]", 6, true)]
    [InlineData("Protocol[tcp]", 17, false)]
    [InlineData("Protocol[UDP]", 17, true)]
    [InlineData("Protocol[ICMP]", 1, true)]
    [InlineData("Protocol[OSPFIGP]", 89, true)]
    [InlineData("Protocol[OSPF]", 89, true)]
    [InlineData("Protocol[GRE]", 47, true)]
    [InlineData("Protocol[ESP]", 50, true)]
    [InlineData("Protocol[ICMPv6]", 58, true)]
    [InlineData("Protocol[IPv6-ICMP]", 58, true)]
    [InlineData("Protocol[SCTP]", 132, true)]
    [InlineData("Protocol[132]", 132, true)]
    [InlineData("Protocol[50-51]", 51, true)]
    [InlineData("Protocol[50-51]", 52, false)]
    public void Matches_Protocol_ByNameOrNumber(string rule, int protocol, bool expected) =>
        Assert.Equal(expected, Matches(rule, Flow(protocol: (byte)protocol)));

    [Theory]
    [InlineData("TOS[184]", 184, true)]
    [InlineData("TOS[46]", 184, false)]
    [InlineData("DSCP[46]", 184, true)]
    [InlineData("DSCP[46]", 185, true)] // ECN bits are not part of the DSCP
    [InlineData("DSCP[EF]", 184, true)]
    [InlineData("DSCP[AF41]", 34 << 2, true)]
    [InlineData("DSCP[CS1]", 8 << 2, true)]
    [InlineData("DSCP[BE]", 0, true)]
    [InlineData("DSCP[40-47]", 46 << 2, true)]
    [InlineData("DSCP[40-45]", 46 << 2, false)]
    public void Matches_TosAndDscp_DscpIsTheTopSixBits(string rule, int tos, bool expected) =>
        Assert.Equal(expected, Matches(rule, Flow(tos: (byte)tos)));

    [Theory]
    [InlineData("Interface[3]", 3, 9, true)]
    [InlineData("Interface[3]", 9, 3, true)]
    [InlineData("Interface[3]", 9, 9, false)]
    [InlineData("InboundInterface[3]", 3, 9, true)]
    [InlineData("InboundInterface[3]", 9, 3, false)]
    [InlineData("OutboundInterface[3]", 9, 3, true)]
    [InlineData("OutboundInterface[3]", 3, 9, false)]
    [InlineData("Interface[4000000000]", 4_000_000_000, 1, true)]
    [InlineData("InboundInterface[1-4]", 4, 1, true)]
    public void Matches_Interfaces_TestTheRightSide(string rule, uint inIf, uint outIf, bool expected) =>
        Assert.Equal(expected, Matches(rule, Flow(inIf: inIf, outIf: outIf)));

    [Theory]
    [InlineData("ASI[64512]", 64512, 3320, true)]
    [InlineData("ASI[64512]", 3320, 64512, true)]
    [InlineData("ASI[64512]", 3320, 3320, false)]
    [InlineData("SourceASI[64512]", 64512, 3320, true)]
    [InlineData("SourceASI[64512]", 3320, 64512, false)]
    [InlineData("DestinationASI[4200000000]", 1, 4_200_000_000, true)]
    [InlineData("DestinationASI[4200000000]", 4_200_000_000, 1, false)]
    public void Matches_AutonomousSystems_TestTheRightSide(string rule, uint srcAs, uint dstAs, bool expected) =>
        Assert.Equal(expected, Matches(rule, Flow(srcAs: srcAs, dstAs: dstAs)));

    [Theory]
    [InlineData("MAC[00:1b:21:3a:4f:01]", 0x001B_213A_4F01UL, 0x0UL, true)]
    [InlineData("MAC[00-1B-21-3A-4F-01]", 0x0UL, 0x001B_213A_4F01UL, true)]
    [InlineData("MAC[00:1b:21:3a:4f:01]", 0x001B_213A_4F02UL, 0x0UL, false)]
    [InlineData("SourceMAC[001b.213a.4f01]", 0x001B_213A_4F01UL, 0x0UL, true)]
    [InlineData("SourceMAC[00:1b:21:3a:4f:01]", 0x0UL, 0x001B_213A_4F01UL, false)]
    [InlineData("DestinationMAC[ff:ff:ff:ff:ff:ff]", 0x0UL, 0xFFFF_FFFF_FFFFUL, true)]
    [InlineData("DestinationMAC[ff:ff:ff:ff:ff:ff]", 0xFFFF_FFFF_FFFFUL, 0x0UL, false)]
    public void Matches_Mac_TestsTheLow48Bits(string rule, ulong srcMac, ulong dstMac, bool expected) =>
        Assert.Equal(expected, Matches(rule, Flow(srcMac: srcMac, dstMac: dstMac)));

    [Theory]
    [InlineData("Mask[24]", 24, 16, true)]
    [InlineData("Mask[24]", 16, 24, false)]
    [InlineData("SourceMask[16-24]", 20, 0, true)]
    [InlineData("DestinationMask[64]", 24, 64, true)]
    [InlineData("DestinationMask[64]", 64, 24, false)]
    public void Matches_Masks_MaskIsTheSourcePrefixLength(string rule, int srcMask, int dstMask, bool expected) =>
        Assert.Equal(expected, Matches(rule, Flow(srcMask: (byte)srcMask, dstMask: (byte)dstMask)));

    [Theory]
    [InlineData("VLAN[100]", 100, true)]
    [InlineData("VLAN[100]", 101, false)]
    [InlineData("SourceVLAN[100-199]", 150, true)]
    [InlineData("SourceVLAN[100-199]", 200, false)]
    public void Matches_Vlan_TestsTheRecordVlan(string rule, int vlan, bool expected) =>
        Assert.Equal(expected, Matches(rule, Flow(vlan: (ushort)vlan)));
}

using FlowWeb.Core.Sensors;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>
/// Exporter configuration for a sensor: the host and port to send to, in the protocol the sensor expects. The
/// RouterOS lines match README.md's "Pointing a MikroTik at FlowWeb".
/// </summary>
public static class ExporterCommands
{
    private const string Enable = "/ip traffic-flow set enabled=yes interfaces=all active-flow-timeout=1m inactive-flow-timeout=15s";

    /// <summary>RouterOS's <c>version=</c> value: 5, 9 or ipfix (jFlow and NetStream sensors take v9).</summary>
    public static string RouterOsVersion(ExpectedProtocol protocol) => protocol switch
    {
        ExpectedProtocol.NetFlowV5 => "5",
        ExpectedProtocol.Ipfix => "ipfix",
        _ => "9",
    };

    public static string RouterOs7(string host, int port, ExpectedProtocol protocol)
    {
        var lines = $"{Enable}\n/ip traffic-flow target add dst-address={host} port={port} version={RouterOsVersion(protocol)}";
        return protocol == ExpectedProtocol.Ipfix
            ? lines + "\n/ip traffic-flow ipfix set sys-init-time=yes nat-src-address=yes nat-dst-address=yes nat-src-port=yes nat-dst-port=yes"
            : lines;
    }

    /// <summary>RouterOS 6 has no sys-init-time for IPFIX (FlowWeb estimates the boot time instead).</summary>
    public static string RouterOs6(string host, int port, ExpectedProtocol protocol) =>
        $"{Enable}\n/ip traffic-flow target add dst-address={host} port={port} version={RouterOsVersion(protocol)}";

    public static string CiscoFlexibleNetFlow(string host, int port, ExpectedProtocol protocol) => $"""
        flow exporter FLOWWEB
         destination {host}
         transport udp {port}
         export-protocol {(protocol == ExpectedProtocol.Ipfix ? "ipfix" : "netflow-v9")}
         template data timeout 60
        !
        flow monitor FLOWWEB
         exporter FLOWWEB
         record netflow ipv4 original-input
         cache timeout active 60
         cache timeout inactive 15
        !
        interface GigabitEthernet0/0
         ip flow monitor FLOWWEB input
        """;

    public static string CiscoIpFlowExport(string host, int port, ExpectedProtocol protocol) => $"""
        ip flow-export version {(protocol == ExpectedProtocol.NetFlowV5 ? "5" : "9")}
        ip flow-export destination {host} {port}
        ip flow-cache timeout active 1
        ip flow-cache timeout inactive 15
        !
        interface GigabitEthernet0/0
         ip flow ingress
        """;

    public static string JuniperInlineJflow(string host, int port, ExpectedProtocol protocol)
    {
        var format = protocol == ExpectedProtocol.Ipfix ? "version-ipfix" : "version9";
        return $"""
            set services flow-monitoring {format} template FLOWWEB ipv4-template
            set services flow-monitoring {format} template FLOWWEB flow-active-timeout 60
            set services flow-monitoring {format} template FLOWWEB flow-inactive-timeout 15
            set forwarding-options sampling instance FLOWWEB input rate 1
            set forwarding-options sampling instance FLOWWEB family inet output flow-server {host} port {port}
            set forwarding-options sampling instance FLOWWEB family inet output flow-server {host} {format} template FLOWWEB
            set forwarding-options sampling instance FLOWWEB family inet output inline-jflow source-address ROUTER-ADDRESS
            set chassis fpc 0 sampling-instance FLOWWEB
            set interfaces ge-0/0/0 unit 0 family inet sampling input
            """;
    }

    public static string Softflowd(string host, int port, ExpectedProtocol protocol) =>
        $"softflowd -i eth0 -n {host}:{port} -v {protocol switch { ExpectedProtocol.NetFlowV5 => "5", ExpectedProtocol.Ipfix => "10", _ => "9" }} -t maxlife=60";

    /// <summary>Juniper EX/QFX sFlow ([edit protocols sflow]: collector with udp-port, sample-rate ingress/egress, polling-interval, interfaces).</summary>
    public static string JuniperSflow(string host, int port) => $"""
        set protocols sflow collector {host} udp-port {port}
        set protocols sflow sample-rate ingress 1000
        set protocols sflow sample-rate egress 1000
        set protocols sflow polling-interval 20
        set protocols sflow interfaces ge-0/0/0
        """;

    /// <summary>host-sflow (hsflowd) on a Linux host or whitebox switch: /etc/hsflowd.conf.</summary>
    public static string HostSflowd(string host, int port) => $$"""
        sflow {
          sampling = 1000
          polling = 20
          collector { ip = {{host}} udpport = {{port}} }
          pcap { dev = eth0 }
        }
        """;
}

namespace FlowWeb.Core.Encoding;

/// <summary>
/// Simulated MikroTik exporters with RouterOS defaults: templates every 20 packets or 30 minutes, 1472-byte
/// datagrams, domain 0, IPv4 and IPv6 templates chosen by the record's address family.
/// </summary>
public static class RouterOsExporters
{
    /// <summary>RouterOS 6.x IPFIX (templates 258/259): uptime-only times, so a collector must estimate the boot time.</summary>
    public static FlowExporterSimulator Ros6Ipfix(long bootTimeMs) =>
        new(ExportProtocol.Ipfix, bootTimeMs, RouterOsTemplates.Ros6IpfixIPv4, RouterOsTemplates.Ros6IpfixIPv6);

    /// <summary>RouterOS 7.x-shaped IPFIX (templates 256/257 with systemInitTimeMilliseconds in every record).</summary>
    public static FlowExporterSimulator Ros7Ipfix(long bootTimeMs) =>
        new(ExportProtocol.Ipfix, bootTimeMs, RouterOsTemplates.Ros7IpfixIPv4, RouterOsTemplates.Ros7IpfixIPv6);

    /// <summary>RouterOS 7.x-shaped NetFlow v9 (templates 256/257).</summary>
    public static FlowExporterSimulator Ros7NetFlowV9(long bootTimeMs) =>
        new(ExportProtocol.NetFlowV9, bootTimeMs, RouterOsTemplates.Ros7NetFlowV9IPv4, RouterOsTemplates.Ros7NetFlowV9IPv6);

    /// <summary>RouterOS NetFlow v5: IPv4 only, AS numbers and masks are 0 on RouterOS (its records should carry none), engine 0/0, unsampled.</summary>
    public static FlowExporterSimulator NetFlowV5(long bootTimeMs) => new(ExportProtocol.NetFlowV5, bootTimeMs);
}

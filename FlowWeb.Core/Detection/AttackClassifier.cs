namespace FlowWeb.Core.Detection;

/// <summary>
/// Names an attack from its traffic at the moment it starts. A protocol threshold that was exceeded decides first
/// (the one exceeded by the largest factor): SYN-only packets make a SYN flood, ICMP an ICMP flood, portless TCP or
/// UDP a fragment flood, UDP an amplification when most of it comes from one well-known reflector port (DNS 53,
/// NTP 123, ...) and a UDP flood otherwise. When only totals (packets, bits, flows, sources) were exceeded, the
/// protocol carrying most packets decides the same way; TCP without a SYN majority is a TCP flood; no majority is
/// a mixed flood.
/// </summary>
internal static class AttackClassifier
{
    public static (AttackType Type, int? ReflectorPort) Classify(in TrafficCounters rates, IReadOnlyList<AttackTrigger> triggers, ushort ampPort)
    {
        var total = Math.Max(rates[Counter.Packets], 1e-9);
        var udp = rates[Counter.UdpPackets];
        var tcp = rates[Counter.TcpPackets];
        var amplified = udp > 0 && rates[Counter.AmplificationPackets] >= udp * 0.5 && ampPort != 0;

        (AttackType, int?) Udp() => amplified ? (ReflectorPorts.TypeOf(ampPort), ampPort) : (AttackType.UdpFlood, null);

        var protocolTrigger = triggers
            .Where(t => t.Metric is DetectionMetric.SynPackets or DetectionMetric.IcmpPackets or DetectionMetric.FragmentPackets
                or DetectionMetric.UdpPackets or DetectionMetric.UdpBits)
            .OrderByDescending(t => t.Value / t.Threshold)
            .FirstOrDefault();
        switch (protocolTrigger?.Metric)
        {
            case DetectionMetric.SynPackets:
                return (AttackType.SynFlood, null);
            case DetectionMetric.IcmpPackets:
                return (AttackType.IcmpFlood, null);
            case DetectionMetric.FragmentPackets:
                return (AttackType.FragmentFlood, null);
            case DetectionMetric.UdpPackets or DetectionMetric.UdpBits:
                return Udp();
        }

        if (rates[Counter.FragmentPackets] >= total * 0.5)
        {
            return (AttackType.FragmentFlood, null);
        }

        if (udp >= total * 0.5)
        {
            return Udp();
        }

        if (rates[Counter.IcmpPackets] >= total * 0.5)
        {
            return (AttackType.IcmpFlood, null);
        }

        if (tcp >= total * 0.5)
        {
            return rates[Counter.SynPackets] >= tcp * 0.5 ? (AttackType.SynFlood, null) : (AttackType.TcpFlood, null);
        }

        return (AttackType.Mixed, null);
    }
}

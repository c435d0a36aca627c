using System.Globalization;
using System.Text;
using FlowWeb.Core.Detection;

namespace FlowWeb.Core.Mitigation;

/// <summary>One way to stop an attack on a MikroTik: what it does, and the commands for RouterOS v7 and v6.</summary>
public sealed record MitigationOption(string Title, string Explanation, string RouterOsV7, string RouterOsV6, bool Recommended);

/// <summary>
/// Ready-to-paste RouterOS commands for an attack, chosen by its type. Reflection and amplification are dropped by
/// source port in <c>/ip firewall raw</c> (before connection tracking, so a flood costs the router least) and the
/// top reflectors go into an address list with a timeout; floods of spoofed sources are stopped by blackholing the
/// victim on this router, or better upstream with RTBH (BGP community 65535:666, RFC 7999), which saves the uplink
/// too; an outgoing attack quarantines the protected host. Every command carries a comment naming the attack, so
/// <c>/ip firewall raw print where comment~"FlowWeb"</c> finds them.
/// </summary>
public static class RouterOsCommands
{
    /// <summary>The address list FlowWeb's raw rules drop, and its automatic action fills.</summary>
    public const string DefaultList = "flowweb-ddos";
    public const string ReflectorList = "flowweb-reflectors";
    public const int ReflectorsListed = 10;

    public static IReadOnlyList<MitigationOption> For(AttackReport attack, TimeSpan? banTime = null)
    {
        ArgumentNullException.ThrowIfNull(attack);
        var ban = Duration(banTime ?? TimeSpan.FromHours(1));
        var comment = $"FlowWeb attack {attack.Id.ToString(CultureInfo.InvariantCulture)}: {attack.Vector.Title()}";
        var target = Target.Parse(attack.Victim);
        var options = new List<MitigationOption>();

        if (attack.Direction == AttackDirection.Outgoing)
        {
            options.Add(Quarantine(target, ban, comment));
            return options;
        }

        if (attack.Vector.IsAmplification() && attack.ReflectorPort is { } port)
        {
            options.Add(DropReflectorPort(target, port, comment));
            if (attack.TopSources.Count > 0)
            {
                options.Add(ListReflectors(target, attack, ban, comment));
            }
        }
        else if (attack.Vector is AttackType.FragmentFlood or AttackType.IcmpFlood or AttackType.UdpFlood)
        {
            options.Add(DropProtocol(target, attack.Vector, comment));
        }

        options.Add(Blackhole(target, ban, comment, recommended: options.Count == 0));
        options.Add(Rtbh(target, comment));
        return options;
    }

    /// <summary>Every option as one commented text per RouterOS version (the API's <c>mitigation</c>).</summary>
    public static string AsText(AttackReport attack, TimeSpan? banTime = null)
    {
        var text = new StringBuilder();
        foreach (var (version, pick) in new (string, Func<MitigationOption, string>)[] { ("RouterOS v7", o => o.RouterOsV7), ("RouterOS v6", o => o.RouterOsV6) })
        {
            text.Append("# ").Append(version).Append('\n');
            foreach (var option in For(attack, banTime))
            {
                text.Append("# ").Append(option.Title).Append(option.Recommended ? " (recommended)" : "").Append(": ").Append(option.Explanation).Append('\n');
                text.Append(pick(option)).Append('\n');
            }

            text.Append('\n');
        }

        return text.ToString().TrimEnd() + "\n";
    }

    /// <summary>RouterOS's duration syntax: 1h, 30m, 1d2h, 45s.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span <= TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new StringBuilder();
        void Part(int value, char unit)
        {
            if (value > 0)
            {
                text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }

        Part((int)span.TotalDays, 'd');
        Part(span.Hours, 'h');
        Part(span.Minutes, 'm');
        Part(span.Seconds, 's');
        return text.ToString();
    }

    private static MitigationOption DropReflectorPort(Target t, int port, string comment)
    {
        var service = ReflectorPorts.ServiceOf((ushort)port) ?? "the reflected service";
        var rule = $"add chain=prerouting protocol=udp src-port={port} dst-address={t.Text} action=drop comment=\"{comment}\"";
        return new($"Drop {service} replies (UDP source port {port})",
            $"drops every UDP packet from port {port} to {t.Text} in the raw table, before connection tracking; the victim's other traffic flows on. Remove the rule when the attack is over.",
            $"/{t.Menu} firewall raw {rule}", $"/{t.Menu} firewall raw {rule}", Recommended: true);
    }

    private static MitigationOption ListReflectors(Target t, AttackReport attack, string ban, string comment)
    {
        var lines = new StringBuilder();
        foreach (var source in attack.TopSources.Take(ReflectorsListed))
        {
            var menu = source.Address.Contains(':', StringComparison.Ordinal) ? "ipv6" : "ip";
            lines.Append(CultureInfo.InvariantCulture, $"/{menu} firewall address-list add list={ReflectorList} address={source.Address} timeout={ban} comment=\"{comment}\"\n");
        }

        lines.Append(CultureInfo.InvariantCulture, $"/{t.Menu} firewall raw add chain=prerouting src-address-list={ReflectorList} action=drop comment=\"FlowWeb: drop listed reflectors\"");
        var text = lines.ToString();
        return new($"List the top {Math.Min(ReflectorsListed, attack.TopSources.Count)} reflectors for {ban}",
            $"puts the busiest reflectors in the address list {ReflectorList} (entries expire after {ban}) and drops what they send; the raw rule is needed once.",
            text, text, Recommended: false);
    }

    private static MitigationOption DropProtocol(Target t, AttackType vector, string comment)
    {
        var (match, what) = vector switch
        {
            AttackType.FragmentFlood => ("fragment=yes", "IP fragments"),
            AttackType.IcmpFlood => (t.IsIPv6 ? "protocol=icmpv6" : "protocol=icmp", t.IsIPv6 ? "ICMPv6" : "ICMP"),
            _ => ("protocol=udp", "UDP"),
        };
        var rule = $"/{t.Menu} firewall raw add chain=prerouting {match} dst-address={t.Text} action=drop comment=\"{comment}\"";
        return new($"Drop {what} to {t.Text}",
            $"drops {what} to the victim in the raw table, before connection tracking; its other traffic flows on. Remove it when the attack is over.",
            rule, rule, Recommended: true);
    }

    private static MitigationOption Blackhole(Target t, string ban, string comment, bool recommended)
    {
        var v7 = $"/{t.Menu} route add dst-address={t.Prefix} blackhole comment=\"{comment}\"";
        var v6 = t.IsIPv6
            ? $"/ipv6 route add dst-address={t.Prefix} type=unreachable comment=\"{comment}\""
            : $"/ip route add dst-address={t.Prefix} type=blackhole comment=\"{comment}\"";
        var list = $"\n# or, dropped by the raw rules of the address list (entry expires after {ban}):\n" +
                   $"/{t.Menu} firewall address-list add list={DefaultList} address={t.Text} timeout={ban} comment=\"{comment}\"\n" +
                   $"/{t.Menu} firewall raw add chain=prerouting dst-address-list={DefaultList} action=drop comment=\"FlowWeb: drop traffic to attacked hosts\"";
        return new($"Blackhole {t.Text} on this router",
            "drops everything to the victim here: the attack stops at this router, and so does the victim's service. The upstream link still carries the flood; RTBH stops it there." +
            (t.IsIPv6 ? " RouterOS v6 has no IPv6 blackhole routes; an unreachable route drops the traffic too (and answers with ICMPv6)." : ""),
            v7 + list, v6 + list, recommended);
    }

    private static MitigationOption Rtbh(Target t, string comment)
    {
        var v7 = $"/{t.Menu} route add dst-address={t.Prefix} blackhole comment=\"{comment}\"\n" +
                 $"/routing filter rule add chain=flowweb-rtbh rule=\"if (dst == {t.Prefix}) {{ set bgp-communities 65535:666; accept }}\" comment=\"{comment}\"\n" +
                 "# once, on the session to an upstream that honours BLACKHOLE: /routing bgp connection set <upstream> output.redistribute=static output.filter-chain=flowweb-rtbh";
        var v6 = t.IsIPv6
            ? $"/ipv6 route add dst-address={t.Prefix} type=unreachable bgp-communities=65535:666 comment=\"{comment}\"\n/routing bgp network add network={t.Prefix} synchronize=no comment=\"{comment}\""
            : $"/ip route add dst-address={t.Prefix} type=blackhole bgp-communities=65535:666 comment=\"{comment}\"\n/routing bgp network add network={t.Prefix} synchronize=no comment=\"{comment}\"";
        return new("Remotely triggered blackhole (RTBH)",
            "announces the victim to the upstream with the BLACKHOLE community 65535:666 (RFC 7999): the provider drops the flood before it reaches the uplink. Needs a BGP session to a provider that accepts it (many want their own community too; ask them).",
            v7, v6, Recommended: false);
    }

    private static MitigationOption Quarantine(Target t, string ban, string comment)
    {
        var text = $"/{t.Menu} firewall address-list add list={DefaultList} address={t.Text} timeout={ban} comment=\"{comment}\"\n" +
                   $"/{t.Menu} firewall raw add chain=prerouting src-address-list={DefaultList} action=drop comment=\"FlowWeb: drop traffic from listed hosts\"";
        return new($"Quarantine {t.Text} for {ban}",
            "a protected host is sending the flood (a compromised machine, or an abused service): its traffic is dropped as it enters the router until the entry expires. Find out why before removing it.",
            text, text, Recommended: true);
    }

    /// <summary>The victim as RouterOS wants it: the menu (ip or ipv6), the address alone, and as a host or network prefix.</summary>
    private sealed record Target(string Text, string Prefix, bool IsIPv6)
    {
        public string Menu => IsIPv6 ? "ipv6" : "ip";

        public static Target Parse(string victim)
        {
            var ipv6 = victim.Contains(':', StringComparison.Ordinal);
            var prefix = victim.Contains('/', StringComparison.Ordinal) ? victim : victim + (ipv6 ? "/128" : "/32");
            return new Target(victim, prefix, ipv6);
        }
    }
}

using System.Globalization;

namespace FlowWeb.Core.Channels;

/// <summary>A standard group: the channel it gets when set to Yes.</summary>
public sealed record StandardGroupInfo(StandardChannelGroup Group, int ChannelId, string Name);

/// <summary>A named protocol of a standard group: the channel it gets when its group is set to Detail, and what it matches.</summary>
public sealed record StandardProtocol(int ChannelId, string Name, StandardChannelGroup Group, string Description);

/// <summary>
/// FlowWeb's own map of ports and IP protocols to the standard groups (not PRTG's, whose lists are not published);
/// documented in STANDARD_CHANNELS.md, which must change with it. Channel ids are fixed: group g has id 100·(g+1)
/// and its protocols the ids just above it. A TCP or UDP flow matches an entry when its source or destination port
/// is listed for that transport; when both ports are listed, the lower port decides, so that both directions of a
/// conversation land in the same channel.
/// </summary>
public static class StandardChannelMap
{
    public const int OtherTcpChannelId = 901;
    public const int OtherUdpChannelId = 902;

    public static IReadOnlyList<StandardGroupInfo> Groups { get; } =
    [
        new(StandardChannelGroup.Web, 100, "Web"),
        new(StandardChannelGroup.FileTransfer, 200, "File Transfer"),
        new(StandardChannelGroup.Mail, 300, "Mail"),
        new(StandardChannelGroup.Chat, 400, "Chat"),
        new(StandardChannelGroup.RemoteControl, 500, "Remote Control"),
        new(StandardChannelGroup.Infrastructure, 600, "Infrastructure"),
        new(StandardChannelGroup.NetBios, 700, "NetBIOS"),
        new(StandardChannelGroup.Citrix, 800, "Citrix"),
        new(StandardChannelGroup.OtherProtocols, 900, "Other Protocols"),
    ];

    private static readonly Entry[] Entries =
    [
        new(101, "HTTP", StandardChannelGroup.Web, Tcp: "80"),
        new(102, "HTTPS", StandardChannelGroup.Web, Tcp: "443", Udp: "443"),
        new(103, "HTTP alternate", StandardChannelGroup.Web, Tcp: "8000,8080,8443"),

        new(201, "FTP", StandardChannelGroup.FileTransfer, Tcp: "20,21"),
        new(202, "TFTP", StandardChannelGroup.FileTransfer, Udp: "69"),
        new(203, "FTPS", StandardChannelGroup.FileTransfer, Tcp: "989,990"),
        new(204, "rsync", StandardChannelGroup.FileTransfer, Tcp: "873"),
        new(205, "BitTorrent", StandardChannelGroup.FileTransfer, Tcp: "6881-6889", Udp: "6881-6889"),

        new(301, "SMTP", StandardChannelGroup.Mail, Tcp: "25,465,587"),
        new(302, "POP3", StandardChannelGroup.Mail, Tcp: "110,995"),
        new(303, "IMAP", StandardChannelGroup.Mail, Tcp: "143,993"),

        new(401, "IRC", StandardChannelGroup.Chat, Tcp: "194,6660-6669,6697"),
        new(402, "AIM", StandardChannelGroup.Chat, Tcp: "5190"),
        new(403, "XMPP", StandardChannelGroup.Chat, Tcp: "5222,5223,5269"),
        new(404, "Matrix", StandardChannelGroup.Chat, Tcp: "8448"),

        new(501, "SSH", StandardChannelGroup.RemoteControl, Tcp: "22"),
        new(502, "Telnet", StandardChannelGroup.RemoteControl, Tcp: "23"),
        new(503, "RDP", StandardChannelGroup.RemoteControl, Tcp: "3389", Udp: "3389"),
        new(504, "VNC", StandardChannelGroup.RemoteControl, Tcp: "5900-5903"),
        new(505, "TeamViewer", StandardChannelGroup.RemoteControl, Tcp: "5938", Udp: "5938"),
        new(506, "AnyDesk", StandardChannelGroup.RemoteControl, Tcp: "7070"),

        new(601, "DNS", StandardChannelGroup.Infrastructure, Tcp: "53", Udp: "53"),
        new(602, "DHCP", StandardChannelGroup.Infrastructure, Udp: "67,68,546,547"),
        new(603, "Ident", StandardChannelGroup.Infrastructure, Tcp: "113"),
        new(604, "SNMP", StandardChannelGroup.Infrastructure, Udp: "161,162"),
        new(605, "NTP", StandardChannelGroup.Infrastructure, Udp: "123"),
        new(606, "Syslog", StandardChannelGroup.Infrastructure, Udp: "514"),
        new(607, "ICMP", StandardChannelGroup.Infrastructure, IpProtocol: 1),
        new(608, "ICMPv6", StandardChannelGroup.Infrastructure, IpProtocol: 58),
        new(609, "BGP", StandardChannelGroup.Infrastructure, Tcp: "179"),
        new(610, "OSPF", StandardChannelGroup.Infrastructure, IpProtocol: 89),
        new(611, "LDAP", StandardChannelGroup.Infrastructure, Tcp: "389,636", Udp: "389"),
        new(612, "Kerberos", StandardChannelGroup.Infrastructure, Tcp: "88", Udp: "88"),
        new(613, "Flow export", StandardChannelGroup.Infrastructure, Tcp: "4739", Udp: "2055,4739,6343,9995"),

        new(701, "NetBIOS", StandardChannelGroup.NetBios, Tcp: "137-139", Udp: "137-139"),
        new(702, "SMB", StandardChannelGroup.NetBios, Tcp: "445"),

        new(801, "ICA", StandardChannelGroup.Citrix, Tcp: "1494", Udp: "1494"),
        new(802, "CGP", StandardChannelGroup.Citrix, Tcp: "2598", Udp: "2598"),
    ];

    /// <summary>Every named protocol, in channel-id order.</summary>
    public static IReadOnlyList<StandardProtocol> Protocols { get; } =
        [.. Entries.Select(e => new StandardProtocol(e.ChannelId, e.Name, e.Group, e.Describe()))];

    // Entry numbers are Protocols index + 1, so 0 means "not in the map". Built once.
    internal static readonly PortEntries TcpPortEntry = new();
    internal static readonly PortEntries UdpPortEntry = new();
    internal static readonly byte[] IpProtocolEntry = BuildTables();

    private static byte[] BuildTables()
    {
        var ipProtocols = new byte[256];
        for (var i = 0; i < Entries.Length; i++)
        {
            var entry = Entries[i];
            var number = (byte)(i + 1);
            Fill(TcpPortEntry, entry.Tcp, number, entry.Name);
            Fill(UdpPortEntry, entry.Udp, number, entry.Name);
            if (entry.IpProtocol != 0)
            {
                ipProtocols[entry.IpProtocol] = number;
            }
        }

        return ipProtocols;
    }

    private static void Fill(PortEntries table, string? ports, byte number, string name)
    {
        foreach (var (first, last) in ParsePorts(ports))
        {
            for (var port = first; port <= last; port++)
            {
                if (table[port] != 0)
                {
                    throw new InvalidOperationException($"Port {port} of {name} is already mapped to {Entries[table[port] - 1].Name}.");
                }

                table.Set(port, number);
            }
        }
    }

    private static IEnumerable<(int First, int Last)> ParsePorts(string? ports)
    {
        foreach (var part in (ports ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = int.Parse(dash < 0 ? part : part[..dash], CultureInfo.InvariantCulture);
            yield return (first, dash < 0 ? first : int.Parse(part[(dash + 1)..], CultureInfo.InvariantCulture));
        }
    }

    private sealed record Entry(int ChannelId, string Name, StandardChannelGroup Group, string? Tcp = null, string? Udp = null, byte IpProtocol = 0)
    {
        public string Describe()
        {
            if (IpProtocol != 0)
            {
                return $"IP protocol {IpProtocol.ToString(CultureInfo.InvariantCulture)}";
            }

            string Spaced(string ports) => ports.Replace(",", ", ", StringComparison.Ordinal);
            return Tcp == Udp ? $"TCP/UDP {Spaced(Tcp!)}"
                : Udp is null ? $"TCP {Spaced(Tcp!)}"
                : Tcp is null ? $"UDP {Spaced(Udp)}"
                : $"TCP {Spaced(Tcp)}; UDP {Spaced(Udp)}";
        }
    }
}

using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Demo;

/// <summary>Builds the flow records of the demo network: both directions of a conversation, with the router's interfaces, next hop and NAT.</summary>
internal static class DemoFlows
{
    public const byte Icmp = 1;
    public const byte Tcp = 6;
    public const byte Udp = 17;

    /// <summary>TCP flags of a whole connection (SYN, PSH, ACK, FIN) and of one still running (PSH, ACK).</summary>
    public const ushort TcpComplete = 0x1B;
    public const ushort TcpRunning = 0x18;

    /// <summary>DSCP EF in the ToS byte, as real-time media is marked.</summary>
    public const byte ExpeditedForwarding = 46 << 2;

    /// <summary>Where a conversation runs: a LAN host with the Internet, a LAN host with the router, or the router with the Internet.</summary>
    public enum Path
    {
        LanToInternet,
        LanToRouter,
        RouterToInternet,
    }

    /// <summary>
    /// Writes the two records of a conversation into <paramref name="into"/> (client to server first) and returns 2.
    /// Bytes are split by <paramref name="clientShare"/>; packets follow from the mean packet size.
    /// </summary>
    public static int Conversation(Span<FlowRecord> into, Path path, FlowAddress client, ushort clientPort, FlowAddress server, ushort serverPort,
        byte protocol, long bytes, double clientShare, int meanPacketBytes, long startMs, long endMs, byte tos = 0, bool running = false)
    {
        var up = Math.Max(40, (long)(bytes * clientShare));
        var down = Math.Max(40, bytes - up);
        var flags = protocol == Tcp ? (running ? TcpRunning : TcpComplete) : (ushort)0;

        // ICMP carries type and code in the destination port: echo request 8/0 one way, echo reply 0/0 back.
        var (requestPort, replyPort) = protocol == Icmp ? ((ushort)0x0800, (ushort)0) : (serverPort, clientPort);
        var (replySource, requestSource) = protocol == Icmp ? ((ushort)0, (ushort)0) : (serverPort, clientPort);

        var (clientSide, serverSide) = path switch
        {
            Path.LanToInternet => (DemoNetwork.LanInterface, DemoNetwork.WanInterface),
            Path.LanToRouter => (DemoNetwork.LanInterface, DemoNetwork.RouterItself),
            _ => (DemoNetwork.RouterItself, DemoNetwork.WanInterface),
        };

        into[0] = Record(client, requestSource, server, requestPort, protocol, up, meanPacketBytes, startMs, endMs, clientSide, serverSide, flags, tos);
        into[1] = Record(server, replySource, client, replyPort, protocol, down, meanPacketBytes, startMs, endMs, serverSide, clientSide, flags, tos);
        if (path == Path.LanToInternet && client.IsIPv4)
        {
            // Masquerade on ether1: the ISP sees the router's WAN address.
            into[0].PostNatSrcAddr = DemoNetwork.WanAddress;
            into[0].PostNatSrcPort = requestSource;
            into[0].PostNatDstAddr = server;
            into[0].PostNatDstPort = requestPort;
            into[1].PostNatSrcAddr = server;
            into[1].PostNatSrcPort = replySource;
            into[1].PostNatDstAddr = client;
            into[1].PostNatDstPort = replyPort;
        }

        return 2;
    }

    private static FlowRecord Record(FlowAddress source, ushort sourcePort, FlowAddress destination, ushort destinationPort, byte protocol,
        long bytes, int meanPacketBytes, long startMs, long endMs, uint inInterface, uint outInterface, ushort tcpFlags, byte tos) => new()
        {
            SrcAddr = source,
            DstAddr = destination,
            SrcPort = sourcePort,
            DstPort = destinationPort,
            Protocol = protocol,
            Bytes = (ulong)bytes,
            Packets = (ulong)Math.Max(1, bytes / Math.Max(40, meanPacketBytes)),
            StartMs = startMs,
            EndMs = endMs,
            InIf = inInterface,
            OutIf = outInterface,
            NextHop = outInterface == DemoNetwork.WanInterface && source.IsIPv4 ? DemoNetwork.IspGateway : default,
            TcpFlags = tcpFlags,
            Tos = tos,
            SamplingRate = 1,
            Direction = FlowRecord.DirectionUnknown,
        };
}

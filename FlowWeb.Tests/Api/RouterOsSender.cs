using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Api;

/// <summary>A simulated RouterOS 7 NetFlow v9 exporter (or NetFlow v5, which carries AS numbers) sending real datagrams to a port on 127.0.0.1.</summary>
internal sealed class RouterOsSender(int port, DateTimeOffset now, bool netFlowV5 = false) : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly FlowExporterSimulator _exporter = netFlowV5
        ? RouterOsExporters.NetFlowV5(now.AddDays(-1).ToUnixTimeMilliseconds())
        : RouterOsExporters.Ros7NetFlowV9(now.AddDays(-1).ToUnixTimeMilliseconds());

    public long NowMs { get; } = now.ToUnixTimeMilliseconds();

    /// <summary>A flow that ended just now and lasted a second.</summary>
    public FlowRecord Flow(string source, ushort sourcePort, string destination, ushort destinationPort, byte protocol, ulong bytes, ulong packets) => new()
    {
        SrcAddr = FlowAddress.Parse(source),
        DstAddr = FlowAddress.Parse(destination),
        SrcPort = sourcePort,
        DstPort = destinationPort,
        Protocol = protocol,
        Bytes = bytes,
        Packets = packets,
        StartMs = NowMs - 1000,
        EndMs = NowMs,
        InIf = 2,
        OutIf = 1,
        SamplingRate = 1,
    };

    /// <summary>Encodes the records (templates first) and sends every datagram; returns how many.</summary>
    public async Task<int> SendAsync(FlowRecord[] records)
    {
        var datagrams = new List<byte[]>();
        var buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];
        _exporter.ExportAll(records, NowMs, buffer, d => datagrams.Add(d.ToArray()));
        foreach (var datagram in datagrams)
        {
            await _socket.SendToAsync(datagram, new IPEndPoint(IPAddress.Loopback, port));
        }

        return datagrams.Count;
    }

    public void Dispose() => _socket.Dispose();
}

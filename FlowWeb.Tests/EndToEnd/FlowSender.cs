using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// A simulated RouterOS 7 exporter (NetFlow v9, the project's encoder) sending real datagrams from a chosen
/// loopback address to 127.0.0.1. Only ever sends to 127.0.0.1.
/// </summary>
internal sealed class FlowSender : IDisposable
{
    private readonly UdpClient _client;
    private readonly FlowExporterSimulator _exporter;
    private readonly byte[] _buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];

    /// <param name="source">The exporter's address, in 127.0.0.0/8 (Linux lets a socket bind any of them).</param>
    /// <param name="templatesOnce">Templates only in the very first datagram (a router that will not resend them for a long time).</param>
    public FlowSender(string source = "127.0.0.1", bool templatesOnce = false)
        : this(source, RouterOsExporters.Ros7NetFlowV9(DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds()), templatesOnce)
    {
    }

    /// <summary>A sender that exports with <paramref name="exporter"/> (another version or observation domain).</summary>
    public FlowSender(string source, FlowExporterSimulator exporter, bool templatesOnce = false)
    {
        _exporter = exporter;
        _client = new UdpClient(new IPEndPoint(IPAddress.Parse(source), 0));
        if (templatesOnce)
        {
            _exporter.TemplateRefreshPackets = 0;
            _exporter.TemplateRefreshInterval = TimeSpan.Zero;
        }
    }

    /// <summary>Every datagram sent so far, in order.</summary>
    public List<byte[]> Sent { get; } = [];

    public async Task SendAsync(int port, IReadOnlyList<FlowRecord> records)
    {
        var destination = new IPEndPoint(IPAddress.Loopback, port);
        foreach (var datagram in Encode(records))
        {
            await _client.SendAsync(datagram, destination);
            Sent.Add(datagram);
        }
    }

    /// <summary>
    /// Sends a small flow (ICMP between two documentation addresses) until <paramref name="counted"/> says a sensor
    /// took it: a receive loop may still hold the routing table from before a sensor was added for one receive
    /// timeout, and a datagram it routes with the old table reaches no sensor. At most three tries.
    /// </summary>
    public async Task PrimeAsync(int port, Func<bool> counted)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await SendAsync(port, [Flow("192.0.2.1", 0, "192.0.2.2", 0, 1, 84, 1)]);
            var deadline = DateTime.UtcNow.AddSeconds(1.5);
            while (DateTime.UtcNow < deadline)
            {
                if (counted())
                {
                    return;
                }

                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"No sensor on UDP port {port} counted a flow in three tries.");
    }

    private List<byte[]> Encode(IReadOnlyList<FlowRecord> records)
    {
        var datagrams = new List<byte[]>();
        ReadOnlySpan<FlowRecord> remaining = [.. records];
        var exportMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < 1000 && !remaining.IsEmpty; i++)
        {
            var length = _exporter.WriteDatagram(remaining, exportMs, _buffer, out var consumed);
            datagrams.Add(_buffer[..length]);
            remaining = remaining[consumed..];
        }

        return datagrams;
    }

    /// <summary>One flow that ended <paramref name="endedSecondsAgo"/> seconds ago after lasting <paramref name="seconds"/>.</summary>
    public static FlowRecord Flow(string source, ushort sourcePort, string destination, ushort destinationPort, byte protocol,
        ulong bytes, ulong packets, int endedSecondsAgo = 1, int seconds = 20)
    {
        var end = DateTimeOffset.UtcNow.AddSeconds(-endedSecondsAgo).ToUnixTimeMilliseconds();
        return new FlowRecord
        {
            SrcAddr = FlowAddress.Parse(source),
            DstAddr = FlowAddress.Parse(destination),
            SrcPort = sourcePort,
            DstPort = destinationPort,
            Protocol = protocol,
            Bytes = bytes,
            Packets = packets,
            StartMs = end - (seconds * 1000L),
            EndMs = end,
            SamplingRate = 1,
            Direction = FlowRecord.DirectionUnknown,
        };
    }

    /// <summary>
    /// Office-like traffic over the last nine minutes (web, DNS, SSH, mail, other), seeded so that graphs and
    /// screenshots look the same each run. Hosts are 10.0.0.x talking to 198.51.100.x.
    /// </summary>
    public static List<FlowRecord> OfficeTraffic(int seed = 7)
    {
        var random = new Random(seed);
        (ushort Port, byte Protocol, int Scale)[] services = [(443, 6, 700_000), (80, 6, 250_000), (53, 17, 60_000), (22, 6, 300_000), (993, 6, 180_000), (5060, 17, 350_000)];
        var flows = new List<FlowRecord>();
        for (var minute = 9; minute >= 1; minute--)
        {
            foreach (var (port, protocol, scale) in services)
            {
                var wave = 1 + (0.6 * Math.Sin((minute + port) / 2.0));
                var bytes = (ulong)(scale * wave * (0.7 + (random.NextDouble() * 0.6)));
                flows.Add(Flow($"10.0.0.{random.Next(2, 40)}", (ushort)random.Next(40_000, 60_000), $"198.51.100.{random.Next(1, 30)}", port, protocol,
                    bytes, Math.Max(1, bytes / 900), endedSecondsAgo: (minute - 1) * 60 + 2, seconds: 58));
            }
        }

        return flows;
    }

    public void Dispose() => _client.Dispose();
}

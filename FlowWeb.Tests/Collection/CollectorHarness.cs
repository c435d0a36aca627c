using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowWeb.Tests.Collection;

/// <summary>
/// A real collector on free UDP ports of 127.0.0.1 with the in-memory sensor store, and senders bound to other
/// loopback addresses (127.0.0.2, .3...) so that sensors can tell exporters apart. Everything is closed on dispose.
/// </summary>
internal sealed class CollectorHarness : IDisposable
{
    public CollectorHarness(AggregationOptions? runtimeOptions = null)
    {
        DefaultPort = FreeUdpPort();
        Options = new CollectorOptions { DefaultPort = DefaultPort, SFlowPort = 0, BindAddress = "0.0.0.0", ReceiveBufferBytes = 4 * 1024 * 1024 };
        Decoder = new FlowDecoder();
        Collector = new FlowCollector(Decoder, Options, runtimeOptions ?? new AggregationOptions(), Status, TimeProvider.System,
            NullLogger<FlowCollector>.Instance);
        Store = new InMemorySensorStore();
        Service = new SensorService(Store, Collector, new SensorValidator(new PortAvailability(Collector, Options)));
        Collector.Apply([]);
    }

    public CollectorStatus Status { get; } = new();

    public int DefaultPort { get; }

    public CollectorOptions Options { get; }

    public FlowDecoder Decoder { get; }

    public FlowCollector Collector { get; }

    public InMemorySensorStore Store { get; }

    public SensorService Service { get; }

    /// <summary>Whether nothing holds <paramref name="port"/> on any address (a plain socket may bind it).</summary>
    public static bool CanBind(int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A UDP port no other test of this run was given (see <see cref="Web.LoopbackPorts"/>).</summary>
    public static int FreeUdpPort() => Web.LoopbackPorts.FreeUdp();

    public async Task<SensorDefinition> AddSensorAsync(SensorDefinition sensor)
    {
        var result = await Service.SaveSensorAsync(sensor);
        Assert.True(result.Saved, string.Join("; ", result.Errors));
        return sensor;
    }

    /// <summary>Sends datagrams from <paramref name="source"/> (a 127.x address) to a port of the collector.</summary>
    public static void Send(string source, int port, IEnumerable<byte[]> datagrams)
    {
        using var client = new UdpClient(new IPEndPoint(IPAddress.Parse(source), 0));
        foreach (var datagram in datagrams)
        {
            client.Send(datagram, datagram.Length, new IPEndPoint(IPAddress.Loopback, port));
        }
    }

    /// <summary>NetFlow v5 datagrams carrying <paramref name="records"/> (30 per datagram).</summary>
    public static List<byte[]> V5(IReadOnlyList<FlowRecord> records, ushort samplingInterval = 0)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var exporter = RouterOsExporters.NetFlowV5(now - 3_600_000);
        if (samplingInterval > 0)
        {
            exporter.V5!.SamplingMode = NetFlowV5SamplingMode.Deterministic;
            exporter.V5.SamplingInterval = samplingInterval;
        }

        var datagrams = new List<byte[]>();
        var buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];
        exporter.ExportAll(records.ToArray(), now, buffer, d => datagrams.Add(d.ToArray()));
        return datagrams;
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; fails the test with <paramref name="what"/> otherwise.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int timeoutMs = 5000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"Timed out after {timeoutMs} ms waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    public static FlowRecord Flow(string src, string dst, ushort srcPort, ushort dstPort, byte protocol, ulong bytes, ulong packets, long endMs, long durationMs = 0) => new()
    {
        SrcAddr = FlowAddress.Parse(src),
        DstAddr = FlowAddress.Parse(dst),
        SrcPort = srcPort,
        DstPort = dstPort,
        Protocol = protocol,
        Bytes = bytes,
        Packets = packets,
        StartMs = endMs - durationMs,
        EndMs = endMs,
        NextHop = FlowAddress.Parse("0.0.0.0"),
        SamplingRate = 1,
        Direction = FlowRecord.DirectionUnknown,
    };

    public void Dispose()
    {
        Collector.Dispose();
        Service.Dispose();
    }
}

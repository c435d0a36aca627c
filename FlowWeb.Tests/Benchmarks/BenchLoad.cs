using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Benchmarks;

/// <summary>
/// Simulated RouterOS 7 routers (NetFlow v9 from the project's encoder), one per exporter address 127.0.0.x,
/// all sending to one collector port on 127.0.0.1 at a paced total rate, on a thread of their own. Records
/// come from <see cref="SyntheticTraffic"/> with their times moved to the moment they are sent, so graphs
/// show current traffic; each router keeps its own sequence numbers and template refreshes. A run is bounded
/// in time and in flows. Marker flows go out through the router of their sensor, stamped just before the send.
/// </summary>
internal sealed class BenchLoad : IDisposable
{
    /// <summary>Records kept per router and sent round and round.</summary>
    private const int PoolSize = 20_000;

    /// <summary>A run that falls this far behind its schedule skips ahead instead of bursting (what is offered is counted, not assumed).</summary>
    private const double MaxBacklogSeconds = 0.5;

    private readonly Router[] _routers;
    private readonly ConcurrentQueue<Marker> _markers = new();
    private readonly byte[] _buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];

    public BenchLoad(IReadOnlyList<string> exporterAddresses, int port)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _routers = [.. exporterAddresses.Select((address, i) => new Router(address, port, seed: 100 + i, now))];
    }

    /// <summary>Flows sent so far, markers included.</summary>
    public long FlowsSent => Interlocked.Read(ref _flowsSent);

    private long _flowsSent;

    /// <summary>
    /// Sends <paramref name="flowsPerSecond"/> in total, spread evenly over the routers, until
    /// <paramref name="duration"/> has passed or <paramref name="stop"/> is cancelled; at most
    /// <c>flowsPerSecond × duration</c> flows. Returns the flows sent and the seconds it took.
    /// </summary>
    public Task<(long Flows, double Seconds)> RunAsync(int flowsPerSecond, TimeSpan duration, CancellationToken stop) =>
        DedicatedThread.Run("bench-load", () => Run(flowsPerSecond, duration, stop));

    /// <summary>Queues a flow for router <paramref name="router"/>; the task gives the time just before its datagram was sent.</summary>
    public Task<DateTimeOffset> SendMarkerAsync(int router, FlowRecord flow)
    {
        var marker = new Marker(router, flow, new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously));
        _markers.Enqueue(marker);
        return marker.SentAt.Task;
    }

    private (long Flows, double Seconds) Run(int flowsPerSecond, TimeSpan duration, CancellationToken stop)
    {
        var maxFlows = (long)(flowsPerSecond * duration.TotalSeconds);
        var clock = Stopwatch.StartNew();
        long flows = 0, scheduled = 0;
        var next = 0;
        while (flows < maxFlows && clock.Elapsed < duration && !stop.IsCancellationRequested)
        {
            SendMarkers();
            var due = Math.Min(maxFlows, (long)(clock.Elapsed.TotalSeconds * flowsPerSecond));
            if (due - scheduled > flowsPerSecond * MaxBacklogSeconds)
            {
                scheduled = due - (long)(flowsPerSecond * MaxBacklogSeconds);
            }

            while (scheduled < due)
            {
                var sent = _routers[next].SendOne(_buffer);
                next = (next + 1) % _routers.Length;
                scheduled += sent;
                flows += sent;
                Interlocked.Add(ref _flowsSent, sent);
            }

            Thread.Sleep(1);
        }

        SendMarkers();
        CancelMarkers();
        return (flows, clock.Elapsed.TotalSeconds);
    }

    private void SendMarkers()
    {
        while (_markers.TryDequeue(out var marker))
        {
            marker.SentAt.SetResult(_routers[marker.Router].SendMarker(marker.Flow, _buffer));
            Interlocked.Increment(ref _flowsSent);
        }
    }

    public void Dispose()
    {
        foreach (var router in _routers)
        {
            router.Dispose();
        }

        CancelMarkers();
    }

    /// <summary>Markers go out only while a run sends; one queued outside a run fails instead of waiting for the next.</summary>
    private void CancelMarkers()
    {
        while (_markers.TryDequeue(out var marker))
        {
            marker.SentAt.TrySetCanceled();
        }
    }

    private sealed record Marker(int Router, FlowRecord Flow, TaskCompletionSource<DateTimeOffset> SentAt);

    private sealed class Router : IDisposable
    {
        private readonly Socket _socket;
        private readonly FlowExporterSimulator _exporter;
        private readonly FlowRecord[] _pool = new FlowRecord[PoolSize];
        private readonly FlowRecord[] _batch = new FlowRecord[64];
        private readonly long _filledAtMs;
        private int _next;

        public Router(string address, int port, int seed, long nowMs)
        {
            _filledAtMs = nowMs;
            SyntheticTraffic.Fill(_pool, seed, nowMs, internalHosts: 4096);
            // At most 200 packets a flow: the pool goes round every few seconds, and a heavy key must not outgrow
            // the markers (4 GB, the most RouterOS's 32-bit byte counter carries) within a toplist period.
            SyntheticTraffic.CapPackets(_pool, 200);

            _exporter = RouterOsExporters.Ros7NetFlowV9(nowMs - 86_400_000);
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { SendBufferSize = 1024 * 1024 };
            _socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
            _socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        }

        /// <summary>Sends one datagram of current records; returns the flows in it.</summary>
        public int SendOne(byte[] buffer)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var shift = now - _filledAtMs;
            for (var i = 0; i < _batch.Length; i++)
            {
                _batch[i] = _pool[(_next + i) % _pool.Length];
                _batch[i].StartMs += shift;
                _batch[i].EndMs += shift;
            }

            var length = _exporter.WriteDatagram(_batch, now, buffer, out var consumed);
            _socket.Send(buffer.AsSpan(0, length));
            _next = (_next + consumed) % _pool.Length;
            return consumed;
        }

        public DateTimeOffset SendMarker(FlowRecord flow, byte[] buffer)
        {
            var length = _exporter.WriteDatagram([flow], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), buffer, out _);
            var sentAt = DateTimeOffset.UtcNow;
            _socket.Send(buffer.AsSpan(0, length));
            return sentAt;
        }

        public void Dispose() => _socket.Dispose();
    }
}

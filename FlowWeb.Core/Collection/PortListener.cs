using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using Microsoft.Extensions.Logging;

namespace FlowWeb.Core.Collection;

/// <summary>
/// One UDP socket and its receive loop on a thread of its own: receive into pinned buffers (a burst per system
/// call on Linux), decode into a reused batch, hand the batch to the sensors the routing table names. Nothing is queued between these steps,
/// so nothing can be dropped inside the process; what the kernel drops when this loop falls behind is read
/// from /proc (<see cref="KernelDropCounter"/>). Bad data never ends the loop; problems are counted by the
/// decoder per exporter and reason, and logged at most once per exporter and problem a minute.
/// </summary>
public sealed partial class PortListener : IDisposable
{
    /// <summary>Covers the largest UDP payload (65,507 bytes over IPv4, 65,527 over IPv6 without jumbograms).</summary>
    private const int MaxDatagramBytes = 65_536;

    // Problem keys beside the decode statuses (a byte enum) in the log throttle.
    private const int LoopFaultProblem = 256;

    private readonly Socket[] _sockets;
    private readonly FlowDecoder _decoder;
    private readonly Lock _decoderLock;
    private readonly CollectorStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ProblemLogThrottle _throttle;
    private readonly Thread[] _threads;
    private SensorRoutes _routes = SensorRoutes.Empty;
    private readonly bool _batchReceive;
    private readonly int _nice;
    private readonly int[] _threadIds;
    private static int s_priorityRefusalLogged;
    private volatile bool _stopping;
    private long _datagrams;
    private long _unrouted;

    /// <param name="threads">Receive threads (sockets) for the port: the collector's <see cref="FlowCollector.ReceiveThreads"/>, which sizes the sensors' shards.</param>
    public PortListener(int port, int threads, CollectorOptions options, FlowDecoder decoder, Lock decoderLock, CollectorStatus status, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _sockets = OpenSockets(options, port, threads, out var fellBack);
        Port = port;
        FellBackToIPv4 = fellBack;
        LocalEndPoint = (IPEndPoint)_sockets[0].LocalEndPoint!;

        // Linux grants at most what it is allowed and then reports twice that (room for its own bookkeeping).
        ReceiveBufferBytes = OperatingSystem.IsLinux() ? _sockets[0].ReceiveBufferSize / 2 : _sockets[0].ReceiveBufferSize;
        _decoder = decoder;
        _decoderLock = decoderLock;
        _status = status;
        _time = time;
        _logger = logger;
        _throttle = new ProblemLogThrottle(time);
        _batchReceive = options.BatchReceive && LinuxMultiReceive.IsSupported;
        _nice = options.ReceiveThreadNice;
        _threadIds = new int[_sockets.Length];
        _threads = [.. _sockets.Select((socket, shard) => new Thread(() => ReceiveLoop(socket, shard))
        {
            IsBackground = true,
            Name = _sockets.Length == 1 ? $"flowweb-udp-{port}" : $"flowweb-udp-{port}-{shard}",
        })];
    }

    /// <summary>Receive threads (and sockets) of this port; each counts into its own shard of the port's sensors.</summary>
    public int Threads => _sockets.Length;

    /// <summary>
    /// One socket, or <paramref name="count"/> sockets sharing the port (<c>SO_REUSEPORT</c>). Before a group binds a
    /// fixed port, a plain socket checks it is free, so a port another process holds is refused as without sharing.
    /// </summary>
    private static Socket[] OpenSockets(CollectorOptions options, int port, int count, out bool fellBack)
    {
        if (count == 1)
        {
            var single = CollectorSocket.Open(options, port, out fellBack);
            single.ReceiveTimeout = 500;
            return [single];
        }

        if (port != 0)
        {
            CollectorSocket.Open(options, port, out _).Dispose();
        }

        var sockets = new List<Socket>(count);
        try
        {
            sockets.Add(CollectorSocket.Open(options, port, out fellBack, sharedPort: true));
            var bound = ((IPEndPoint)sockets[0].LocalEndPoint!).Port;
            while (sockets.Count < count)
            {
                sockets.Add(CollectorSocket.Open(options, bound, out _, sharedPort: true));
            }
        }
        catch
        {
            sockets.ForEach(s => s.Dispose());
            throw;
        }

        sockets.ForEach(s => s.ReceiveTimeout = 500);
        return [.. sockets];
    }

    public int Port { get; }

    public IPEndPoint LocalEndPoint { get; }

    public bool FellBackToIPv4 { get; }

    /// <summary>The receive buffer the kernel granted.</summary>
    public int ReceiveBufferBytes { get; }

    public long Datagrams => Interlocked.Read(ref _datagrams);

    /// <summary>The longest this listener's receive thread waited for a lock in the last minute.</summary>
    public LockWaits LockWaits { get; } = new();

    /// <summary>The operating system's ids of the receive threads (0 until a thread has started; Linux only).</summary>
    public IReadOnlyList<int> ThreadIds => _threadIds;

    /// <summary>Why a receive thread could not take <c>Collector:ReceiveThreadNice</c>; null when it did (or none was asked).</summary>
    public string? PriorityRefused { get; private set; }

    /// <summary>Datagrams that matched no sensor (they still feed exporter discovery).</summary>
    public long Unrouted => Interlocked.Read(ref _unrouted);

    /// <summary>The sensors this port's datagrams go to; swapped whole when sensors change.</summary>
    public SensorRoutes Routes
    {
        get => Volatile.Read(ref _routes);
        set
        {
            if (value.NeedsLocalAddress && !Volatile.Read(ref _routes).NeedsLocalAddress)
            {
                EnablePacketInformation();
            }

            Volatile.Write(ref _routes, value);
        }
    }

    public void Start()
    {
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    private void EnablePacketInformation()
    {
        try
        {
            foreach (var socket in _sockets)
            {
                if (socket.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.PacketInformation, true);
                }

                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
            }
        }
        catch (SocketException e)
        {
            LogPacketInfoUnavailable(_logger, Port, e.Message);
        }
    }

    private void LogProblem(FlowAddress exporter, DecodeResult result, int length)
    {
        var level = result.Status switch
        {
            // Data ahead of its template is normal for a few minutes after either side restarts.
            DecodeStatus.TemplateMissing => LogLevel.Information,

            // Some exporters always pad their datagrams; the records were decoded.
            DecodeStatus.TrailingBytes => LogLevel.Debug,
            _ => LogLevel.Warning,
        };
        if (_logger.IsEnabled(level) && _throttle.ShouldLog(exporter, (int)result.Status))
        {
            LogDecodeProblem(_logger, level, exporter, result.Status, result.Version, length);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        foreach (var thread in _threads.Where(t => t.IsAlive && t != Thread.CurrentThread))
        {
            thread.Join(TimeSpan.FromSeconds(2));
        }
    }

    [LoggerMessage(EventId = 5, Message = "Datagram from {Exporter}: {Problem} (version {Version}, {Length} bytes); more like it from this exporter are counted, not logged, for a minute")]
    private static partial void LogDecodeProblem(ILogger logger, LogLevel level, FlowAddress exporter, DecodeStatus problem, byte version, int length);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "UDP {Port}: handling a datagram from {Exporter} failed; the datagram is dropped and the loop goes on")]
    private static partial void LogLoopFault(ILogger logger, Exception exception, int port, FlowAddress exporter);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Receive threads keep the process's priority: Collector:ReceiveThreadNice {Nice} was refused ({Reason}); on a busy core other work can now delay receiving")]
    private static partial void LogPriorityRefused(ILogger logger, int nice, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "UDP {Port}: a receive thread waited {Milliseconds} ms for the lock of {Holder}; datagrams queued in the socket meanwhile (flowweb_receive_lock_wait_max_seconds)")]
    private static partial void LogLongWait(ILogger logger, int port, long milliseconds, string holder);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "UDP {Port}: cannot learn datagram destinations ({Reason}); sensors limited to receive addresses get nothing")]
    private static partial void LogPacketInfoUnavailable(ILogger logger, int port, string reason);
}

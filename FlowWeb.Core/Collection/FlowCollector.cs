using System.Net.Sockets;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Logging;

namespace FlowWeb.Core.Collection;

/// <summary>
/// Owns the UDP listeners and the running sensors. Listeners open and close as sensors need their ports (the
/// default port is always open, so unknown exporters are discovered); a sensor change rebuilds only the routing
/// tables and the sensors whose counting changed. One decoder serves every port, so templates and exporter
/// statistics are in one place.
/// </summary>
public sealed partial class FlowCollector : IDisposable
{
    private readonly CollectorOptions _options;
    private readonly SensorRuntimeOptions _runtimeOptions;
    private readonly CollectorStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger<FlowCollector> _logger;
    private readonly Lock _decoderLock = new();
    private readonly Lock _sync = new();
    private readonly Dictionary<int, PortListener> _listeners = [];
    private readonly Dictionary<int, string> _portErrors = [];
    private readonly Dictionary<int, long> _closedPortDrops = [];
    private readonly AttackDetection? _detection;
    private Dictionary<Guid, SensorRuntime> _sensors = [];
    private IReadOnlyList<SensorDefinition> _definitions = [];

    /// <param name="detection">Attack detection, fed by every sensor (null = none).</param>
    public FlowCollector(FlowDecoder decoder, CollectorOptions options, SensorRuntimeOptions runtimeOptions, CollectorStatus status, TimeProvider time, ILogger<FlowCollector> logger,
        AttackDetection? detection = null)
    {
        _detection = detection;
        Decoder = decoder;
        _options = options;
        _runtimeOptions = runtimeOptions;
        _status = status;
        _time = time;
        _logger = logger;
    }

    public FlowDecoder Decoder { get; }

    public int DefaultPort => _options.DefaultPort;

    /// <summary>Raised when a running sensor closes a toplist period (for history).</summary>
    public event Action<SensorRuntime, ToplistDefinition, ToplistPeriodResult>? ToplistPeriodClosed;

    /// <summary>Raised when a running sensor hands minutes over to history.</summary>
    public event Action<SensorRuntime, IReadOnlyList<ChannelMinute>>? MinutesClosed;

    /// <summary>Raised after the set of running sensors changed.</summary>
    public event Action? SensorsChanged;

    /// <summary>Runs <paramref name="read"/> under the decoder's lock (the receive loops decode under it).</summary>
    public T ReadDecoder<T>(Func<FlowDecoder, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_decoderLock)
        {
            return read(Decoder);
        }
    }

    public IReadOnlyCollection<SensorRuntime> Sensors => Volatile.Read(ref _sensors).Values;

    public SensorRuntime? Sensor(Guid id) => Volatile.Read(ref _sensors).GetValueOrDefault(id);

    public IReadOnlyList<PortListener> Listeners
    {
        get
        {
            lock (_sync)
            {
                return [.. _listeners.Values.OrderBy(l => l.Port)];
            }
        }
    }

    /// <summary>Why a port could not be opened, or null.</summary>
    public string? PortError(int port)
    {
        lock (_sync)
        {
            return _portErrors.GetValueOrDefault(port);
        }
    }

    public bool OwnsPort(int port)
    {
        lock (_sync)
        {
            return _listeners.ContainsKey(port);
        }
    }

    /// <summary>Datagrams the kernel dropped on our sockets because the receive buffer was full, by port, including sockets closed since.</summary>
    public IReadOnlyDictionary<int, long> KernelDrops()
    {
        var live = KernelDropCounter.ReadByPort();
        lock (_sync)
        {
            var result = new Dictionary<int, long>(_closedPortDrops);
            foreach (var (port, drops) in live)
            {
                if (_listeners.ContainsKey(port))
                {
                    result[port] = result.GetValueOrDefault(port) + drops;
                }
            }

            return result;
        }
    }

    /// <summary>Makes the running sensors and open ports match <paramref name="definitions"/>.</summary>
    public void Apply(IReadOnlyList<SensorDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        lock (_sync)
        {
            var now = _time.GetUtcNow();
            var previous = Volatile.Read(ref _sensors);
            var next = new Dictionary<Guid, SensorRuntime>();
            foreach (var d in definitions.Where(d => !d.Paused))
            {
                if (previous.TryGetValue(d.Id, out var running) && SensorShape.SameAggregation(running.Definition, d))
                {
                    running.Redefine(d);
                    next[d.Id] = running;
                    continue;
                }

                var runtime = new SensorRuntime(d, _runtimeOptions, now.ToUnixTimeSeconds(), _detection?.ShardFor(d, now.ToUnixTimeSeconds()));
                runtime.ToplistPeriodClosed += (s, t, r) => ToplistPeriodClosed?.Invoke(s, t, r);
                runtime.MinutesClosed += (s, m) => MinutesClosed?.Invoke(s, m);
                next[d.Id] = runtime;
            }

            _definitions = definitions;
            Volatile.Write(ref _sensors, next);
            Reconcile(next.Values);
            _detection?.Apply(next.Values.Select(s => s.Definition));
        }

        SensorsChanged?.Invoke();
    }

    /// <summary>Retries ports that could not be opened (another program may have let go of them).</summary>
    public void RetryFailedPorts()
    {
        lock (_sync)
        {
            if (_portErrors.Count > 0)
            {
                Reconcile(Volatile.Read(ref _sensors).Values);
            }
        }
    }

    /// <summary>Moves every sensor's clock on (live window, toplist periods, minutes for history) without data.</summary>
    public void Tick()
    {
        var now = _time.GetUtcNow();
        foreach (var sensor in Sensors)
        {
            sensor.Tick(now);
        }
    }

    /// <summary>
    /// Hands every sensor's open minutes and running toplist periods to history as they are (graceful shutdown:
    /// history gets everything in memory). Raises the same events as a normal close.
    /// </summary>
    public void DrainToHistory()
    {
        var now = _time.GetUtcNow();
        foreach (var sensor in Sensors)
        {
            var (minutes, periods) = sensor.Drain(now);
            if (minutes.Count > 0)
            {
                MinutesClosed?.Invoke(sensor, minutes);
            }

            foreach (var (definition, result) in periods)
            {
                ToplistPeriodClosed?.Invoke(sensor, definition, result);
            }
        }
    }

    private void Reconcile(IEnumerable<SensorRuntime> sensors)
    {
        var running = sensors.ToList();
        var wanted = running.Select(s => s.Definition.Port).Append(_options.DefaultPort).ToHashSet();
        foreach (var port in _listeners.Keys.Where(p => !wanted.Contains(p)).ToList())
        {
            Close(port);
        }

        foreach (var port in wanted.Where(p => !_listeners.ContainsKey(p)))
        {
            TryOpen(port);
        }

        foreach (var (port, listener) in _listeners)
        {
            listener.Routes = new SensorRoutes([.. running.Where(s => s.Definition.Port == port)]);
        }
    }

    private void TryOpen(int port)
    {
        try
        {
            var listener = new PortListener(port, _options, Decoder, _decoderLock, _status, _time, _logger);
            _listeners[port] = listener;
            _portErrors.Remove(port);
            if (listener.FellBackToIPv4)
            {
                LogIPv6Unavailable(_logger, listener.LocalEndPoint);
            }

            LogListening(_logger, listener.LocalEndPoint, listener.ReceiveBufferBytes, _options.ReceiveBufferBytes);
            if (listener.ReceiveBufferBytes < _options.ReceiveBufferBytes)
            {
                LogReceiveBufferCapped(_logger, listener.ReceiveBufferBytes, _options.ReceiveBufferBytes);
            }

            if (port == _options.DefaultPort)
            {
                _status.Bound(listener.LocalEndPoint);
            }

            listener.Start();
        }
        catch (SocketException e)
        {
            var error = e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"Cannot listen on UDP {_options.BindAddress} port {port}: it is in use by another program"
                : $"Cannot listen on UDP {_options.BindAddress} port {port}: {e.Message}";
            var firstTime = _portErrors.TryAdd(port, error);
            if (port == _options.DefaultPort)
            {
                _status.BindFailed(error);
            }

            if (firstTime)
            {
                LogCannotOpen(_logger, error);
            }
        }
    }

    private void Close(int port)
    {
        _closedPortDrops[port] = _closedPortDrops.GetValueOrDefault(port) + KernelDropCounter.ReadByPort().GetValueOrDefault(port);
        _listeners.Remove(port, out var listener);
        listener?.Dispose();
        LogClosed(_logger, port);
    }

    public void Dispose()
    {
        lock (_sync)
        {
            foreach (var listener in _listeners.Values)
            {
                listener.Dispose();
            }

            _listeners.Clear();
            _status.Closed();
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Listening for flows on UDP {Endpoint} (receive buffer {GrantedBytes} bytes, {RequestedBytes} requested)")]
    private static partial void LogListening(ILogger logger, System.Net.IPEndPoint endpoint, int grantedBytes, int requestedBytes);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The kernel granted a receive buffer of {GrantedBytes} bytes of the {RequestedBytes} requested (Collector:ReceiveBufferBytes); bursts may be dropped. Run as root or raise net.core.rmem_max (sysctl) to at least the requested size")]
    private static partial void LogReceiveBufferCapped(ILogger logger, int grantedBytes, int requestedBytes);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "IPv6 is not available on this host; listening on IPv4 only ({Endpoint})")]
    private static partial void LogIPv6Unavailable(ILogger logger, System.Net.IPEndPoint endpoint);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "{Error}; retrying every 10 s")]
    private static partial void LogCannotOpen(ILogger logger, string error);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Closed UDP port {Port}: no sensor needs it any more")]
    private static partial void LogClosed(ILogger logger, int port);
}

using FlowWeb.Core.Aggregation.Tables;
using System.Net.Sockets;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Logging;

namespace FlowWeb.Core.Collection;

/// <summary>
/// Owns the UDP listeners and the running sensors. Listeners open and close as sensors need their ports (the
/// default port is always open, so unknown exporters are discovered); a sensor change rebuilds only the routing
/// tables and the sensors whose counting changed. One decoder serves every port, so templates and exporter
/// statistics are in one place.
/// </summary>
public sealed partial class FlowCollector : ISensorRunner, IDisposable
{
    private readonly CollectorOptions _options;
    private readonly AggregationOptions _runtimeOptions;
    private readonly CollectorStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger<FlowCollector> _logger;
    private readonly Lock _decoderLock = new();
    private readonly Lock _sync = new();
    private readonly Dictionary<int, PortListener> _listeners = [];
    private readonly Dictionary<int, string> _portErrors = [];
    private bool _portsHeld;
    private readonly Dictionary<int, long> _closedPortDrops = [];
    private Dictionary<Guid, SensorAggregator> _sensors = [];
    private readonly IReadOnlyList<IFlowObserverFactory> _observers;
    private readonly IpEnrichment _enrichment;
    private IReadOnlyList<SensorDefinition> _definitions = [];

    public FlowCollector(FlowDecoder decoder, CollectorOptions options, AggregationOptions runtimeOptions, CollectorStatus status, TimeProvider time,
        ILogger<FlowCollector> logger, IEnumerable<IFlowObserverFactory>? observers = null, IpEnrichment? enrichment = null)
    {
        Decoder = decoder;
        _options = options;
        _runtimeOptions = runtimeOptions;
        _status = status;
        _time = time;
        _logger = logger;
        _observers = [.. observers ?? []];
        _enrichment = enrichment ?? IpEnrichment.None;
        ToplistMemory = new TableBudget(runtimeOptions.MemoryBudgetBytes);
    }

    public FlowDecoder Decoder { get; }

    /// <summary>Receive threads per port (<c>Collector:ReceiveThreads</c>; one where the platform cannot share a port).</summary>
    public int ReceiveThreads => OperatingSystem.IsLinux() ? _options.ReceiveThreads : 1;

    /// <summary>The memory every sensor's toplist tables share (<c>Aggregation:MemoryBudgetBytes</c>).</summary>
    public TableBudget ToplistMemory { get; }

    public int DefaultPort => _options.DefaultPort;

    /// <summary>Seconds of per-second series a sensor keeps (<c>Aggregation:LiveWindowSeconds</c>).</summary>
    public int LiveWindowSeconds => _runtimeOptions.LiveWindowSeconds;

    /// <summary>The port kept open for sFlow (0 = none).</summary>
    public int SFlowPort => _options.SFlowPort;

    /// <summary>Raised when a running sensor closes a toplist period (for history).</summary>
    public event Action<SensorAggregator, ToplistDefinition, ToplistPeriodResult>? ToplistPeriodClosed;

    /// <summary>Raised when a running sensor hands minutes over to history.</summary>
    public event Action<SensorAggregator, IReadOnlyList<ChannelMinute>>? MinutesClosed;

    /// <summary>Raised after the set of running sensors changed.</summary>
    public event Action? SensorsChanged;

    /// <summary>Raised by <see cref="Tick"/> (on the tick's thread) with what it read of every running sensor.</summary>
    public event Action<CollectorTick>? Ticked;

    /// <summary>What the tick reads of each sensor beyond its counters; set by whoever publishes live frames.</summary>
    public ISensorInterest? Interest { get; set; }

    /// <summary>Runs <paramref name="read"/> under the decoder's lock (the receive loops decode under it).</summary>
    public T ReadDecoder<T>(Func<FlowDecoder, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_decoderLock)
        {
            return read(Decoder);
        }
    }

    public IReadOnlyCollection<SensorAggregator> Sensors => Volatile.Read(ref _sensors).Values;

    public SensorAggregator? Sensor(Guid id) => Volatile.Read(ref _sensors).GetValueOrDefault(id);

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
        Decoder.Limits.SetExpected(definitions.Select(d => FlowAddress.TryParse(d.SenderIp?.Trim(), out var a) ? a : FlowAddress.None).Where(a => !a.IsNone));
        lock (_sync)
        {
            var now = _time.GetUtcNow();
            var previous = Volatile.Read(ref _sensors);
            var next = new Dictionary<Guid, SensorAggregator>();
            foreach (var d in definitions.Where(d => !d.Paused))
            {
                if (previous.TryGetValue(d.Id, out var running) && SensorShape.SameAggregation(running.Definition, d))
                {
                    running.Redefine(d);
                    next[d.Id] = running;
                    continue;
                }

                // One shard per receive thread of the port (made when the thread first delivers to it).
                var runtime = new SensorAggregator(d, _runtimeOptions, now.ToUnixTimeSeconds(), ReceiveThreads, _observers, _enrichment, ToplistMemory);
                runtime.ToplistPeriodClosed += (s, t, r) => ToplistPeriodClosed?.Invoke(s, t, r);
                runtime.MinutesClosed += (s, m) => MinutesClosed?.Invoke(s, m);
                next[d.Id] = runtime;
            }

            _definitions = definitions;
            Volatile.Write(ref _sensors, next);
            Reconcile(next.Values);
            var runningSensors = next.Values.Select(s => s.Definition).ToList();
            foreach (var factory in _observers)
            {
                factory.Applied(runningSensors);
            }
        }

        SensorsChanged?.Invoke();
    }

    /// <summary>
    /// Keeps every port closed until <see cref="OpenPorts"/>; sensors applied meanwhile are ready to receive when it
    /// comes. The host holds the ports while it starts (see <see cref="CollectorService"/>).
    /// </summary>
    public void HoldPorts()
    {
        lock (_sync)
        {
            _portsHeld = true;
        }
    }

    /// <summary>Opens the ports of the applied sensors (and the default port) after <see cref="HoldPorts"/>.</summary>
    public void OpenPorts()
    {
        lock (_sync)
        {
            _portsHeld = false;
            Reconcile(Volatile.Read(ref _sensors).Values);
        }
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

    /// <summary>
    /// The once-a-second tick: moves every sensor's clock on (live window, toplist periods, minutes for history, also
    /// without data), reads what <see cref="Interest"/> asks for and raises <see cref="Ticked"/> with it. The receive
    /// threads' sensor locks are shared with this and nothing else.
    /// </summary>
    public CollectorTick Tick()
    {
        var now = _time.GetUtcNow();
        var interest = Interest;
        var readings = new List<SensorReading>(Sensors.Count);
        foreach (var sensor in Sensors)
        {
            try
            {
                readings.Add(sensor.Tick(now, interest?.For(sensor, now.ToUnixTimeSeconds()) ?? SensorInterest.Minimal));
            }
#pragma warning disable CA1031 // One failing sensor (or history subscriber) must not stop the clock of the others.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogTickFault(_logger, e, sensor.Definition.Name);
            }
        }

        var tick = new CollectorTick(now, readings);
        Ticked?.Invoke(tick);
        return tick;
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
            sensor.Drain(now);
        }
    }

    private void Reconcile(IEnumerable<SensorAggregator> sensors)
    {
        if (_portsHeld)
        {
            return;
        }

        var running = sensors.ToList();
        var wanted = running.Select(s => s.Definition.Port).Append(_options.DefaultPort).ToHashSet();
        if (_options.SFlowPort != 0)
        {
            wanted.Add(_options.SFlowPort);
        }
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
            var listener = new PortListener(port, ReceiveThreads, _options, Decoder, _decoderLock, _status, _time, _logger);
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

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "The collector's tick failed for sensor {Sensor}; its live data and history wait for the next tick")]
    private static partial void LogTickFault(ILogger logger, Exception exception, string sensor);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Closed UDP port {Port}: no sensor needs it any more")]
    private static partial void LogClosed(ILogger logger, int port);
}

/// <summary>One tick of the collector: when, and what it read of every running sensor.</summary>
public sealed record CollectorTick(DateTimeOffset At, IReadOnlyList<SensorReading> Sensors);

using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// The real collector in this process, wired as the app wires it: one sensor on a loopback port, the collector ticked
/// once a second (as <see cref="CollectorService"/> does) and, with detection on, the detection observer on the
/// receive path and <see cref="DetectionService"/> ticking detection 200 ms after each second. Without detection it
/// is the same collector minus those two parts, so the difference between the two is detection's cost.
/// </summary>
internal sealed class DetectingCollector : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly DetectionService? _service;
    private readonly Task _ticks;

    public DetectingCollector(bool detect, SensorDetectionSettings? settings = null, DetectionOptions? options = null, int receiveBufferBytes = 32 * 1024 * 1024)
    {
        if (detect)
        {
            Detection = new AttackDetection(Microsoft.Extensions.Options.Options.Create(options ?? new DetectionOptions()), TimeProvider.System, NullLogger<AttackDetection>.Instance);
            _service = new DetectionService(Detection, TimeProvider.System);
        }

        Port = FreePort();
        IFlowObserverFactory[] observers = Detection is null ? [] : [new DetectionObserverFactory(Detection, TimeProvider.System)];
        Collector = new FlowCollector(new FlowDecoder(), new CollectorOptions { DefaultPort = Port, BindAddress = "127.0.0.1", ReceiveBufferBytes = receiveBufferBytes },
            new AggregationOptions(), new CollectorStatus(), TimeProvider.System, NullLogger<FlowCollector>.Instance, observers);
        var definition = new SensorDefinition { Name = detect ? "detecting" : "plain", Port = Port, Detection = settings ?? new SensorDetectionSettings() };
        Collector.Apply([definition]);
        Sensor = Collector.Sensor(definition.Id)!;
        _service?.StartAsync(_stop.Token);
        _ticks = TickAsync(_stop.Token);
    }

    public FlowCollector Collector { get; }

    public SensorAggregator Sensor { get; }

    public AttackDetection? Detection { get; }

    public int Port { get; }

    private async Task TickAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                Collector.Tick();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _ticks.ConfigureAwait(false);
        if (_service is not null)
        {
            await _service.StopAsync(CancellationToken.None).ConfigureAwait(false);
            _service.Dispose();
        }

        Collector.Dispose();
        _stop.Dispose();
    }

    public static int FreePort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }
}

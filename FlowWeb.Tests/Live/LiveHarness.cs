using System.Globalization;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serilog;

namespace FlowWeb.Tests.Live;

/// <summary>
/// The collector and its live layer as the app registers them (AddFlowCollector, AddFlowLive) on a free loopback
/// port, with the publisher started but no timer: the test calls <see cref="Tick"/>, so it knows exactly which
/// frame it reads. The clock is real unless a fake one is given.
/// </summary>
internal sealed class LiveHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private LiveHarness(ServiceProvider services, LogCapture logs)
    {
        _services = services;
        Logs = logs;
    }

    /// <summary>Everything the collector and the live layer logged.</summary>
    public LogCapture Logs { get; }

    /// <param name="receiveThreads">Receive threads per port (null: the default, one per core).</param>
    public static async Task<LiveHarness> StartAsync(FakeTimeProvider? clock = null, int? receiveThreads = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Collector:DefaultPort"] = LoopbackPorts.FreeUdp().ToString(CultureInfo.InvariantCulture),
            ["Collector:BindAddress"] = "127.0.0.1",
            // A free port for sFlow too, as FlowWebFactory does: never the well-known 6343 another run or a real agent may use.
            ["Collector:SFlowPort"] = LoopbackPorts.FreeUdp().ToString(CultureInfo.InvariantCulture),
        };
        if (receiveThreads is { } threads)
        {
            settings["Collector:ReceiveThreads"] = threads.ToString(CultureInfo.InvariantCulture);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new LogCapture();
        var services = new ServiceCollection().AddLogging(logging => logging.AddSerilog(new LoggerConfiguration().WriteTo.Sink(logs).CreateLogger(), dispose: true));
        if (clock is not null)
        {
            services.AddSingleton<TimeProvider>(clock);
        }

        services.AddFlowCollector(configuration).AddFlowLive();
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<LivePublisher>().StartAsync(CancellationToken.None);
        return new LiveHarness(provider, logs);
    }

    public FlowCollector Collector => _services.GetRequiredService<FlowCollector>();

    public SensorLiveState Live => _services.GetRequiredService<SensorLiveState>();

    public LivePublisher Publisher => _services.GetRequiredService<LivePublisher>();

    public PrometheusMetrics Metrics => _services.GetRequiredService<PrometheusMetrics>();

    public async Task<SensorDefinition> AddSensorAsync(SensorDefinition sensor)
    {
        var result = await _services.GetRequiredService<SensorService>().SaveSensorAsync(sensor);
        Assert.True(result.Saved, string.Join("; ", result.Errors));
        return sensor;
    }

    /// <summary>One collector tick; returns the frame it published.</summary>
    public LiveFrame Tick()
    {
        Collector.Tick();
        return Publisher.Current;
    }

    public async ValueTask DisposeAsync()
    {
        await Publisher.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }
}

using System.Globalization;
using Bunit;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Interfaces;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;

namespace FlowWeb.Tests.Ui;

/// <summary>
/// A bUnit context with MudBlazor and FlowWeb's real collector services (validator, sensor service, live state) on
/// a free loopback UDP port, and a sensor store that counts saves. The collector is not started; a sensor that is
/// saved does open its port until the context is disposed.
/// </summary>
public sealed class UiContext : IAsyncDisposable
{
    /// <param name="configure">
    /// More services (added before the first render, after which bUnit locks the container). Reverse DNS is one
    /// switched off (no DNS server is asked) unless <paramref name="configure"/> adds another resolver.
    /// </param>
    public UiContext(Action<IServiceCollection>? configure = null)
    {
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
        Context.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Context.Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        Context.Services.AddSingleton<ISensorStore>(Store);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collector:DefaultPort"] = LoopbackPorts.FreeUdp().ToString(CultureInfo.InvariantCulture),
            ["Collector:BindAddress"] = "127.0.0.1",
            ["Collector:SFlowPort"] = "0",
        }).Build();
        Context.Services.AddFlowCollector(configuration).AddFlowLive();
        Context.Services.AddInterfaceNames();
        Context.Services.AddSingleton(new ReverseDnsResolver(
            Options.Create(new ReverseDnsOptions { Enabled = false }), TimeProvider.System, NullLogger<ReverseDnsResolver>.Instance));
        // The sensor form's detection section reads the global Detection settings; defaults here.
        Context.Services.AddSingleton(new AttackDetection(Options.Create(new DetectionOptions()), TimeProvider.System, NullLogger<AttackDetection>.Instance));
        configure?.Invoke(Context.Services);

        // Selects, menus and tooltips render into the popover provider, dialogs into the dialog provider.
        Context.Render<MudPopoverProvider>();
        Dialogs = Context.Render<MudDialogProvider>();
    }

    public IRenderedComponent<MudDialogProvider> Dialogs { get; }

    public BunitContext Context { get; } = new();

    public CountingSensorStore Store { get; } = new();

    // MudBlazor's services are async-disposable only.
    public ValueTask DisposeAsync() => Context.DisposeAsync();
}

/// <summary>The in-memory store, counting the saves that reach it.</summary>
public sealed class CountingSensorStore : ISensorStore
{
    private readonly InMemorySensorStore _inner = new();

    public int SensorSaves { get; private set; }

    public Task<IReadOnlyList<SensorDefinition>> GetSensorsAsync(CancellationToken cancellationToken = default) => _inner.GetSensorsAsync(cancellationToken);

    public Task SaveSensorAsync(SensorDefinition sensor, CancellationToken cancellationToken = default)
    {
        SensorSaves++;
        return _inner.SaveSensorAsync(sensor, cancellationToken);
    }

    public Task<bool> DeleteSensorAsync(Guid id, CancellationToken cancellationToken = default) => _inner.DeleteSensorAsync(id, cancellationToken);

    public Task<IReadOnlyList<DeviceDefinition>> GetDevicesAsync(CancellationToken cancellationToken = default) => _inner.GetDevicesAsync(cancellationToken);

    public Task SaveDeviceAsync(DeviceDefinition device, CancellationToken cancellationToken = default) => _inner.SaveDeviceAsync(device, cancellationToken);

    public Task<bool> DeleteDeviceAsync(Guid id, CancellationToken cancellationToken = default) => _inner.DeleteDeviceAsync(id, cancellationToken);
}

/// <summary>A test class with its own <see cref="UiContext"/>, disposed asynchronously by xunit after each test.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit 2 disposes test classes through IAsyncLifetime; it ignores IAsyncDisposable, and MudBlazor's services can only be disposed asynchronously.")]
public abstract class UiTests : IAsyncLifetime
{
    protected UiContext Ui { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Ui.DisposeAsync();
}

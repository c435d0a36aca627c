using System.Net;
using FlowWeb.Core.Collection;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace FlowWeb.Components.Pages;

/// <summary>
/// Every exporter the collector has heard from, refreshed every <see cref="RefreshInterval"/> from the
/// collector's in-memory counters while the page is open.
/// </summary>
public sealed partial class Home : IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _closed = new();
    private IReadOnlyList<ExporterSummary> _exporters = [];
    private IPEndPoint? _listeningOn;
    private string? _bindError;
    private long _datagrams;
    private long _exportersRefused;
    private int _port;
    private DateTimeOffset _now;

    [Inject]
    private ExporterDirectory Exporters { get; set; } = default!;

    [Inject]
    private CollectorStatus Collector { get; set; } = default!;

    [Inject]
    private IOptions<CollectorOptions> CollectorOptions { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    protected override void OnInitialized() => Refresh();

    protected override void OnAfterRender(bool firstRender)
    {
        // Only an interactive render gets here; prerendering shows one snapshot and starts no timer.
        if (firstRender)
        {
            _ = RefreshUntilClosedAsync(_closed.Token);
        }
    }

    private async Task RefreshUntilClosedAsync(CancellationToken closed)
    {
        using var timer = new PeriodicTimer(RefreshInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(closed))
            {
                await InvokeAsync(() =>
                {
                    Refresh();
                    StateHasChanged();
                });
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The page was closed (or its circuit went away) between two ticks.
        }
    }

    private void Refresh()
    {
        _exporters = Exporters.List();
        _exportersRefused = Exporters.ExportersRefused;
        _listeningOn = Collector.ListeningOn;
        _bindError = Collector.BindError;
        _datagrams = Collector.Datagrams;
        _port = _listeningOn?.Port ?? CollectorOptions.Value.DefaultPort;
        _now = Time.GetUtcNow();
    }

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
    }
}

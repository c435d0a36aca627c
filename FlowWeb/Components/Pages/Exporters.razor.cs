using System.Net;
using FlowWeb.Components.Pages.Sections;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace FlowWeb.Components.Pages;

/// <summary>
/// Every exporter the collector has heard from, with the sensors that receive it and a button that opens the
/// sensor form filled in for it. Live: refreshed from the collector's in-memory counters while the page is open.
/// </summary>
public sealed partial class Exporters
{
    private IReadOnlyList<ExporterFrame> _exporters = [];
    private IReadOnlyList<SensorDefinition> _sensors = [];
    private List<SensorDefinition> _anySender = [];
    private IPEndPoint? _listeningOn;
    private string? _bindError;
    private long _datagrams;
    private long _exportersRefused;
    private int _port;
    private DateTimeOffset _now;

    [Inject]
    private CollectorStatus Collector { get; set; } = default!;

    [Inject]
    private IOptions<CollectorOptions> CollectorOptions { get; set; } = default!;

    [Inject]
    private SensorService Sensors { get; set; } = default!;

    protected override Task OnInitializedAsync() => RefreshAsync();

    protected override async Task RefreshAsync()
    {
        var frame = Live.Frame;
        _exporters = frame.Exporters;
        _sensors = await Sensors.ListSensorsAsync();
        _anySender = [.. _sensors.Where(SensorRouting.AcceptsAnySender)];
        _exportersRefused = frame.ExportersRefused;
        _listeningOn = Collector.ListeningOn;
        _bindError = Collector.BindError;
        _datagrams = Collector.Datagrams;
        _port = _listeningOn?.Port ?? CollectorOptions.Value.DefaultPort;
        _now = Time.GetUtcNow();
    }
}

using System.Net;
using FlowWeb.Components.Pages.Sections;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace FlowWeb.Components.Pages;

/// <summary>
/// Every exporter the collector has heard from, with the sensors that receive it and a button that opens the
/// sensor form filled in for it. Paged, sorted and searched on the server (<see cref="ExporterQueryService"/>): the
/// page holds and renders only the rows it shows, whatever the number of exporters. Live: the shown page is read
/// again while the page is open.
/// </summary>
public sealed partial class Exporters
{
    private static readonly int[] PageSizes = [25, 50, 100, 250];

    private MudDataGrid<ExporterRow>? _grid;
    private string _ports = "";
    private IReadOnlyList<SensorDefinition> _sensors = [];
    private List<SensorDefinition> _anySender = [];
    private IPEndPoint? _listeningOn;
    private string? _bindError;
    private string _search = "";
    private long _datagrams;
    private long _exportersRefused;
    private int _port;
    private int _total;
    private int _matching;
    private DateTimeOffset _now;

    [Inject]
    private ExporterQueryService Query { get; set; } = default!;

    [Inject]
    private CollectorStatus Collector { get; set; } = default!;

    [Inject]
    private IOptions<CollectorOptions> CollectorOptions { get; set; } = default!;

    [Inject]
    private SensorService Sensors { get; set; } = default!;

    [Inject]
    private FlowCollector Collection { get; set; } = default!;

    private string ListeningPorts => _ports.Length > 0 ? _ports : _listeningOn?.ToString() ?? $"port {_port}";

    /// <summary>Any-sender sensors that take a stream heard on <paramref name="port"/> (0 = port not known: every one).</summary>
    private List<SensorDefinition> AnySenderOn(int port) => [.. _anySender.Where(s => port == 0 || s.Port == port)];

    protected override async Task OnInitializedAsync()
    {
        await ReadStatusAsync();
        _total = Query.QueryStreams(new ExporterQuery(Limit: 0)).Total;
        _matching = _total;
    }

    protected override async Task RefreshAsync()
    {
        await ReadStatusAsync();
        var hadRows = _total > 0;
        _total = Query.QueryStreams(new ExporterQuery(Limit: 0)).Total;
        if (hadRows && _grid is not null)
        {
            // The grid asks for its current page again; the first exporter (no grid yet) makes it render instead.
            await _grid.ReloadServerData();
        }
    }

    private async Task ReadStatusAsync()
    {
        _sensors = await Sensors.ListSensorsAsync();
        _anySender = [.. _sensors.Where(SensorRouting.AcceptsAnySender)];
        _exportersRefused = Live.Frame.ExportersRefused;
        _listeningOn = Collector.ListeningOn;
        _bindError = Collector.BindError;
        _datagrams = Collector.Datagrams;
        _port = _listeningOn?.Port ?? CollectorOptions.Value.DefaultPort;
        var ports = Collection.Listeners.Select(l => l.LocalEndPoint.Port).Distinct().Order().ToList();
        _ports = ports.Count switch
        {
            0 => "",
            1 => $"port {ports[0]}",
            _ => "ports " + string.Join(", ", ports),
        };
        _now = Time.GetUtcNow();
    }

    private Task<GridData<ExporterRow>> LoadAsync(GridState<ExporterRow> state, CancellationToken cancellationToken)
    {
        var sort = state.SortDefinitions.FirstOrDefault();

        // The grid names a column by its property path ("Stream.Datagrams"); the last name says what to sort by.
        var by = sort?.SortBy?.Split('.')[^1] switch
        {
            nameof(ExporterFrame.TemplatesKnown) => ExporterSort.Templates,
            nameof(ExporterStream.LocalPort) => ExporterSort.Port,
            { } name when Enum.TryParse<ExporterSort>(name, out var parsed) => parsed,
            _ => ExporterSort.Address,
        };
        var page = Query.QueryStreams(new ExporterQuery(state.Page * state.PageSize, state.PageSize, _search, by, sort?.Descending ?? false));
        _matching = page.Matching;
        _total = page.Total;
        return Task.FromResult(new GridData<ExporterRow> { Items = page.Rows, TotalItems = page.Matching });
    }

    private async Task SearchAsync(string? text)
    {
        _search = text ?? "";
        if (_grid is not null)
        {
            // A new search starts on its first page.
            _grid.NavigateTo(Page.First);
            await _grid.ReloadServerData();
        }
    }

    private static string ErrorReasons(ExporterFrame exporter) =>
        string.Join("\n", exporter.ErrorsByReason.OrderByDescending(r => r.Value).Select(r => $"{r.Key.ToLabel()}: {FlowFormat.Count(r.Value)}"));
}

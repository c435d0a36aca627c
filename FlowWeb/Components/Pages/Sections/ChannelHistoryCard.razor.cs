using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>
/// Loads the stored channel history of the window (live ranges come from memory through <see cref="LiveHistory"/>)
/// whenever the window or the sensors change; a newer choice cancels a load still running.
/// </summary>
public sealed partial class ChannelHistoryCard : IDisposable
{
    private HistoryView? _view;
    private HistoryWindow? _loaded;
    private IReadOnlyList<ChannelInfo> _channels = [];
    private CancellationTokenSource? _loading;
    private IReadOnlyList<ChartMark> _marks = [];

    /// <summary>One sensor, or every sensor of a device (summed by channel).</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<SensorDefinition> Sensors { get; set; } = [];

    [Parameter, EditorRequired]
    public HistoryWindow Window { get; set; } = default!;

    /// <summary>The API path of the CSV export, e.g. <c>api/sensors/{id}/history/channels.csv</c>.</summary>
    [Parameter, EditorRequired]
    public string CsvPath { get; set; } = "";

    /// <summary>The sensor's or device's name.</summary>
    [Parameter]
    public string Name { get; set; } = "";

    [Parameter]
    public string NoSensorsText { get; set; } = "No sensors.";

    [Parameter]
    public EventCallback OnShowLive { get; set; }

    /// <summary>Called with the span a reader dragged across the graph.</summary>
    [Parameter]
    public EventCallback<(DateTimeOffset From, DateTimeOffset To)> OnZoom { get; set; }

    [Inject]
    private HistoryQueryService History { get; set; } = default!;

    [Inject]
    private FlowWeb.Core.Detection.AttackQueryService Attacks { get; set; } = default!;

    private string Caption => $"{HistoryRanges.Label(Window.Range)} at {Window.ResolutionText} resolution";

    private string CsvUrl => $"{CsvPath}?from={Uri.EscapeDataString(ApiTime(Window.From))}&to={Uri.EscapeDataString(ApiTime(Window.To))}";

    private string CsvFileName => $"history-{Window.From.UtcDateTime:yyyyMMdd-HHmm}-{Window.To.UtcDateTime:yyyyMMdd-HHmm}.csv";

    /// <summary>Channels of every sensor in their sensor's order, each id once (the first sensor's name wins).</summary>
    public static IReadOnlyList<ChannelInfo> ChannelsOf(IEnumerable<SensorDefinition> sensors) =>
        [.. sensors.SelectMany(s => SensorAggregator.BuildChannels(s).Channels).DistinctBy(c => c.Id)];

    protected override async Task OnParametersSetAsync()
    {
        _channels = ChannelsOf(Sensors);
        if (Window.IsLive || Sensors.Count == 0 || ReferenceEquals(Window, _loaded))
        {
            return;
        }

        _loaded = Window;
        _view = null;
        if (_loading is not null)
        {
            await _loading.CancelAsync();
            _loading.Dispose();
        }

        _loading = new CancellationTokenSource();
        var token = _loading.Token;
        var window = Window;
        try
        {
            var history = await History.GetChannelHistoryAsync([.. Sensors.Select(s => s.Id)], window.From, window.To, window.Resolution, null, token);
            var attacks = await AttackMarks.ListAsync(Attacks, Sensors.Select(s => s.Id), window.From, window.To);
            if (ReferenceEquals(window, Window))
            {
                _view = HistoryView.From(history, _channels);
                _marks = AttackMarks.Of(attacks);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // A newer window replaced this one.
        }
    }

    private Task ShowLive() => OnShowLive.InvokeAsync();

    private Task Zoom((DateTimeOffset From, DateTimeOffset To) span) => OnZoom.InvokeAsync(span);

    private static string ApiTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _loading?.Cancel();
        _loading?.Dispose();
    }
}

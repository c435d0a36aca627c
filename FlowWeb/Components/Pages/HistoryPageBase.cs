using FlowWeb.Components.Shared;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages;

/// <summary>
/// What the sensor and device history pages share: the id in the route, the first range from
/// <c>?range=live|2h|today|yesterday|2d|30d|365d</c> (default 2 hours), the window the range picker moves, zooming into a
/// span of the graph (with a way back to the window before), and "show live".
/// </summary>
public abstract class HistoryPageBase : ComponentBase
{
    [Parameter]
    public Guid Id { get; set; }

    [SupplyParameterFromQuery(Name = "range")]
    public string? Range { get; set; }

    [Inject]
    protected SensorService Sensors { get; set; } = default!;

    [Inject]
    protected HistoryQueryService History { get; set; } = default!;

    [Inject]
    protected TimeProvider Time { get; set; } = default!;

    [CascadingParameter]
    public DisplayZone? CascadedZone { get; set; }

    protected DisplayZone Zone => CascadedZone ?? DisplayZone.Utc;

    protected HistoryWindow Window { get; private set; } = default!;

    /// <summary>The windows before each zoom, newest last ("Zoom out" goes back one).</summary>
    protected Stack<HistoryWindow> ZoomedFrom { get; } = new();

    protected bool Loaded { get; private set; }

    protected override async Task OnParametersSetAsync()
    {
        if (Loaded && _loadedId == Id && _loadedRange == Range)
        {
            // Only the zone changed (it arrives once the page is interactive): a day range follows it.
            if (Window.Range is HistoryRange.Today or HistoryRange.Yesterday)
            {
                Window = HistoryRanges.Preset(Window.Range, Time.GetUtcNow(), History, Zone);
            }

            return;
        }

        (_loadedId, _loadedRange) = (Id, Range);
        Window = HistoryRanges.Preset(HistoryRanges.FromKey(Range) is { } r and not HistoryRange.Custom ? r : HistoryRange.TwoHours, Time.GetUtcNow(), History, Zone);
        await LoadAsync();
        Loaded = true;
    }

    /// <summary>Reads what the page shows for <see cref="Id"/>.</summary>
    protected abstract Task LoadAsync();

    private Guid _loadedId;
    private string? _loadedRange;

    protected void SetWindow(HistoryWindow window)
    {
        ZoomedFrom.Clear();
        Window = window;
    }

    protected void Zoom((DateTimeOffset From, DateTimeOffset To) span)
    {
        ZoomedFrom.Push(Window);
        Window = HistoryRanges.Span(span.From, span.To, History);
    }

    protected void ZoomOut()
    {
        if (ZoomedFrom.TryPop(out var previous))
        {
            Window = previous;
        }
    }

    protected void ShowLive() => Window = HistoryRanges.Preset(HistoryRange.Live, Time.GetUtcNow(), History);
}

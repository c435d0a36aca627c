using FlowWeb.Components.Shared;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages;

/// <summary>
/// What the sensor and device history pages share: the id in the route, the first range from
/// <c>?range=live|2h|2d|30d|365d</c> (default 2 hours), the window the range picker moves, and "show live".
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

    protected HistoryWindow Window { get; private set; } = default!;

    protected bool Loaded { get; private set; }

    protected override async Task OnParametersSetAsync()
    {
        Window = HistoryRanges.Preset(HistoryRanges.FromKey(Range) is { } r and not HistoryRange.Custom ? r : HistoryRange.TwoHours, Time.GetUtcNow(), History);
        await LoadAsync();
        Loaded = true;
    }

    /// <summary>Reads what the page shows for <see cref="Id"/>.</summary>
    protected abstract Task LoadAsync();

    protected void SetWindow(HistoryWindow window) => Window = window;

    protected void ShowLive() => Window = HistoryRanges.Preset(HistoryRange.Live, Time.GetUtcNow(), History);
}

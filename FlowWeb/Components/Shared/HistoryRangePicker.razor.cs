using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Shared;

/// <summary>
/// Picks the range: a preset ends now (today and yesterday are the reader's days); Custom takes two times in the
/// reader's zone and shows an error under each field that does not make a range (nothing changes until they do).
/// Reports the new <see cref="HistoryWindow"/> with the resolution the history service chooses for it.
/// </summary>
public sealed partial class HistoryRangePicker
{
    private HistoryRange _range = HistoryRange.TwoHours;
    private string? _fromText;
    private string? _toText;
    private IReadOnlyList<ValidationError> _errors = [];
    private HistoryWindow? _shownCustom;

    [Parameter, EditorRequired]
    public HistoryWindow Window { get; set; } = default!;

    [Parameter]
    public EventCallback<HistoryWindow> WindowChanged { get; set; }

    [Inject]
    private HistoryQueryService History { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [CascadingParameter]
    public DisplayZone? CascadedZone { get; set; }

    private DisplayZone Zone => CascadedZone ?? DisplayZone.Utc;

    private string ZoneName => Zone.IsUtc ? "UTC" : Zone.Name;

    private string Description => Window.IsLive
        ? $"The last {HistoryRanges.LiveSpan.TotalMinutes:N0} minutes, per second, updating live"
        : $"{HistoryRanges.Format(Window.From, Zone)} to {HistoryRanges.Format(Window.To, Zone)} {Zone.Suffix(Window.From)} · resolution {Window.ResolutionText} (chosen from the range)";

    protected override void OnParametersSet()
    {
        // The window may come from the page (a ?range= link): show it, and its times when custom.
        if (_range != HistoryRange.Custom || Window.Range == HistoryRange.Custom)
        {
            _range = Window.Range;
        }

        // A custom window (typed, or a zoom into the graph): show its times, in the reader's zone.
        if (Window.Range == HistoryRange.Custom && !ReferenceEquals(Window, _shownCustom))
        {
            (_fromText, _toText) = (HistoryRanges.Format(Window.From, Zone), HistoryRanges.Format(Window.To, Zone));
            _shownCustom = Window;
        }
    }

    private async Task SelectAsync(HistoryRange range)
    {
        _range = range;
        _errors = [];
        if (range == HistoryRange.Custom)
        {
            // Start from the range on show, so that editing one end is enough.
            _fromText ??= HistoryRanges.Format(Window.From, Zone);
            _toText ??= HistoryRanges.Format(Window.To, Zone);
            return;
        }

        await WindowChanged.InvokeAsync(HistoryRanges.Preset(range, Time.GetUtcNow(), History, Zone));
    }

    private async Task ApplyCustomAsync()
    {
        var window = HistoryRanges.Custom(_fromText, _toText, Time.GetUtcNow(), History, out _errors, Zone);
        if (window is not null)
        {
            await WindowChanged.InvokeAsync(window);
        }
    }

    private IReadOnlyList<string> Errors(string field) => [.. _errors.Where(e => e.Field == field).Select(e => $"{field} {e.Message}")];
}

using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Interfaces;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>
/// Lists the periods of the active toplist that overlap the window and shows either all of them merged (the
/// default: rows summed by key, approximate when a summed period kept only its top N) or the one picked. A period a
/// restart cut is stored in pieces; it is listed once (<see cref="ToplistSlot"/>), its pieces merged, marked partial.
/// </summary>
public sealed partial class ToplistHistoryCard
{
    private const int Merged = -1;

    private int _active;
    private int _selected = Merged;
    private bool _loading = true;
    private IReadOnlyList<ToplistSlot> _periods = [];
    private ToplistPeriodResult? _shown;
    private Dictionary<ToplistKey, HostNamePair>? _hostNames;
    private string? _caption;
    private string? _approximateHint;
    private (HistoryWindow Window, int Toplist)? _loaded;

    [Parameter, EditorRequired]
    public SensorDefinition Sensor { get; set; } = default!;

    [Parameter, EditorRequired]
    public HistoryWindow Window { get; set; } = default!;

    [Inject]
    private HistoryQueryService History { get; set; } = default!;

    private IReadOnlyList<ToplistDefinition> Toplists => Sensor.Toplists;

    private ToplistDefinition? Active => Toplists.Count == 0 ? null : Toplists[Math.Clamp(_active, 0, Toplists.Count - 1)];

    private string MergedLabel => _periods.Count == 1 ? $"{Describe(_periods[0])} (the only period)" : $"All {_periods.Count} periods merged";

    private string CsvUrl => Active is not { } t ? "" :
        $"api/sensors/{Sensor.Id}/history/toplists/{t.Id}/periods.csv?from={Uri.EscapeDataString(ApiTime(Window.From))}&to={Uri.EscapeDataString(ApiTime(Window.To))}";

    private string CsvFileName => $"toplist-{Active?.Id}-{Window.From.UtcDateTime:yyyyMMdd-HHmm}-{Window.To.UtcDateTime:yyyyMMdd-HHmm}.csv";

    [Inject]
    private InterfaceCatalog Interfaces { get; set; } = default!;

    private InterfaceNames _interfaces = InterfaceNames.Empty;

    protected override async Task OnParametersSetAsync()
    {
        _interfaces = await Interfaces.ForSensorAsync(Sensor);
        if (Active is { } toplist && _loaded != (Window, toplist.Id))
        {
            await LoadPeriodsAsync(toplist);
        }
    }

    private async Task SetActiveAsync(int index)
    {
        _active = index;
        if (Active is { } toplist)
        {
            await LoadPeriodsAsync(toplist);
        }
    }

    private async Task LoadPeriodsAsync(ToplistDefinition toplist)
    {
        _loaded = (Window, toplist.Id);
        _loading = true;
        _selected = Merged;
        var slots = await History.GetToplistSlotsAsync(Sensor.Id, toplist.Id, toplist.PeriodMinutes, Window.From, Window.To);
        _periods = [.. Enumerable.Reverse(slots)];
        await ShowAsync(toplist);
        _loading = false;
    }

    private async Task SelectAsync(int selected)
    {
        _selected = selected;
        if (Active is { } toplist)
        {
            await ShowAsync(toplist);
        }
    }

    private async Task ShowAsync(ToplistDefinition toplist)
    {
        if (_periods.Count == 0)
        {
            (_shown, _hostNames, _caption, _approximateHint) = (null, null, null, null);
            return;
        }

        if (_selected >= 0 && _selected < _periods.Count)
        {
            var slot = _periods[_selected];
            var partial = slot.Partial ? $" · partial: {Covered(slot)}" : "";
            if (slot.Pieces.Count == 1 && await History.GetToplistPeriodAsync(slot.Pieces[0].Id) is { } period)
            {
                var info = slot.Pieces[0];
                Show(period, info.DistinctKeys, (info.Truncated ? $"Top {period.Rows.Count} stored of {info.DistinctKeys:N0}" : $"{period.Rows.Count} rows") + partial, null);
                return;
            }

            var pieces = await History.MergeToplistPeriodsAsync(Sensor.Id, toplist.Id, slot.Start, slot.End, toplist.Count);
            Show(pieces, pieces.Rows.Count, $"Top {pieces.Rows.Count}, {slot.Pieces.Count} pieces merged{partial}", ApproximateHint(pieces, toplist));
            return;
        }

        var merged = await History.MergeToplistPeriodsAsync(Sensor.Id, toplist.Id, Window.From, Window.To, toplist.Count);
        var cut = _periods.Count(p => p.Partial);
        Show(merged, merged.Rows.Count,
            $"Top {merged.Rows.Count} of {_periods.Count} period(s) merged" + (cut > 0 ? $" · {cut} partial (FlowWeb was not running through all of it)" : ""),
            ApproximateHint(merged, toplist));
    }

    private static string? ApproximateHint(StoredToplist merged, ToplistDefinition toplist) => merged.Approximate
        ? $"Merged from periods that were approximate or stored only their top {toplist.Count}: a key's share in a period where it was not stored is missing, so each row may be off by up to {FlowFormat.Bytes(merged.ErrorBound)}."
        : null;

    /// <summary>The parts of a slot that were counted ("10:07–10:15"; several when a restart cut it twice).</summary>
    private string Covered(ToplistSlot slot) =>
        string.Join(", ", slot.Pieces.Select(p => p.Start.Second == 0 && p.End.Second == 0
            ? $"{Zone.ClockMinutes(p.Start)}–{Zone.ClockMinutes(p.End)}"
            : $"{Zone.Clock(p.Start)}–{Zone.Clock(p.End)}"));

    private void Show(StoredToplist stored, int distinctKeys, string? caption, string? approximateHint)
    {
        _shown = ToResult(stored, distinctKeys);
        _hostNames = stored.Rows.Where(r => r.HostName is not null || r.HostNameB is not null || r.OwnerA is not null).GroupBy(r => r.Key)
            .ToDictionary(g => g.Key, g => g.First().Names);
        (_caption, _approximateHint) = (caption, approximateHint);
    }

    /// <summary>A stored period (or merge) in the shape the live toplist table shows.</summary>
    public static ToplistPeriodResult ToResult(StoredToplist stored, int distinctKeys)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new ToplistPeriodResult(stored.Start, stored.End, [.. stored.Rows.Select(r => new ToplistRow(r.Key, r.Bytes, r.Packets, r.Flows, r.ErrorBytes))],
            stored.TotalBytes, stored.TotalPackets, stored.TotalFlows, stored.Approximate, stored.ErrorBound, distinctKeys);
    }

    [CascadingParameter]
    public DisplayZone? CascadedZone { get; set; }

    private DisplayZone Zone => CascadedZone ?? DisplayZone.Utc;

    private string Describe(ToplistSlot slot) =>
        $"{Zone.DateMinutes(slot.Start)}–{Zone.ClockMinutes(slot.End)} {Zone.Suffix(slot.Start)}" + (slot.Partial ? $" (partial: {Covered(slot)})" : "");

    private static string ApiTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}

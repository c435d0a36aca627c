using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Interfaces;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>
/// Lists the stored periods of the active toplist that overlap the window and shows either all of them merged
/// (the default: rows summed by key, approximate when a period kept only its top N) or the one picked.
/// </summary>
public sealed partial class ToplistHistoryCard
{
    private const int Merged = -1;

    private int _active;
    private int _selected = Merged;
    private bool _loading = true;
    private IReadOnlyList<ToplistPeriodInfo> _periods = [];
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
        var periods = await History.GetToplistPeriodsAsync(Sensor.Id, toplist.Id, Window.From, Window.To);
        _periods = [.. periods.Reverse()];
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

        if (_selected >= 0 && _selected < _periods.Count && await History.GetToplistPeriodAsync(_periods[_selected].Id) is { } period)
        {
            var info = _periods[_selected];
            Show(period, info.DistinctKeys, info.Truncated ? $"Top {period.Rows.Count} stored of {info.DistinctKeys:N0}" : null, null);
            return;
        }

        var merged = await History.MergeToplistPeriodsAsync(Sensor.Id, toplist.Id, Window.From, Window.To, toplist.Count);
        Show(merged, merged.Rows.Count, $"Top {merged.Rows.Count} of {merged.Periods} period(s) merged",
            merged.Approximate
                ? $"Merged from periods that were approximate or stored only their top {toplist.Count}: a key's share in a period where it was not stored is missing, so each row may be off by up to {FlowFormat.Bytes(merged.ErrorBound)}."
                : null);
    }

    private void Show(StoredToplist stored, int distinctKeys, string? caption, string? approximateHint)
    {
        _shown = ToResult(stored, distinctKeys);
        _hostNames = stored.Rows.Where(r => r.HostName is not null || r.HostNameB is not null).GroupBy(r => r.Key)
            .ToDictionary(g => g.Key, g => new HostNamePair(g.First().HostName, g.First().HostNameB));
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

    private string Describe(ToplistPeriodInfo period) =>
        $"{Zone.DateMinutes(period.Start)}–{Zone.ClockMinutes(period.End)} {Zone.Suffix(period.Start)}";

    private static string ApiTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}

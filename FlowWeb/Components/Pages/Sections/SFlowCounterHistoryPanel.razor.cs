using FlowWeb.Components.Shared;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Interfaces;
using FlowWeb.Core.Live;
using FlowWeb.Core.Storage.History;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>
/// The stored sFlow interface counters of a device's agents (<see cref="SFlowCounterStore"/>): one interface at a
/// time over a history range (the ranges of the other history pages), a row per bucket with in/out bit/s,
/// utilisation, errors and discards per second, and the seconds the agent measured in it.
/// </summary>
public sealed partial class SFlowCounterHistoryPanel
{
    /// <summary>Rows shown at most (newest first); the API returns every bucket.</summary>
    public const int MaxRows = 500;

    private HistoryWindow? _window;
    private IReadOnlyList<(string Agent, uint SubAgent, uint IfIndex)> _interfaces = [];
    private string? _selected;
    private IReadOnlyList<SFlowCounterBucket> _buckets = [];
    private long _overCapRows;
    private bool _loading;

    /// <summary>The device's address and its sensors' sender IPs: the agents are these and the agents they send for.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<FlowAddress> Exporters { get; set; } = [];

    [Parameter]
    public InterfaceNames Names { get; set; } = InterfaceNames.Empty;

    [CascadingParameter]
    public DisplayZone? CascadedZone { get; set; }

    [Inject]
    private SFlowCounterStore Store { get; set; } = default!;

    [Inject]
    private HistoryQueryService History { get; set; } = default!;

    [Inject]
    private SensorLiveState Live { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    private DisplayZone Zone => CascadedZone ?? DisplayZone.Utc;

    private int BucketSeconds => _window is { Resolution: not HistoryResolution.Auto } w ? HistoryBuckets.SecondsOf(w.Resolution) : 60;

    protected override async Task OnParametersSetAsync()
    {
        _window ??= HistoryRanges.Preset(HistoryRange.TwoHours, Time.GetUtcNow(), History, Zone);
        await LoadAsync();
    }

    private async Task SetWindowAsync(HistoryWindow window)
    {
        _window = window;
        await LoadAsync();
    }

    private async Task SelectAsync(string? key)
    {
        _selected = key;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var window = _window!;
        _loading = true;
        var agents = Exporters.Select(e => e.ToString())
            .Concat(Exporters.Select(Live.Exporter).SelectMany(e => e?.SFlowInterfaces ?? []).Select(r => r.Agent.ToString()))
            .Distinct().ToList();
        _interfaces = await Store.InterfacesAsync(agents, window.From, window.To);
        if (_selected is null || !_interfaces.Any(i => Key(i) == _selected))
        {
            _selected = _interfaces.Count > 0 ? Key(_interfaces[0]) : null;
        }

        var chosen = _interfaces.FirstOrDefault(i => Key(i) == _selected);
        var found = chosen.Agent is null ? null : await Store.QueryAsync(chosen.Agent, chosen.SubAgent, chosen.IfIndex, window.From, window.To, BucketSeconds);
        _overCapRows = found is { OverCap: true } ? found.RowsAtMost : 0;
        _buckets = found is null ? [] : [.. found.Buckets.Reverse().Take(MaxRows)];
        _loading = false;
    }

    private static string Key((string Agent, uint SubAgent, uint IfIndex) i) => $"{i.Agent}/{i.SubAgent}/{i.IfIndex}";

    private string Label((string Agent, uint SubAgent, uint IfIndex) i) =>
        $"{i.Agent}{(i.SubAgent == 0 ? "" : $" sub-agent {i.SubAgent}")} ifIndex {i.IfIndex}"
        + (FlowAddress.TryParse(i.Agent, out var agent) && Names.Find(i.IfIndex, agent) is { } named ? $" ({named.Name})" : "");

    private static string Rate(double? bitsPerSecond) => bitsPerSecond is { } b ? FlowFormat.BitRate(b) : "–";

    private static string Percent(double? share) => share is { } s ? FlowFormat.Percent(s) : "–";

    private static string PerSecond(double? count) => count is { } c ? c.ToString(c >= 10 ? "N0" : "0.###", System.Globalization.CultureInfo.InvariantCulture) : "–";
}

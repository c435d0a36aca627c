using System.Data.Common;
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
public sealed partial class SFlowCounterHistoryPanel : IDisposable
{
    /// <summary>Rows shown at most (newest first); the API returns every bucket.</summary>
    public const int MaxRows = 500;

    private HistoryWindow? _window;
    private IReadOnlyList<(string Agent, uint SubAgent, uint IfIndex)> _interfaces = [];
    private string? _selected;
    private IReadOnlyList<SFlowCounterBucket> _buckets = [];
    private long _overCapRows;
    private bool _loading;
    private string? _error;

    // The exporters of the last load: the parent re-renders on every edit of its interface table and hands over a
    // new but equal list each time, which must not cost a round of queries.
    private FlowAddress[]? _loadedFor;
    private CancellationTokenSource? _load;

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
        if (_loadedFor is null || !Exporters.SequenceEqual(_loadedFor))
        {
            _loadedFor = [.. Exporters];
            await LoadAsync();
        }
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

    /// <summary>
    /// Reads the interfaces and the chosen one's buckets. A newer load cancels this one (what it read is dropped, so
    /// loads finishing out of order cannot show an older choice); a storage error is shown, not thrown at the circuit.
    /// </summary>
    private async Task LoadAsync()
    {
        if (_load is not null)
        {
            await _load.CancelAsync();
            _load.Dispose();
        }

        _load = new CancellationTokenSource();
        var token = _load.Token;
        var window = _window!;
        _loading = true;
        try
        {
            var agents = Exporters.Select(e => e.ToString())
                .Concat(Exporters.Select(Live.Exporter).SelectMany(e => e?.SFlowInterfaces ?? []).Select(r => r.Agent.ToString()))
                .Distinct().ToList();
            var interfaces = await Store.InterfacesAsync(agents, window.From, window.To, token);
            var selected = _selected is not null && interfaces.Any(i => Key(i) == _selected) ? _selected : interfaces.Count > 0 ? Key(interfaces[0]) : null;
            var chosen = interfaces.FirstOrDefault(i => Key(i) == selected);
            var found = chosen.Agent is null ? null : await Store.QueryAsync(chosen.Agent, chosen.SubAgent, chosen.IfIndex, window.From, window.To, BucketSeconds, token);
            (_interfaces, _selected, _error) = (interfaces, selected, null);
            _overCapRows = found is { OverCap: true } ? found.RowsAtMost : 0;
            _buckets = found is null ? [] : [.. found.Buckets.Reverse().Take(MaxRows)];
            _loading = false;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // A newer load replaced this one; it sets what is shown.
        }
        catch (DbException e)
        {
            (_interfaces, _buckets, _overCapRows, _loading) = ([], [], 0, false);
            _error = $"The stored counters could not be read: {e.Message}";
        }
    }

    public void Dispose()
    {
        _load?.Cancel();
        _load?.Dispose();
    }

    private static string Key((string Agent, uint SubAgent, uint IfIndex) i) => $"{i.Agent}/{i.SubAgent}/{i.IfIndex}";

    private string Label((string Agent, uint SubAgent, uint IfIndex) i) =>
        $"{i.Agent}{(i.SubAgent == 0 ? "" : $" sub-agent {i.SubAgent}")} ifIndex {i.IfIndex}"
        + (FlowAddress.TryParse(i.Agent, out var agent) && Names.Find(i.IfIndex, agent) is { } named ? $" ({named.Name})" : "");

    private static string PerSecond(double? count) => count is { } c ? c.ToString(c >= 10 ? "N0" : "0.###", System.Globalization.CultureInfo.InvariantCulture) : "–";
}

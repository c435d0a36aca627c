using System.Globalization;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;
using FlowWeb.Core.Rules;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>Reads the active toplist's running and completed periods whenever the page hands over a new snapshot.</summary>
public sealed partial class SensorToplists
{
    [Parameter, EditorRequired]
    public SensorLiveSnapshot Snapshot { get; set; } = default!;

    [Inject]
    private SensorLiveState Live { get; set; } = default!;

    private int _active;

    // -1: the running period; otherwise an index into the completed periods (newest first).
    private int _period = -1;
    private (ToplistPeriodResult Running, IReadOnlyList<ToplistPeriodResult> Completed)? _data;

    private IReadOnlyList<ToplistDefinition> Toplists => Snapshot.Definition.Toplists;

    private ToplistPeriodResult? Shown => _data is not { } data ? null
        : _period >= 0 && _period < data.Completed.Count ? data.Completed[_period] : data.Running;

    protected override void OnParametersSet() => Load();

    private void Load()
    {
        _active = Math.Clamp(_active, 0, Math.Max(0, Toplists.Count - 1));
        _data = Toplists.Count == 0 ? null : Live.Toplist(Snapshot.Definition.Id, Toplists[_active].Id);
    }

    private void SetActive(int index)
    {
        _active = index;
        _period = -1;
        Load();
    }

    private void SetPeriod(int period) => _period = period;

    private static string Describe(ToplistPeriodResult period) =>
        $"{FlowFormat.ClockMinutes(period.Start)}–{FlowFormat.ClockMinutes(period.End)} UTC";
}

using System.Globalization;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>Watches the sensor's flow tail while shown (disposing the watch stops the copying) and filters the records with the filter rule syntax.</summary>
public sealed partial class FlowTailPanel
{
    private const int Kept = 300;

    [Parameter, EditorRequired]
    public SensorLiveSnapshot Snapshot { get; set; } = default!;

    [Inject]
    private SensorLiveState Live { get; set; } = default!;

    private IDisposable? _watch;
    private bool _paused;
    private string _filterText = "";
    private FilterRule? _rule;
    private IReadOnlyList<RuleError> _errors = [];
    private IReadOnlyList<TailedFlow> _rows = [];
    private List<TailedFlow> _shown = [];

    protected override void OnParametersSet()
    {
        // Watch from the first render on (and again if the sensor was restarted by a change of its settings).
        _watch ??= Live.WatchTail(Snapshot.Definition.Id);
        if (!_paused)
        {
            _rows = Live.Tail(Snapshot.Definition.Id, Kept);
        }

        Apply();
    }

    private void SetFilter(string text)
    {
        _filterText = text ?? "";
        var parsed = FilterRule.Parse(_filterText);
        _errors = parsed.Errors;
        _rule = parsed.Rule;
        Apply();
    }

    private void Apply() =>
        _shown = _rule is null || _rule.IsMatchAll ? [.. _rows] : [.. _rows.Where(f => _rule.Matches(f.Record, f.Exporter))];

    private void TogglePaused() => _paused = !_paused;

    public void Dispose() => _watch?.Dispose();
}

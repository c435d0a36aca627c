using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>Reads the sensors' per-second series from the live state (never the database) on every live refresh, and shades their attacks.</summary>
public sealed partial class LiveHistory
{
    private HistoryView? _view;
    private IReadOnlyList<ChartMark> _marks = [];

    // Read from the database only when the sensors' ongoing attacks change (every attack starts as an ongoing one).
    private string _marksKey = "";

    [Inject]
    private FlowWeb.Core.Detection.AttackDetection Detection { get; set; } = default!;

    [Inject]
    private FlowWeb.Core.Detection.AttackQueryService Attacks { get; set; } = default!;

    [Parameter, EditorRequired]
    public IReadOnlyList<SensorDefinition> Sensors { get; set; } = [];

    /// <summary>Every channel of the sensors, in order (names and colours).</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<ChannelInfo> Channels { get; set; } = [];

    protected override Task OnParametersSetAsync() => RefreshAsync();

    protected override async Task RefreshAsync()
    {
        var ids = Sensors.Select(s => s.Id).ToHashSet();
        var key = string.Join(',', ids) + "|" + string.Join(',', Detection.Ongoing.Where(a => ids.Contains(a.SensorId)).Select(a => a.Id));
        if (key != _marksKey)
        {
            _marksKey = key;
            var now = Time.GetUtcNow();
            _marks = AttackMarks.Of(await AttackMarks.ListAsync(Attacks, ids, now - HistoryRanges.LiveSpan, now.AddMinutes(1)));
        }

        var seconds = (int)HistoryRanges.LiveSpan.TotalSeconds + 1;
        var snapshots = new List<ChannelSnapshot>();
        var channels = new List<IReadOnlyList<ChannelInfo>>();
        foreach (var sensor in Sensors)
        {
            if (Live.Series(sensor.Id, seconds) is { } series)
            {
                snapshots.Add(series);
                channels.Add(SensorAggregator.BuildChannels(sensor).Channels);
            }
        }

        _view = HistoryView.FromLive(snapshots, channels, Channels, Time.GetUtcNow());
    }
}

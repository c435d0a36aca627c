using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>Reads the sensors' per-second series from the live state (never the database) on every live refresh.</summary>
public sealed partial class LiveHistory
{
    private HistoryView? _view;

    [Parameter, EditorRequired]
    public IReadOnlyList<SensorDefinition> Sensors { get; set; } = [];

    /// <summary>Every channel of the sensors, in order (names and colours).</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<ChannelInfo> Channels { get; set; } = [];

    protected override Task OnParametersSetAsync() => RefreshAsync();

    protected override Task RefreshAsync()
    {
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
        return Task.CompletedTask;
    }
}

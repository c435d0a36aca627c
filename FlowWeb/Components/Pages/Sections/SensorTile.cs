using FlowWeb.Core.Channels;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>A sensor as the device list shows it: its live snapshot, its primary channel (Total) now and over the last minute.</summary>
public sealed record SensorTile(SensorLiveSnapshot Snapshot, double TotalBitsPerSecond, IReadOnlyList<double> LastMinuteBits)
{
    public const int SparklineSeconds = 60;

    public SensorDefinition Definition => Snapshot.Definition;

    /// <summary>Without the sparkline (which reads the sensor's series): for totals over sensors that are not shown.</summary>
    public static SensorTile Summary(SensorLiveSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new SensorTile(snapshot, snapshot.Channels.FirstOrDefault(c => c.ChannelId == ChannelIds.Total)?.BitsPerSecond ?? 0, []);
    }

    public static SensorTile Of(SensorLiveSnapshot snapshot, SensorLiveState live)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(live);
        var total = snapshot.Channels.FirstOrDefault(c => c.ChannelId == ChannelIds.Total)?.BitsPerSecond ?? 0;

        // One second more than shown: the newest second is still filling up.
        var series = live.Series(snapshot.Definition.Id, SparklineSeconds + 1);
        IReadOnlyList<double> spark = series is null ? [] : [.. series.BytesPerSecond[ChannelSet.TotalIndex][..^1].Select(b => b * 8)];
        return new SensorTile(snapshot, total, spark);
    }
}

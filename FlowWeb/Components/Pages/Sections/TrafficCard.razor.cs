using FlowWeb.Components.Shared;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Live;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>
/// Reads the sensor's per-second series each time the page hands it a new snapshot and turns it into graph series
/// in kbit/s: averaged into at most <see cref="MaxPoints"/> points, the newest (still filling) second left out.
/// </summary>
public sealed partial class TrafficCard
{
    private const int MaxPoints = 240;

    private IReadOnlyList<ChartSeries> _series = [];
    private DateTimeOffset _start;
    private int _secondsPerPoint = 1;
    private int _minutes = 10;
    private bool _stacked = true;
    private bool _running;

    [Parameter, EditorRequired]
    public SensorLiveSnapshot Snapshot { get; set; } = default!;

    [Inject]
    private SensorLiveState Live { get; set; } = default!;

    protected override void OnParametersSet() => Build();

    private void SetMinutes(int minutes)
    {
        _minutes = minutes;
        Build();
    }

    private void SetStacked(bool stacked)
    {
        _stacked = stacked;
        Build();
    }

    private void Build()
    {
        var seconds = _minutes * 60;
        var snapshot = Live.Series(Snapshot.Definition.Id, seconds + 1);
        _running = snapshot is not null;
        if (snapshot is null)
        {
            _series = [];
            return;
        }

        _secondsPerPoint = Math.Max(1, (int)Math.Ceiling(seconds / (double)MaxPoints));
        _start = snapshot.FirstSecond;
        var series = new List<ChartSeries>();
        var count = Math.Min(snapshot.BytesPerSecond.Length, Snapshot.Channels.Count);
        for (var c = 0; c < count; c++)
        {
            var channel = Snapshot.Channels[c];
            var isTotal = channel.ChannelId == ChannelIds.Total;
            var values = Kbits(snapshot.BytesPerSecond[c].AsSpan(0, snapshot.BytesPerSecond[c].Length - 1), _secondsPerPoint);

            // Stacked, the channels add up to Total, so Total is not drawn; channels without traffic only crowd the legend.
            if ((_stacked && isTotal) || (!isTotal && values.All(v => v == 0)))
            {
                continue;
            }

            series.Add(new ChartSeries(channel.Name, ChannelColors.Of(channel.ChannelId, c), values));
        }

        _series = series;
    }

    /// <summary>Bytes per second to kbit/s, averaged over buckets of <paramref name="bucket"/> seconds.</summary>
    private static double[] Kbits(ReadOnlySpan<double> bytesPerSecond, int bucket)
    {
        var points = new double[(bytesPerSecond.Length + bucket - 1) / bucket];
        for (var p = 0; p < points.Length; p++)
        {
            var slice = bytesPerSecond.Slice(p * bucket, Math.Min(bucket, bytesPerSecond.Length - (p * bucket)));
            var sum = 0.0;
            foreach (var v in slice)
            {
                sum += v;
            }

            points[p] = sum / slice.Length * 8 / 1000;
        }

        return points;
    }
}

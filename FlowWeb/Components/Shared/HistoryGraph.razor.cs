using System.Globalization;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Storage.History;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Shared;

/// <summary>
/// Draws a <see cref="HistoryView"/>: buckets averaged into at most <see cref="MaxPoints"/> graph points (a 2-day
/// range has 2,880 minutes), Total left out when stacked (the channels add up to it), silent channels left out of
/// the graph but kept in the table.
/// </summary>
public sealed partial class HistoryGraph
{
    public const int MaxPoints = 480;

    private IReadOnlyList<ChartSeries> _series = [];
    private int _secondsPerPoint = 1;
    private bool _stacked = true;

    [Parameter, EditorRequired]
    public HistoryView View { get; set; } = default!;

    /// <summary>What the range is, e.g. "2 hours at 1 minute resolution".</summary>
    [Parameter]
    public string Caption { get; set; } = "";

    [Parameter]
    public string EmptyText { get; set; } = "No traffic in this range";

    [Parameter]
    public string AriaLabel { get; set; } = "Traffic history in kbit/s";

    private string Method => View.Channels.Count == 0 || View.Channels[0].Summary is not { Samples: > 0 } s
        ? "Average, maximum and 95th percentile need at least one complete sample in the range."
        : $"Average, maximum and 95th percentile over {s.Samples:N0} samples of {SampleText(s.SampleSeconds)}"
          + (s.SampleSeconds == RateStatistics.BillingSampleSeconds ? " (the billing standard)" : "")
          + "; time without data counts as zero traffic. Times in UTC.";

    protected override void OnParametersSet() => Build();

    private void SetStacked(bool stacked)
    {
        _stacked = stacked;
        Build();
    }

    private void Build()
    {
        var buckets = View.Channels.Count == 0 ? 0 : View.Channels.Max(c => c.BitsPerSecond.Count);
        var group = Math.Max(1, (int)Math.Ceiling(buckets / (double)MaxPoints));
        _secondsPerPoint = group * View.BucketSeconds;
        _series = [.. View.Channels
            .Where(c => !(_stacked && c.ChannelId == ChannelIds.Total) && (c.ChannelId == ChannelIds.Total || c.TotalBytes > 0))
            .Select(c => new ChartSeries(c.Name, c.Color, Kbits(c.BitsPerSecond, group)))];
    }

    /// <summary>bit/s per bucket to kbit/s per point, each point the mean of <paramref name="group"/> buckets.</summary>
    public static double[] Kbits(IReadOnlyList<double> bitsPerSecond, int group)
    {
        ArgumentNullException.ThrowIfNull(bitsPerSecond);
        var points = new double[(bitsPerSecond.Count + group - 1) / group];
        for (var p = 0; p < points.Length; p++)
        {
            var end = Math.Min(bitsPerSecond.Count, (p + 1) * group);
            var sum = 0.0;
            for (var i = p * group; i < end; i++)
            {
                sum += bitsPerSecond[i];
            }

            points[p] = sum / (end - (p * group)) / 1000;
        }

        return points;
    }

    private static string SampleText(int seconds) => seconds switch
    {
        1 => "1 second",
        60 => "1 minute",
        300 => "5 minutes",
        3600 => "1 hour",
        86_400 => "1 day",
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds} s"),
    };
}

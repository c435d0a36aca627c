using System.Globalization;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Storage.History;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Shared;

/// <summary>
/// Draws a <see cref="HistoryView"/>: buckets averaged into at most <see cref="MaxPoints"/> graph points (a 2-day
/// range has 2,880 minutes), Total left out when stacked (the channels add up to it), silent channels left out of
/// the graph but kept in the table. The table's second header row says what each statistic is computed over.
/// </summary>
public sealed partial class HistoryGraph
{
    public const int MaxPoints = 480;

    private IReadOnlyList<ChartSeries> _series = [];
    private int _secondsPerPoint = 1;
    private int? _provisionalFrom;
    private bool _stacked = true;

    [Parameter, EditorRequired]
    public HistoryView View { get; set; } = default!;

    /// <summary>What the range is, e.g. "2 hours at 1 minute resolution".</summary>
    [Parameter]
    public string Caption { get; set; } = "";

    [Parameter]
    public string EmptyText { get; set; } = "No traffic in this range";

    [Parameter]
    public string AriaLabel { get; set; } = "Traffic history";

    /// <summary>Called with a span the reader dragged across the graph; stored history zooms, the live hour does not.</summary>
    [Parameter]
    public EventCallback<(DateTimeOffset From, DateTimeOffset To)> OnZoom { get; set; }

    /// <summary>Attacks to shade on the graph.</summary>
    [Parameter]
    public IReadOnlyList<ChartMark> Marks { get; set; } = [];

    [CascadingParameter]
    public DisplayZone? CascadedZone { get; set; }

    private DisplayZone Zone => CascadedZone ?? DisplayZone.Utc;

    /// <summary>What each column is computed over, from the first channel (every channel of a view shares its buckets and samples).</summary>
    private sealed record StatBasis(string Average, string Maximum, string Percentile, string Peak, string PeakHint, string Volume);

    private StatBasis? Basis => View.Channels.Count == 0 ? null : BasisOf(View.Channels[0].Summary);

    private string ProvisionalText => View.BucketSeconds == 1
        ? "Still filling: exporters have not reported these seconds yet."
        : $"Still filling: this {FlowFormat.Span(View.BucketSeconds)} is not over; its rate is that of its complete minutes so far.";

    private string Method
    {
        get
        {
            if (View.Channels.Count == 0 || View.Channels[0].Summary is not { Samples: > 0 } s)
            {
                return $"The 95th percentile needs at least one complete sample of {FlowFormat.Span(RateStatistics.SampleSecondsFor(View.BucketSeconds))} in the range. Times in {Zone.Label(View.Start)}.";
            }

            var billing = s.SampleSeconds == RateStatistics.BillingSampleSeconds ? ", the billing convention" : $" (5-minute samples need minute data; this range is read from {FlowFormat.Span(View.BucketSeconds)} buckets)";
            return $"95th percentile over the {s.Samples:N0} complete samples of {FlowFormat.Span(s.SampleSeconds)} from {Zone.DateMinutes(s.SamplesFrom!.Value)} to "
                + $"{Zone.DateMinutes(s.SamplesTo!.Value)}{billing}; time without data counts as zero traffic. Times in {Zone.Label(View.Start)}.";
        }
    }

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
        _provisionalFrom = View.FillingFrom < buckets ? View.FillingFrom / group : null;
        _series = [.. View.Channels
            .Where(c => !(_stacked && c.ChannelId == ChannelIds.Total) && (c.ChannelId == ChannelIds.Total || c.TotalBytes > 0))
            .Select(c => new ChartSeries(c.Name, c.Color, Points(c.BitsPerSecond, group)))];
    }

    /// <summary>bit/s per bucket to bit/s per point, each point the mean of <paramref name="group"/> buckets (so never above the highest of them).</summary>
    public static double[] Points(IReadOnlyList<double> bitsPerSecond, int group)
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

            points[p] = sum / (end - (p * group));
        }

        return points;
    }

    private StatBasis BasisOf(RateSummary s)
    {
        var span = $"{Zone.ClockMinutes(s.CoveredFrom)}–{Zone.ClockMinutes(s.CoveredTo)}";
        if (s.CoveredTo - s.CoveredFrom > TimeSpan.FromDays(1))
        {
            span = $"{Zone.Format(s.CoveredFrom, "MM-dd HH:mm")}–{Zone.Format(s.CoveredTo, "MM-dd HH:mm")}";
        }

        var bucket = FlowFormat.Span(s.BucketSeconds);
        return new StatBasis(
            $"mean of {span}",
            $"highest {bucket}",
            s.Samples == 0 ? $"no complete {FlowFormat.Span(s.SampleSeconds)}" : $"of {s.Samples:N0} × {FlowFormat.Span(s.SampleSeconds)}",
            s.PeakIsUpperBound ? "≤ sum of sensors'" : "busiest 1 s",
            s.PeakIsUpperBound
                ? "The sensors' busiest seconds added up: an upper bound, as they need not fall in the same second (the other columns are exact sums)"
                : "The busiest second inside the range's buckets",
            span);
    }

    private static string Raw(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

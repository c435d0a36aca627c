using System.Globalization;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Shared;

/// <summary>Lays out the traffic graph: stacks or overlays the series, picks a rounded kbit/s axis and time labels, and writes SVG points.</summary>
public sealed partial class TrafficChart
{
    private const int PlotWidth = 1000;
    private const int PlotHeight = 400;

    [Parameter, EditorRequired]
    public IReadOnlyList<ChartSeries> Series { get; set; } = [];

    /// <summary>Time of the first point.</summary>
    [Parameter]
    public DateTimeOffset Start { get; set; }

    [Parameter]
    public int SecondsPerPoint { get; set; } = 1;

    /// <summary>Series on top of each other (their sum is the top line) rather than each from zero.</summary>
    [Parameter]
    public bool Stacked { get; set; }

    [Parameter]
    public string EmptyText { get; set; } = "No traffic in this time range yet";

    [Parameter]
    public string AriaLabel { get; set; } = "Traffic in kbit/s";

    private sealed record Shape(string Color, string Line, string? Area);

    private readonly List<Shape> _shapes = [];
    private readonly List<double> _ticks = [];
    private readonly List<(double Fraction, string Text)> _timeLabels = [];
    private double _axisMax = 1;
    private double _dataMax;
    private int _points;

    protected override void OnParametersSet()
    {
        _points = Series.Count == 0 ? 0 : Series.Max(s => s.Values.Count);
        var baseline = new double[_points];
        _dataMax = 0;
        foreach (var s in Series)
        {
            for (var i = 0; i < s.Values.Count; i++)
            {
                var top = (Stacked ? baseline[i] : 0) + Math.Max(0, s.Values[i]);
                _dataMax = Math.Max(_dataMax, top);
                if (Stacked)
                {
                    baseline[i] = top;
                }
            }
        }

        _axisMax = NiceCeiling(_dataMax);
        _ticks.Clear();
        for (var i = 0; i <= 4; i++)
        {
            _ticks.Add(_axisMax * i / 4);
        }

        BuildShapes();
        BuildTimeLabels();
    }

    private void BuildShapes()
    {
        _shapes.Clear();
        if (_points < 2)
        {
            return;
        }

        var lower = new double[_points];
        foreach (var s in Series)
        {
            var upper = new double[_points];
            for (var i = 0; i < _points; i++)
            {
                var v = i < s.Values.Count ? Math.Max(0, s.Values[i]) : 0;
                upper[i] = Stacked ? lower[i] + v : v;
            }

            var line = Points(upper, forward: true);
            var area = Stacked ? line + " " + Points(lower, forward: false) : $"{X(0)},{PlotHeight} {line} {X(_points - 1)},{PlotHeight}";
            _shapes.Add(new Shape(s.Color, line, area));
            if (Stacked)
            {
                lower = upper;
            }
        }
    }

    private string Points(double[] values, bool forward)
    {
        var text = new System.Text.StringBuilder();
        for (var n = 0; n < values.Length; n++)
        {
            var i = forward ? n : values.Length - 1 - n;
            text.Append(CultureInfo.InvariantCulture, $"{X(i)},{Y(values[i])} ");
        }

        return text.ToString().TrimEnd();
    }

    private void BuildTimeLabels()
    {
        _timeLabels.Clear();
        if (_points < 2)
        {
            return;
        }

        var span = TimeSpan.FromSeconds((double)(_points - 1) * SecondsPerPoint);
        for (var i = 0; i <= 4; i++)
        {
            var at = Start + (span * i / 4);
            _timeLabels.Add((i / 4.0, TimeLabel(at, span)));
        }
    }

    /// <summary>Seconds for a few minutes, the time of day up to a day, then the date and time, then the date (history ranges).</summary>
    public static string TimeLabel(DateTimeOffset at, TimeSpan span) =>
        span.TotalDays > 7 ? at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : span.TotalHours > 24 ? at.UtcDateTime.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture)
        : span.TotalMinutes > 15 ? FlowFormat.ClockMinutes(at)
        : FlowFormat.Clock(at);

    private string X(int index) => (index * (double)PlotWidth / Math.Max(1, _points - 1)).ToString("0.#", CultureInfo.InvariantCulture);

    private string Y(double value) => (PlotHeight - (PlotHeight * value / _axisMax)).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Pct(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string FormatTick(double value) => value >= 10 || value == 0
        ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>The smallest 1, 2, 2.5 or 5 times a power of ten at or above the value (1 for no data).</summary>
    public static double NiceCeiling(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= value * 0.999999)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }
}

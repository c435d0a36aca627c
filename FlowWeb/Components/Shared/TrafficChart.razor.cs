using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace FlowWeb.Components.Shared;

/// <summary>
/// Lays out the traffic graph: stacks or overlays the series, picks a rounded axis and its unit from the largest
/// value, time labels in the reader's zone, and writes SVG points, the settled part solid and the provisional part
/// (points from <see cref="ProvisionalFrom"/> on) dashed and lighter, so that unsettled data never looks like a drop.
/// </summary>
public sealed partial class TrafficChart : IDisposable
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

    /// <summary>Index of the first point that is still filling (drawn provisional); null when every point is settled.</summary>
    [Parameter]
    public int? ProvisionalFrom { get; set; }

    /// <summary>What the provisional points are, for their legend entry.</summary>
    [Parameter]
    public string ProvisionalText { get; set; } = "Still filling: exporters have not reported all of this time yet.";

    [Parameter]
    public string EmptyText { get; set; } = "No traffic in this time range yet";

    [Parameter]
    public string AriaLabel { get; set; } = "Traffic";

    /// <summary>Called with the span a reader selected by dragging across the graph; the graph is zoomable when set.</summary>
    [Parameter]
    public EventCallback<(DateTimeOffset From, DateTimeOffset To)> OnZoom { get; set; }

    /// <summary>Spans to shade (attacks), clipped to the graph's time range.</summary>
    [Parameter]
    public IReadOnlyList<ChartMark> Marks { get; set; } = [];

    [CascadingParameter]
    public DisplayZone? CascadedZone { get; set; }

    [Inject]
    private IJSRuntime Js { get; set; } = default!;

    private sealed record Shape(string Color, string Line, string? Area, bool Provisional);

    private readonly List<Shape> _shapes = [];

    /// <summary>Reused for the points and hover values (a component renders on its circuit's dispatcher, one call at a time).</summary>
    private readonly StringBuilder _text = new();

    private readonly List<double> _ticks = [];
    private readonly List<(double Fraction, string Text)> _timeLabels = [];
    private readonly List<(ChartMark Mark, double Left, double Width)> _marks = [];
    private ElementReference _element;
    private DotNetObjectReference<TrafficChart>? _self;
    private DisplayUnit _unit = FlowFormat.BitRateUnits[0];
    private string _hoverValues = "";
    private double _axisMax = 1;
    private double _dataMax;
    private int _points;
    private int _provisional;

    private DisplayZone Zone => CascadedZone ?? DisplayZone.Utc;

    private bool Zoomable => OnZoom.HasDelegate;

    protected override void OnParametersSet()
    {
        _points = Series.Count == 0 ? 0 : Series.Max(s => s.Values.Count);
        _provisional = Math.Clamp(ProvisionalFrom ?? _points, 0, _points);
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
        _unit = FlowFormat.BitRateUnit(_axisMax);
        // Round tick labels: 2.5 and 5 split into fifths (0.5, 1), 1 and 2 into quarters (0.25, 0.5).
        var mantissa = _axisMax / Math.Pow(10, Math.Floor(Math.Log10(_axisMax)));
        var intervals = mantissa is > 2.4 and < 2.6 or > 4.9 and < 5.1 ? 5 : 4;
        _ticks.Clear();
        for (var i = 0; i <= intervals; i++)
        {
            _ticks.Add(_axisMax * i / intervals);
        }

        BuildShapes();
        BuildTimeLabels();
        BuildMarks();
        _hoverValues = HoverValues();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && Zoomable)
        {
            _self = DotNetObjectReference.Create(this);
            await Js.InvokeVoidAsync("flowweb.chartZoom", _element, _self);
        }
    }

    /// <summary>Called by the browser with the dragged span as fractions of the plot's width.</summary>
    [JSInvokable]
    public Task ZoomAsync(double fromFraction, double toFraction)
    {
        if (_points < 2 || !double.IsFinite(fromFraction) || !double.IsFinite(toFraction))
        {
            return Task.CompletedTask;
        }

        (fromFraction, toFraction) = (Math.Clamp(Math.Min(fromFraction, toFraction), 0, 1), Math.Clamp(Math.Max(fromFraction, toFraction), 0, 1));
        var span = TimeSpan.FromSeconds((double)(_points - 1) * SecondsPerPoint);
        var from = Start + (span * fromFraction);
        var to = Start + (span * toFraction);

        // A point stands for its whole step: keep at least one.
        return to - from < TimeSpan.FromSeconds(SecondsPerPoint) ? Task.CompletedTask : OnZoom.InvokeAsync((from, to));
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

            // The settled part ends where the provisional part begins; the provisional part starts one point
            // earlier so that the two join.
            AddShape(s.Color, upper, lower, 0, _provisional - 1, provisional: false);
            AddShape(s.Color, upper, lower, Math.Max(0, _provisional - 1), _points - 1, provisional: true);
            if (Stacked)
            {
                lower = upper;
            }
        }
    }

    private void AddShape(string color, double[] upper, double[] lower, int first, int last, bool provisional)
    {
        if (last <= first)
        {
            return;
        }

        // One builder for the component, numbers formatted straight into it: a page redraws every series each second,
        // and a string per coordinate was most of what a live page allocated (dotnet-trace, issue 10).
        var text = _text.Clear();
        AppendPoints(text, upper, first, last, forward: true);
        var line = text.ToString();
        if (Stacked)
        {
            text.Append(' ');
            AppendPoints(text, lower, first, last, forward: false);
        }
        else
        {
            text.Clear()
                .Append(CultureInfo.InvariantCulture, $"{XAt(first):0.#},{PlotHeight} ")
                .Append(line)
                .Append(CultureInfo.InvariantCulture, $" {XAt(last):0.#},{PlotHeight}");
        }

        _shapes.Add(new Shape(color, line, text.ToString(), provisional));
    }

    private void AppendPoints(StringBuilder text, double[] values, int first, int last, bool forward)
    {
        for (var n = first; n <= last; n++)
        {
            var i = forward ? n : last - (n - first);
            if (n > first)
            {
                text.Append(' ');
            }

            text.Append(CultureInfo.InvariantCulture, $"{XAt(i):0.#},{YAt(values[i]):0.#}");
        }
    }

    /// <summary>Every series' values in the axis unit, three significant digits: "1.2,0.87;0.3,0.31" (series by ";", points by ",").</summary>
    private string HoverValues()
    {
        var text = _text.Clear();
        foreach (var s in Series)
        {
            if (text.Length > 0)
            {
                text.Append(';');
            }

            for (var i = 0; i < s.Values.Count; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }

                var v = Math.Max(0, s.Values[i]) / _unit.Scale;
                if (v == 0)
                {
                    text.Append('0');
                }
                else
                {
                    text.Append(CultureInfo.InvariantCulture, $"{v:G3}");
                }
            }
        }

        return text.ToString();
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
            _timeLabels.Add((i / 4.0, TimeLabel(at, span, Zone)));
        }
    }

    private void BuildMarks()
    {
        _marks.Clear();
        if (_points >= 2)
        {
            _marks.AddRange(ChartMark.Layout(Marks, Start, (_points - 1) * (double)SecondsPerPoint));
        }
    }

    /// <summary>Seconds for a few minutes, the time of day up to a day, then the date and time, then the date (history ranges).</summary>
    public static string TimeLabel(DateTimeOffset at, TimeSpan span, DisplayZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return span.TotalDays > 7 ? zone.Date(at)
            : span.TotalHours > 24 ? zone.Format(at, "MM-dd HH:mm")
            : span.TotalMinutes > 15 ? zone.ClockMinutes(at)
            : zone.Clock(at);
    }

    private string AreaOpacity(bool provisional) => Stacked ? (provisional ? "0.3" : "0.75") : (provisional ? "0.04" : "0.08");

    private double XAt(int index) => index * (double)PlotWidth / Math.Max(1, _points - 1);

    private string Y(double value) => YAt(value).ToString("0.#", CultureInfo.InvariantCulture);

    private double YAt(double value) => PlotHeight - (PlotHeight * value / _axisMax);

    private static string Pct(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    /// <summary>A tick in the axis unit, trimmed: 0, 2.5, 250, 1,000.</summary>
    private string FormatTick(double value) => (value / _unit.Scale).ToString("#,0.##", CultureInfo.InvariantCulture);

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

    public void Dispose() => _self?.Dispose();
}

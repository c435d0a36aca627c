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

/// <summary>Scales the values to the box and writes the SVG line and area, or says why there is none.</summary>
public sealed partial class Sparkline
{
    [Parameter]
    public IReadOnlyList<double>? Values { get; set; }

    [Parameter]
    public int Width { get; set; } = 120;

    [Parameter]
    public int Height { get; set; } = 28;

    [Parameter]
    public string Color { get; set; } = "#1976d2";

    [Parameter]
    public string Label { get; set; } = "trend";

    private string _points = "";
    private string _area = "";
    private string? _empty;

    protected override void OnParametersSet()
    {
        var values = Values ?? [];
        _empty = values.Count < 2 ? "no data" : values.All(v => v <= 0) ? "no traffic" : null;
        if (_empty is not null)
        {
            _points = _area = "";
            return;
        }

        var max = Math.Max(values.Max(), 1e-9);
        var top = 2.0;
        var bottom = Height - 1.0;
        var step = Width / (double)(values.Count - 1);
        var points = new System.Text.StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            var y = bottom - ((bottom - top) * Math.Max(0, values[i]) / max);
            points.Append(CultureInfo.InvariantCulture, $"{i * step:0.#},{y:0.#} ");
        }

        _points = points.ToString().TrimEnd();
        _area = string.Create(CultureInfo.InvariantCulture, $"0,{bottom} {_points} {Width},{bottom}");
    }
}

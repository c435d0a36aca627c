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

/// <summary>Parses the rule on every change and points at the first problem with a caret.</summary>
public sealed partial class FilterField
{
    [Parameter]
    public string Text { get; set; } = "";

    [Parameter]
    public EventCallback<string> TextChanged { get; set; }

    [Parameter, EditorRequired]
    public string Field { get; set; } = "";

    [Parameter]
    public string Label { get; set; } = "";

    [Parameter]
    public string? Hint { get; set; }

    [Parameter]
    public string? Placeholder { get; set; }

    [Parameter]
    public string? InputId { get; set; }

    /// <summary>The device's named interfaces, listed under the rule while it mentions an interface field (rules take indexes).</summary>
    [Parameter]
    public IReadOnlyCollection<Core.Interfaces.DeviceInterface>? Interfaces { get; set; }

    /// <summary>Problems the server found that are not in the rule's syntax.</summary>
    [Parameter]
    public IReadOnlyList<string> ServerErrors { get; set; } = [];

    [Inject]
    private Microsoft.Extensions.Options.IOptions<LimitsOptions> Limits { get; set; } = default!;

    private IReadOnlyList<RuleError> _errors = [];
    private (string Line, string Marker)? _caret;

    protected override void OnParametersSet() => Check(Text);

    private async Task OnTextChanged(string? text)
    {
        Check(text ?? "");
        await TextChanged.InvokeAsync(text ?? "");
    }

    private void Check(string text)
    {
        _errors = FilterRule.Parse(text, Limits.Value.Filters).Errors;
        _caret = _errors.Count == 0 ? null : Caret(text, _errors[0].Position);
    }

    private string Describe(RuleError e)
    {
        var (line, column) = LineAndColumn(Text, e.Position);
        return Text.Contains('\n', StringComparison.Ordinal)
            ? $"line {line}, column {column}: {e.Message}"
            : $"position {e.Position}: {e.Message}";
    }

    /// <summary>The line holding a 1-based position, and a caret under it.</summary>
    private static (string Line, string Marker) Caret(string text, int position)
    {
        var (line, column) = LineAndColumn(text, position);
        var lineText = text.Split('\n')[line - 1].TrimEnd('\r');
        return (lineText, new string(' ', Math.Max(0, column - 1)) + "^");
    }

    private static (int Line, int Column) LineAndColumn(string text, int position)
    {
        int line = 1, column = 1;
        for (var i = 0; i < Math.Min(position - 1, text.Length); i++)
        {
            if (text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return (line, column);
    }
}

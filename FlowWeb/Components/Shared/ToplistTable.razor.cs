using System.Globalization;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Shared;

/// <summary>
/// Rows of one toplist period with the host names of their addresses: a row shows its address at once and its
/// name as soon as reverse DNS has it, without waiting for the page's next refresh. Names are looked up only for
/// the rows of the period shown (the toplist's top N), and only while the toplist's and the global reverse DNS
/// switches are on. The filter box matches names as well as the key's cells.
/// </summary>
public sealed partial class ToplistTable
{
    [Parameter, EditorRequired]
    public ToplistDefinition Definition { get; set; } = default!;

    /// <summary>The period to show; null when the sensor is not running.</summary>
    [Parameter]
    public ToplistPeriodResult? Result { get; set; }

    [Inject]
    private ReverseDnsResolver Resolver { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    /// <summary>
    /// A row as shown: the key's cells, the host name for each cell (null where none; <see cref="Names"/> null when
    /// the toplist resolves no names), its counters and its share of the period's bytes in percent.
    /// </summary>
    public sealed record ToplistLine(string[] Cells, string?[]? Names, long Bytes, long Packets, long Flows, double Share);

    private string? _filter;
    private IReadOnlyList<string> _columns = [];
    private ToplistKeys? _keys;
    private ToplistDefinition? _keysFor;
    private HostNameWatch? _names;

    private IReadOnlyList<ToplistLine> Lines { get; set; } = [];

    protected override void OnInitialized() =>
        _names = new HostNameWatch(Resolver, Time, () => InvokeAsync(() =>
        {
            Build();
            StateHasChanged();
        }));

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_keysFor, Definition))
        {
            _keys = new ToplistKeys(Definition.Type, Definition.Fields);
            _columns = _keys.Columns;
            _keysFor = Definition;
        }

        Build();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _names!.Start();
        }
    }

    private void Build()
    {
        var watch = _names!;
        watch.Reset();
        var resolve = Resolver.Resolves(Definition);
        var (a, b) = _keys!.AddressColumns;
        var total = Math.Max(1, Result?.TotalBytes ?? 0);
        Lines = Result is null ? [] : [.. Result.Rows.Select(r =>
        {
            var cells = _keys.Format(r.Key);
            string?[]? names = null;
            if (resolve && a >= 0)
            {
                names = new string?[cells.Length];
                names[a] = watch.Name(r.Key.A);
                if (b >= 0)
                {
                    names[b] = watch.Name(r.Key.B);
                }
            }

            return new ToplistLine(cells, names, r.Bytes, r.Packets, r.Flows, 100.0 * r.Bytes / total);
        })];
    }

    private bool Matches(ToplistLine line)
    {
        if (string.IsNullOrWhiteSpace(_filter))
        {
            return true;
        }

        var text = _filter.Trim();
        return line.Cells.Any(c => c.Contains(text, StringComparison.OrdinalIgnoreCase))
            || (line.Names?.Any(n => n is not null && n.Contains(text, StringComparison.OrdinalIgnoreCase)) ?? false);
    }

    private static string ShareWidth(double share) => Math.Clamp(share, 0, 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    public void Dispose() => _names?.Dispose();
}

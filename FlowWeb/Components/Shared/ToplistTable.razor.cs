using System.Globalization;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Interfaces;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Components.Shared;

/// <summary>
/// Rows of one toplist period with the host names of their addresses: a row shows its address at once and its
/// name as soon as reverse DNS has it, without waiting for the page's next refresh. Names are looked up only for
/// the rows of the period shown (the toplist's top N), and only while the toplist's and the global reverse DNS
/// switches are on. A stored period brings its own names (<see cref="HostNames"/>, those known when it closed) and
/// asks for none. The filter box matches names as well as the key's cells.
/// </summary>
public sealed partial class ToplistTable
{
    [Parameter, EditorRequired]
    public ToplistDefinition Definition { get; set; } = default!;

    /// <summary>The period to show; null when the sensor is not running.</summary>
    [Parameter]
    public ToplistPeriodResult? Result { get; set; }

    /// <summary>
    /// Names stored with a period from history, by key (the names its addresses had when the period closed); when
    /// set, they are shown instead of asking reverse DNS.
    /// </summary>
    [Parameter]
    public IReadOnlyDictionary<ToplistKey, HostNamePair>? HostNames { get; set; }

    /// <summary>Replaces "Top N of M" in the footer (a merge of periods does not know M).</summary>
    [Parameter]
    public string? Caption { get; set; }

    /// <summary>Replaces the approximate badge's explanation.</summary>
    [Parameter]
    public string? ApproximateHint { get; set; }

    /// <summary>Names of the device's interfaces, shown under the index in a custom toplist's interface columns.</summary>
    [Parameter]
    public InterfaceNames? Interfaces { get; set; }

    /// <summary>Replaces the text shown when there are no rows.</summary>
    [Parameter]
    public string? EmptyText { get; set; }

    [Inject]
    private ReverseDnsResolver Resolver { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    // Optional so that component tests without the enrichment registration still render.
    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    private IpEnrichment Enrichment => _enrichment ??= Services.GetService<IpEnrichment>() ?? IpEnrichment.None;

    private IpEnrichment? _enrichment;

    /// <summary>
    /// A row as shown: the key's cells, the host name for each cell (null where none; <see cref="Names"/> null when
    /// the toplist resolves no names), who each address or AS belongs to (<see cref="Owners"/>: "AS15169 GOOGLE, US",
    /// the AS's organisation, the country's name; null when the databases know nothing), its counters and its share
    /// of the period's bytes in percent. One object per position in the list, its contents replaced in place: MudTable
    /// keys its rows by item, and a new object per row and refresh made it (and the browser) build every row afresh on
    /// every refresh, which cost a live page most of its rendering. Per key would not do either: MudTable's rows are
    /// separate render fragments, so a keyed row that moved up or down is built afresh as well.
    /// </summary>
    public sealed class ToplistLine
    {
        public ToplistKey Key { get; set; }

        public string[] Cells { get; set; } = [];

        public string?[]? Names { get; set; }

        public string?[]? Owners { get; set; }

        public long Bytes { get; set; }

        public long Packets { get; set; }

        public long Flows { get; set; }

        public double Share { get; set; }
    }

    private string? _filter;
    private IReadOnlyList<string> _columns = [];
    private ToplistKeys? _keys;
    private ToplistDefinition? _keysFor;
    private int[] _interfaceColumns = [];
    private HostNameWatch? _names;

    private IReadOnlyList<ToplistLine> Lines { get; set; } = [];

    // The lines of the last build by position, what they were built from, and the period as it was then (the footer's
    // totals and the shares are of that moment: the running period's rows are re-read every few seconds, its totals
    // every second).
    private List<ToplistLine> _lines = [];
    private (IReadOnlyList<ToplistRow>? Rows, IReadOnlyDictionary<ToplistKey, HostNamePair>? Stored, InterfaceNames? Interfaces, ToplistDefinition? Definition) _builtFrom;
    private ToplistPeriodResult? _shown;
    private bool _unchanged;

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
            _lines = [];
            _interfaceColumns = Definition.Type == ToplistType.Custom
                ? [.. Definition.Fields.Select((f, i) => (f, i)).Where(x => x.f is ToplistField.InboundInterface or ToplistField.OutboundInterface).Select(x => x.i)]
                : [];
        }

        // The page hands over a new period object every second; while its rows are those already shown, so is the table.
        // (Interface names are a new object on each refresh: they count only for a list with interface columns.)
        var from = (Result?.Rows, HostNames, _interfaceColumns.Length > 0 ? Interfaces : null, Definition);
        if (from == _builtFrom)
        {
            _unchanged = true;
            return;
        }

        _builtFrom = from;
        Build();
    }

    /// <summary>Not after a parameter update that changed nothing shown (a click or a typed filter always renders).</summary>
    protected override bool ShouldRender()
    {
        var render = !_unchanged;
        _unchanged = false;
        return render;
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
        var stored = HostNames;
        var resolve = stored is not null || Resolver.Resolves(Definition);
        var (a, b) = _keys!.AddressColumns;
        var total = Math.Max(1, Result?.TotalBytes ?? 0);
        var rows = Result?.Rows ?? [];
        var lines = _lines;
        if (lines.Count > rows.Count)
        {
            lines.RemoveRange(rows.Count, lines.Count - rows.Count);
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (i == lines.Count)
            {
                lines.Add(new ToplistLine { Key = r.Key, Cells = _keys.Format(r.Key) });
            }

            var line = lines[i];
            if (line.Key != r.Key)
            {
                (line.Key, line.Cells) = (r.Key, _keys.Format(r.Key));
            }

            var cells = line.Cells;
            string?[]? names = null;
            if (resolve && a >= 0)
            {
                names = new string?[cells.Length];
                var pair = stored is null ? default : stored.GetValueOrDefault(r.Key);
                names[a] = stored is null ? watch.Name(r.Key.A) : pair.A;
                if (b >= 0)
                {
                    names[b] = stored is null ? watch.Name(r.Key.B) : pair.B;
                }
            }

            // An interface index gets its name under it, as an address its host name (and the filter finds either).
            if (_interfaceColumns.Length > 0 && Interfaces is { } interfaces)
            {
                foreach (var column in _interfaceColumns)
                {
                    if (uint.TryParse(cells[column], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && interfaces.Find(index) is { } named)
                    {
                        names ??= new string?[cells.Length];
                        names[column] = named.Name;
                    }
                }
            }

            line.Names = names;
            line.Owners = Owners(r.Key, cells.Length, a, b);
            (line.Bytes, line.Packets, line.Flows, line.Share) = (r.Bytes, r.Packets, r.Flows, 100.0 * r.Bytes / total);
        }

        _shown = Result;
        // A new list each build (the same line objects): MudTable takes the items anew when its parameter changes.
        Lines = [.. lines];
    }

    /// <summary>
    /// The row's owners as text in their columns (<see cref="ToplistOwners.OwnersOf"/>: a stored period's as the
    /// databases said when it closed, otherwise looked up now for the rows shown only); null when none is known.
    /// </summary>
    private string?[]? Owners(in ToplistKey key, int columns, int a, int b)
    {
        var pair = HostNames is { } stored ? stored.GetValueOrDefault(key) : default;
        var (ownerA, ownerB) = Enrichment.OwnersOf(Definition, key, pair);
        var kind = Definition.OwnerKind();
        var owners = new string?[columns];
        if (kind is ToplistOwnerKind.As or ToplistOwnerKind.Country)
        {
            owners[0] = kind == ToplistOwnerKind.Country ? ownerA?.CountryName : ownerA?.AsName;
            return owners[0] is null ? null : owners;
        }

        if (kind == ToplistOwnerKind.None || a < 0)
        {
            return null;
        }

        owners[a] = ownerA?.ToString();
        if (b >= 0)
        {
            owners[b] = ownerB?.ToString();
        }

        return owners[a] is null && (b < 0 || owners[b] is null) ? null : owners;
    }

    /// <summary>The hint an AS or country toplist shows while its database is off or failed (names the configuration key).</summary>
    private string? DatabaseHint => Definition.Type switch
    {
        ToplistType.TopSourceAs or ToplistType.TopDestinationAs when Enrichment.Asn is { } s && (s.IsOff || s.Error is not null) => s.Describe(),
        ToplistType.TopCountries when Enrichment.Country is { } s && (s.IsOff || s.Error is not null) => s.Describe(),
        _ => null,
    };

    private bool Matches(ToplistLine line)
    {
        if (string.IsNullOrWhiteSpace(_filter))
        {
            return true;
        }

        var text = _filter.Trim();
        return line.Cells.Any(c => c.Contains(text, StringComparison.OrdinalIgnoreCase))
            || (line.Names?.Any(n => n is not null && n.Contains(text, StringComparison.OrdinalIgnoreCase)) ?? false)
            || (line.Owners?.Any(n => n is not null && n.Contains(text, StringComparison.OrdinalIgnoreCase)) ?? false);
    }

    private static string ShareWidth(double share) => Math.Clamp(share, 0, 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    public void Dispose() => _names?.Dispose();
}

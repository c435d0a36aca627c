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
    /// of the period's bytes in percent.
    /// </summary>
    public sealed record ToplistLine(string[] Cells, string?[]? Names, string?[]? Owners, long Bytes, long Packets, long Flows, double Share);

    private string? _filter;
    private IReadOnlyList<string> _columns = [];
    private ToplistKeys? _keys;
    private ToplistDefinition? _keysFor;
    private int[] _interfaceColumns = [];
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
            _interfaceColumns = Definition.Type == ToplistType.Custom
                ? [.. Definition.Fields.Select((f, i) => (f, i)).Where(x => x.f is ToplistField.InboundInterface or ToplistField.OutboundInterface).Select(x => x.i)]
                : [];
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
        var stored = HostNames;
        var resolve = stored is not null || Resolver.Resolves(Definition);
        var (a, b) = _keys!.AddressColumns;
        var total = Math.Max(1, Result?.TotalBytes ?? 0);
        Lines = Result is null ? [] : [.. Result.Rows.Select(r =>
        {
            var cells = _keys.Format(r.Key);
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

            return new ToplistLine(cells, names, Owners(r.Key, cells.Length, a, b), r.Bytes, r.Packets, r.Flows, 100.0 * r.Bytes / total);
        })];
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

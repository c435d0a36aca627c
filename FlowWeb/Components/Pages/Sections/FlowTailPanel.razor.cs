using System.Globalization;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Interfaces;
using FlowWeb.Core.Live;
using FlowWeb.Core.Rules;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>
/// Reads the sensor's flow tail from the live frame while shown (the collector keeps a tail only while someone reads
/// it, so a closed panel stops the copying within seconds) and filters the records with
/// the filter rule syntax. Addresses of the records shown get their host names (pushed as they arrive) while reverse
/// DNS is on globally and for at least one of the sensor's toplists: a sensor whose toplists all have it off (the
/// demo's, say) sends no lookups for its addresses at all.
/// </summary>
public sealed partial class FlowTailPanel
{
    private const int Kept = 300;

    [Parameter, EditorRequired]
    public SensorLiveSnapshot Snapshot { get; set; } = default!;

    [Inject]
    private SensorLiveState Live { get; set; } = default!;

    [Inject]
    private ReverseDnsResolver Resolver { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    // Optional so that component tests without the enrichment registration still render.
    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    private IpEnrichment Enrichment => _enrichment ??= Services.GetService<IpEnrichment>() ?? IpEnrichment.None;

    private IpEnrichment? _enrichment;

    [CascadingParameter]
    public DisplayZone? CascadedZone { get; set; }

    private DisplayZone Zone => CascadedZone ?? DisplayZone.Utc;

    [Inject]
    private Microsoft.Extensions.Options.IOptions<LimitsOptions> Limits { get; set; } = default!;

    private HostNameWatch? _names;
    private bool _resolve;

    private bool _paused;
    private string _filterText = "";
    private FilterRule? _rule;
    private IReadOnlyList<RuleError> _errors = [];
    private IReadOnlyList<TailedFlow> _rows = [];
    private List<TailedFlow> _shown = [];

    protected override void OnInitialized() =>
        _names = new HostNameWatch(Resolver, Time, () => InvokeAsync(StateHasChanged));

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _names!.Start();
        }
    }

    [Inject]
    private InterfaceCatalog Interfaces { get; set; } = default!;

    private InterfaceNames _interfaces = InterfaceNames.Empty;

    protected override async Task OnParametersSetAsync()
    {
        _interfaces = await Interfaces.ForSensorAsync(Snapshot.Definition);
        _resolve = Snapshot.Definition.Toplists.Any(Resolver.Resolves);
        if (!_paused)
        {
            _rows = Live.Tail(Snapshot.Definition.Id, Kept);
        }

        Apply();
    }

    private void SetFilter(string text)
    {
        _filterText = text ?? "";
        var parsed = FilterRule.Parse(_filterText, Limits.Value.Filters);
        _errors = parsed.Errors;
        _rule = parsed.Rule;
        Apply();
    }

    private void Apply()
    {
        _shown = _rule is null || _rule.IsMatchAll ? [.. _rows] : [.. _rows.Where(f => _rule.Matches(f.Record, f.Exporter, Enrichment))];

        // Names are asked for during the render, for the rows it shows.
        _names!.Reset();
    }

    private string? NameOf(FlowAddress address) => _resolve ? _names!.Name(address) : null;

    /// <summary>"AS15169 GOOGLE, US" for a shown row's address (the record's own AS first); null when nothing is known.</summary>
    private string? OwnerOf(FlowAddress address, uint recordAs) => Enrichment.OwnerOf(address, recordAs)?.ToString();

    /// <summary>"ether1" for a named interface (its index in the tooltip), else the index.</summary>
    private (string Text, string? Title) Interface(uint ifIndex, FlowAddress exporter) =>
        _interfaces.Find(ifIndex, exporter) is { } x ? (x.Name, $"ifIndex {ifIndex}{(x.Description.Length > 0 ? " · " + x.Description : "")}") : (ifIndex.ToString(CultureInfo.InvariantCulture), null);

    private void TogglePaused() => _paused = !_paused;

    public void Dispose()
    {
        _names?.Dispose();
    }
}

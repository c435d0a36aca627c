using FlowWeb.Components.Shared;
using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Interfaces;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>
/// The interfaces of the sFlow agents that send for a device (its address and its sensors' sender addresses), from
/// the live frame's exporters: the collector's tick puts each agent's readings in the frame once a second, so this
/// page costs the collector nothing however many are open.
/// </summary>
public sealed partial class SFlowCountersPanel : LiveComponentBase
{
    /// <summary>The exporter addresses to show (the device's sensors' sender IPs).</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<FlowAddress> Exporters { get; set; } = [];

    /// <summary>The device's interface names, shown under the ifIndex.</summary>
    [Parameter]
    public InterfaceNames Names { get; set; } = InterfaceNames.Empty;

    private List<SFlowInterfaceReading> _rows = [];
    private long _lateCounters;

    protected override void OnParametersSet() => Read();

    protected override Task RefreshAsync()
    {
        Read();
        return Task.CompletedTask;
    }

    private void Read()
    {
        var exporters = Exporters.Select(Live.Exporter).ToList();
        _rows = [.. exporters.SelectMany(e => e?.SFlowInterfaces ?? []).OrderBy(r => r.Agent).ThenBy(r => r.IfIndex)];
        _lateCounters = exporters.Sum(e => e?.SFlowLateCounters ?? 0);
    }

    private static string Delta(long? count) => count is { } c ? FlowFormat.Count(c) : "–";
}

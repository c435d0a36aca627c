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
    private SFlowDrops _drops;

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
        _drops = exporters.Aggregate(default(SFlowDrops), (sum, e) => sum + (e?.SFlowDrops ?? default));
    }

    /// <summary>One line in plain words per kind of sFlow drop that happened since the agents were first heard; none when nothing was lost.</summary>
    internal static IEnumerable<string> DropLines(SFlowDrops drops)
    {
        if (drops.AgentDropped > 0)
        {
            yield return $"{FlowFormat.Count(drops.AgentDropped)} sample(s) dropped by the agents themselves for lack of resources (their drops counters): never sent, so the traffic they stood for is missing from the flows.";
        }

        if (drops.HeadersCutShort > 0)
        {
            yield return $"{FlowFormat.Count(drops.HeadersCutShort)} flow sample(s) with a packet header cut short before the layer it announced: counted, with the addresses or ports it did not hold left unknown.";
        }

        if (drops.UntrackedSourceSamples > 0)
        {
            yield return $"{FlowFormat.Count(drops.UntrackedSourceSamples)} flow sample(s) from data sources beyond the {FlowFormat.Count(SFlowAgent.MaxSources)} followed per agent: counted, but their lost samples and the agent's drops for them are not.";
        }

        if (drops.RefusedInterfaceSamples > 0)
        {
            yield return $"{FlowFormat.Count(drops.RefusedInterfaceSamples)} counters sample(s) for interfaces beyond the {FlowFormat.Count(SFlowAgent.MaxInterfaces)} kept per agent: not shown here and not stored in history.";
        }
    }

    private static string Delta(long? count) => count is { } c ? FlowFormat.Count(c) : "–";
}

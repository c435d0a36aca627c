namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>
/// What an exporter's sFlow agents lost or could not follow, summed over the agents (see <see cref="SFlowAgent"/>):
/// carried in the live frame so that the device page and <c>/metrics</c> show every drop, not only the decoder.
/// </summary>
/// <param name="AgentDropped">Samples the agents dropped themselves for lack of resources (their <c>drops</c> counters' increase): never sent.</param>
/// <param name="HeadersCutShort">Flow samples whose sampled header ended before the layer it announced: counted, without the fields it lacked.</param>
/// <param name="UntrackedSourceSamples">Flow samples from data sources beyond <see cref="SFlowAgent.MaxSources"/>: counted, but their sequence, pool and drops are not followed.</param>
/// <param name="RefusedInterfaceSamples">Counters samples for interfaces beyond <see cref="SFlowAgent.MaxInterfaces"/>: neither kept nor stored in history.</param>
/// <param name="LateCounters">Counters samples that arrived behind their interface's latest (a datagram overtaken on the way): not used for history, which would count their interval twice.</param>
public readonly record struct SFlowDrops(long AgentDropped, long HeadersCutShort, long UntrackedSourceSamples, long RefusedInterfaceSamples, long LateCounters = 0)
{
    internal static SFlowDrops Of(SFlowAgent a) => new(a.AgentDrops, a.HeadersCutShort, a.SourcesRefused, a.InterfacesRefused, a.LateCounters);

    public static SFlowDrops operator +(SFlowDrops a, SFlowDrops b) => a.Add(b);

    public SFlowDrops Add(SFlowDrops other) => new(AgentDropped + other.AgentDropped, HeadersCutShort + other.HeadersCutShort,
        UntrackedSourceSamples + other.UntrackedSourceSamples, RefusedInterfaceSamples + other.RefusedInterfaceSamples, LateCounters + other.LateCounters);
}

using FlowWeb.Core.Decoding.Templates;
using IE = FlowWeb.Core.Decoding.InformationElements;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// Options templates exporters commonly send, with builders for their records: the exporter's boot time
/// (softflowd's IPFIX options record) and sampler tables (Cisco: sampler id → interval, matched by the
/// samplerId in data records).
/// </summary>
public static class OptionsTemplates
{
    private const ushort MeteringProcessId = 143;
    private const ushort V9ScopeSystem = 1;

    /// <summary>IPFIX: scope meteringProcessId(143)/4, then systemInitTimeMilliseconds(160)/8 (as softflowd sends it).</summary>
    public static FlowTemplate IpfixSystemInit(ushort templateId) =>
        new(templateId, [new(MeteringProcessId, 4), new(IE.SystemInitTimeMilliseconds, 8)], scopeFieldCount: 1, isOptions: true);

    /// <summary>IPFIX: scope samplerId(48)/2, then samplerMode(49)/1 and samplingInterval(34)/4.</summary>
    public static FlowTemplate IpfixSamplerTable(ushort templateId) =>
        new(templateId, [new(IE.SamplerId, 2), new(IE.SamplerMode, 1), new(IE.SamplingInterval, 4)], scopeFieldCount: 1, isOptions: true);

    /// <summary>NetFlow v9: scope System/4, then FLOW_SAMPLER_ID(48)/2, FLOW_SAMPLER_MODE(49)/1, FLOW_SAMPLER_RANDOM_INTERVAL(50)/4.</summary>
    public static FlowTemplate NetFlowV9SamplerTable(ushort templateId) =>
        new(templateId, [new(V9ScopeSystem, 4), new(IE.SamplerId, 2), new(IE.SamplerMode, 1), new(IE.SamplerRandomInterval, 4)],
            scopeFieldCount: 1, isOptions: true, scopesAreV9Types: true);

    /// <summary>A record for <see cref="IpfixSystemInit"/>; with no value for IE 160 the encoder writes its own boot time.</summary>
    public static ElementValues SystemInitRecord(long bootTimeMs, uint meteringProcessId = 0) =>
        new ElementValues().SetUnsigned(MeteringProcessId, meteringProcessId).SetUnsigned(IE.SystemInitTimeMilliseconds, (ulong)bootTimeMs);

    /// <summary>One sampler-table row for either sampler template: <paramref name="interval"/> is 1-in-N, mode 1 deterministic / 2 random.</summary>
    public static ElementValues SamplerRecord(ushort samplerId, uint interval, byte mode = 2, uint systemScope = 0) =>
        new ElementValues()
            .SetUnsigned(V9ScopeSystem, systemScope)
            .SetUnsigned(IE.SamplerId, samplerId)
            .SetUnsigned(IE.SamplerMode, mode)
            .SetUnsigned(IE.SamplingInterval, interval)
            .SetUnsigned(IE.SamplerRandomInterval, interval);
}

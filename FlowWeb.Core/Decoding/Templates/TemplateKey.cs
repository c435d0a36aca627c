using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding.Templates;

/// <summary>
/// What identifies a template (protocols.md §4.1): the exporter's address, the protocol version, the v9
/// source id / IPFIX observation domain and the template id. The same id 256 is used by many exporters and
/// by several domains of one exporter.
/// </summary>
public readonly record struct TemplateKey(FlowAddress Exporter, byte Version, uint Domain, ushort TemplateId);

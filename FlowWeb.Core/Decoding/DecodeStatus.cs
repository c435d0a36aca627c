namespace FlowWeb.Core.Decoding;

/// <summary>
/// What happened to one datagram (or one part of it). Every value other than <see cref="Ok"/> is counted per
/// exporter and reason; names are stable because they appear in metrics and the UI.
/// </summary>
public enum DecodeStatus : byte
{
    Ok = 0,

    /// <summary>Shorter than the fixed header of its version.</summary>
    TooShort,

    /// <summary>Version field is not 1, 5, 9 or 10 (or a 32-bit 5: sFlow v5).</summary>
    UnsupportedVersion,

    /// <summary>v1/v5: header count is 0 or above the protocol maximum (24 / 30).</summary>
    BadRecordCount,

    /// <summary>v1/v5: datagram length does not match header + count records; IPFIX: message length does not match the datagram.</summary>
    LengthMismatch,

    /// <summary>A v9 flowset / IPFIX set length is shorter than its header or runs past the end of the packet.</summary>
    BadSetLength,

    /// <summary>A template or options template record is malformed (too short, field count does not fit, bad scope).</summary>
    BadTemplate,

    /// <summary>A set id in the reserved range (v9 2..255, IPFIX 0, 1, 4..255).</summary>
    ReservedSetId,

    /// <summary>A data set whose template is not known yet; it was held (see pending counters) or dropped if the hold was full.</summary>
    TemplateMissing,

    /// <summary>A data record whose variable-length field runs past the end of its set.</summary>
    BadVariableLength,

    /// <summary>A template was refused because a template cap was reached.</summary>
    TemplateLimit,

    /// <summary>Data waiting for its template was dropped because the hold was full.</summary>
    PendingOverflow,

    /// <summary>Data waiting for its template expired before the template arrived.</summary>
    PendingExpired,

    /// <summary>An exporter was refused because the exporter table is full of protected exporters (none could be evicted).</summary>
    ExporterLimit,

    /// <summary>Bytes after the last whole record (v1/v5) or after the IPFIX message length; the records were decoded.</summary>
    TrailingBytes,

    /// <summary>A template's records have length 0, so its data cannot be decoded.</summary>
    EmptyTemplate,

    /// <summary>The sender is outside <c>Collector:AllowedExporters</c>; nothing of the datagram was decoded or kept.</summary>
    ExporterNotAllowed,

    /// <summary>A datagram carried more records than <c>Decoder:MaxRecordsPerDatagram</c>; the rest were dropped and counted.</summary>
    RecordLimit,

    /// <summary>sFlow: the agent address type is not 0 (unknown), 1 (IPv4) or 2 (IPv6); the datagram cannot be read.</summary>
    SflowBadAddressType,

    /// <summary>sFlow: the datagram ends before the number of samples its header announces.</summary>
    SflowSampleCountMismatch,

    /// <summary>sFlow: a sample's length runs past the datagram or is shorter than the sample's fixed fields.</summary>
    SflowBadSampleLength,

    /// <summary>sFlow: a flow or counter record runs past its sample or is shorter than its structure; the sample was skipped.</summary>
    SflowBadRecordLength,

    /// <summary>sFlow: the exporter sends for more agents (address and sub-agent) than are kept per exporter.</summary>
    SflowAgentLimit,
}

public static class DecodeStatusNames
{
    private static readonly string[] Names = Enum.GetNames<DecodeStatus>()
        .Select(n => string.Concat(n.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())))
        .ToArray();

    public static int Count => Names.Length;

    /// <summary>snake_case name used in metrics labels and the decode tool's summary.</summary>
    public static string ToLabel(this DecodeStatus status) => Names[(int)status];
}

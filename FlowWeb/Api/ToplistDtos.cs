using System.Text.Json.Serialization;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Api;

/// <summary>A toplist of a sensor and the periods that can be read: the running one and the completed ones kept in memory.</summary>
internal sealed record ToplistSummaryResponse(
    int Id,
    string Name,
    ToplistType Type,
    IReadOnlyList<ToplistField> Fields,
    int PeriodMinutes,
    int Count,
    DateTimeOffset? RunningPeriodStart,
    IReadOnlyList<DateTimeOffset> CompletedPeriodStarts);

/// <summary>One period of a toplist: its totals and its top rows, largest first.</summary>
internal sealed record ToplistResponse(
    Guid SensorId,
    int ToplistId,
    string Name,
    ToplistType Type,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    bool Running,
    long TotalBytes,
    long TotalPackets,
    long TotalFlows,
    int DistinctKeys,
    bool Approximate,
    long ErrorBound,
    IReadOnlyList<ToplistRowResponse> Rows);

/// <summary>
/// One ranked row. Only the key columns of the toplist's type are present: Top Connections have source and
/// destination address and port and the protocol; Top Talkers the two hosts (<see cref="Address"/> and
/// <see cref="PeerAddress"/>, lower address first); Top IP <see cref="Address"/>; Top Source/Destination IP their
/// address; Top Protocols the protocol and its service port; a custom toplist its chosen fields.
/// </summary>
internal sealed record ToplistRowResponse
{
    public int Rank { get; init; }

    /// <summary>The key as one line of text, e.g. <c>192.168.88.10:51234 -&gt; 203.0.113.7:443 TCP</c>.</summary>
    public string Label { get; init; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Address { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PeerAddress { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SourceAddress { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DestinationAddress { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NextHop { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SourcePort { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DestinationPort { get; init; }

    /// <summary>Top Protocols: the service port (the lower of the two ports); absent for protocols without ports.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Port { get; init; }

    /// <summary>The IANA protocol number.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Protocol { get; init; }

    /// <summary>The protocol's IANA keyword (TCP, UDP, ICMP...), or the number as text when it has none here.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ProtocolName { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? InboundInterface { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? OutboundInterface { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SourceAs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? DestinationAs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Dscp { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Vlan { get; init; }

    /// <summary>The name reverse DNS found for the row's address, when it was stored with the row (toplist history).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HostName { get; init; }

    public long Bytes { get; init; }

    public long Packets { get; init; }

    public long Flows { get; init; }

    /// <summary>This row's bytes as a fraction (0 to 1) of all bytes the toplist counted in the period.</summary>
    public double Share { get; init; }

    /// <summary>True when the counts are upper bounds: the period had more distinct keys than the toplist counts exactly.</summary>
    public bool Approximate { get; init; }

    /// <summary>How many of <see cref="Bytes"/> may be overcounted (0 when exact).</summary>
    public long ErrorBytes { get; init; }
}

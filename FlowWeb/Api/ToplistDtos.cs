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
/// address; Top Protocols the protocol and its service port; a custom toplist its chosen fields. Each address has
/// a <c>...HostName</c> beside it when reverse DNS knows its name (absent while unknown, or when the toplist's or
/// the global reverse DNS switch is off).
/// </summary>
internal sealed record ToplistRowResponse
{
    public int Rank { get; init; }

    /// <summary>The key as one line of text, e.g. <c>192.168.88.10:51234 -&gt; 203.0.113.7:443 TCP</c>.</summary>
    public string Label { get; init; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Address { get; init; }

    /// <summary>The reverse DNS name of <see cref="Address"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HostName { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PeerAddress { get; init; }

    /// <summary>The reverse DNS name of <see cref="PeerAddress"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PeerHostName { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SourceAddress { get; init; }

    /// <summary>The reverse DNS name of <see cref="SourceAddress"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SourceHostName { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DestinationAddress { get; init; }

    /// <summary>The reverse DNS name of <see cref="DestinationAddress"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DestinationHostName { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NextHop { get; init; }

    /// <summary>The reverse DNS name of <see cref="NextHop"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NextHopHostName { get; init; }

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

    /// <summary>The organisation of <see cref="SourceAs"/> (Top Source AS), from the AS database.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SourceAsName { get; init; }

    /// <summary>The organisation of <see cref="DestinationAs"/> (Top Destination AS), from the AS database.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DestinationAsName { get; init; }

    /// <summary>Top Countries: the ISO 3166 two-letter code, or "Unknown" for flows with no country on either side.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Country { get; init; }

    /// <summary>The country's English name, from the country database.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CountryName { get; init; }

    /// <summary>AS and country of <see cref="Address"/> (absent when neither is known or the databases are off).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AddressOwnerResponse? Owner { get; init; }

    /// <summary>AS and country of <see cref="PeerAddress"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AddressOwnerResponse? PeerOwner { get; init; }

    /// <summary>AS and country of <see cref="SourceAddress"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AddressOwnerResponse? SourceOwner { get; init; }

    /// <summary>AS and country of <see cref="DestinationAddress"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AddressOwnerResponse? DestinationOwner { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Dscp { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Vlan { get; init; }

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

/// <summary>
/// Who an address belongs to, from the AS and country databases (<c>Enrichment:AsnDatabase</c>,
/// <c>Enrichment:CountryDatabase</c>), looked up when the row is read.
/// </summary>
internal sealed record AddressOwnerResponse(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? As,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AsName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Country,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CountryName)
{
    public static AddressOwnerResponse? From(Core.Enrichment.AddressOwner? owner) =>
        owner is null ? null : new(owner.As == 0 ? null : owner.As, owner.AsName, owner.Country, owner.CountryName);
}

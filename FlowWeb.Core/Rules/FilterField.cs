namespace FlowWeb.Core.Rules;

/// <summary>What a condition tests; "either side" fields match when the source or the destination value matches.</summary>
internal enum FilterField : byte
{
    Ip,
    SourceIp,
    DestinationIp,
    NextHop,
    SenderIp,
    Port,
    SourcePort,
    DestinationPort,
    Protocol,
    Tos,
    Dscp,
    Interface,
    InboundInterface,
    OutboundInterface,
    Asi,
    SourceAsi,
    DestinationAsi,
    Mac,
    SourceMac,
    DestinationMac,
    SourceMask,
    DestinationMask,
    Vlan,
    SourceVlan,

    // Enriched: the record's AS when the exporter sent one, else the AS database's; countries from the country database.
    As,
    SourceAs,
    DestinationAs,
    Country,
    SourceCountry,
    DestinationCountry,
}

/// <summary>How the text between the brackets is read.</summary>
internal enum FilterValueKind : byte
{
    Address,
    Number,
    Protocol,
    Dscp,
    Mac,

    /// <summary>Two-letter ISO country codes (US, DE), packed by <see cref="Enrichment.CountryCode"/>.</summary>
    Country,
}

/// <summary>One field name of the filter syntax (prtg-sensors.md §1.3) with the range its numbers may take.</summary>
internal sealed record FilterFieldInfo(string Name, FilterField Field, FilterValueKind Kind, ulong Max = 0, string? NotSupported = null)
{
    private static readonly FilterFieldInfo[] All =
    [
        new("IP", FilterField.Ip, FilterValueKind.Address),
        new("SourceIP", FilterField.SourceIp, FilterValueKind.Address),
        new("DestinationIP", FilterField.DestinationIp, FilterValueKind.Address),
        new("NextHop", FilterField.NextHop, FilterValueKind.Address),
        new("SenderIP", FilterField.SenderIp, FilterValueKind.Address),
        new("Port", FilterField.Port, FilterValueKind.Number, ushort.MaxValue),
        new("SourcePort", FilterField.SourcePort, FilterValueKind.Number, ushort.MaxValue),
        new("DestinationPort", FilterField.DestinationPort, FilterValueKind.Number, ushort.MaxValue),
        new("Protocol", FilterField.Protocol, FilterValueKind.Protocol, byte.MaxValue),
        new("TOS", FilterField.Tos, FilterValueKind.Number, byte.MaxValue),
        new("DSCP", FilterField.Dscp, FilterValueKind.Dscp, 63),
        new("Interface", FilterField.Interface, FilterValueKind.Number, uint.MaxValue),
        new("InboundInterface", FilterField.InboundInterface, FilterValueKind.Number, uint.MaxValue),
        new("OutboundInterface", FilterField.OutboundInterface, FilterValueKind.Number, uint.MaxValue),
        new("ASI", FilterField.Asi, FilterValueKind.Number, uint.MaxValue),
        new("SourceASI", FilterField.SourceAsi, FilterValueKind.Number, uint.MaxValue),
        new("DestinationASI", FilterField.DestinationAsi, FilterValueKind.Number, uint.MaxValue),
        new("MAC", FilterField.Mac, FilterValueKind.Mac),
        new("SourceMAC", FilterField.SourceMac, FilterValueKind.Mac),
        new("DestinationMAC", FilterField.DestinationMac, FilterValueKind.Mac),

        // PRTG names the source prefix length plain "Mask"; SourceMask is accepted as the explicit spelling.
        new("Mask", FilterField.SourceMask, FilterValueKind.Number, 128),
        new("SourceMask", FilterField.SourceMask, FilterValueKind.Number, 128),
        new("DestinationMask", FilterField.DestinationMask, FilterValueKind.Number, 128),

        // Records carry one VLAN (IPFIX vlanId, 58), the ingress/source VLAN, so VLAN and SourceVLAN test the same value.
        new("VLAN", FilterField.Vlan, FilterValueKind.Number, 4095),
        new("SourceVLAN", FilterField.SourceVlan, FilterValueKind.Number, 4095),
        new("DestinationVLAN", FilterField.Vlan, FilterValueKind.Number, 4095,
            "DestinationVLAN is not supported yet: flow records keep only the source VLAN (vlanId, 58); use VLAN or SourceVLAN"),

        // AS numbers as the exporter sent them or, where it sent none, from Enrichment:AsnDatabase; countries from
        // Enrichment:CountryDatabase. SourceASI and friends stay the exporter's value only, as PRTG has them.
        new("AS", FilterField.As, FilterValueKind.Number, uint.MaxValue),
        new("SourceAS", FilterField.SourceAs, FilterValueKind.Number, uint.MaxValue),
        new("DestinationAS", FilterField.DestinationAs, FilterValueKind.Number, uint.MaxValue),
        new("Country", FilterField.Country, FilterValueKind.Country),
        new("SourceCountry", FilterField.SourceCountry, FilterValueKind.Country),
        new("DestinationCountry", FilterField.DestinationCountry, FilterValueKind.Country),
    ];

    /// <summary>Whether testing the field takes a database lookup per side (counted in the rule's cost).</summary>
    public bool IsEnriched => Field is FilterField.As or FilterField.SourceAs or FilterField.DestinationAs
        or FilterField.Country or FilterField.SourceCountry or FilterField.DestinationCountry;

    private static readonly Dictionary<string, FilterFieldInfo> ByName =
        All.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    public static bool TryFind(string name, out FilterFieldInfo field) => ByName.TryGetValue(name, out field!);
}

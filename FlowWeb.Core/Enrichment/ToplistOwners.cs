using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Enrichment;

/// <summary>What a toplist's rows have an owner for (<see cref="ToplistOwners.OwnerKind"/>).</summary>
public enum ToplistOwnerKind
{
    /// <summary>Nothing (Top Protocols).</summary>
    None,

    /// <summary>The key's AS (Top Source/Destination AS): its name, in the first owner.</summary>
    As,

    /// <summary>The key's country (Top Countries): its name, in the first owner.</summary>
    Country,

    /// <summary>The key's addresses, A and B (a custom key without addresses has none: no owner).</summary>
    Addresses,
}

/// <summary>
/// Who a toplist row's AS, country or addresses belong to, decided in one place for the table, the API and the
/// history feed. A closed period's owners are stored as the databases said at that moment, beside the host names
/// (<see cref="HostNamePair.OwnerA"/>): history then shows what was true then, not what a later database says; rows
/// without them (running periods, periods stored before owners were) are looked up now. Looked up once per stored
/// row (a few hundred binary searches per period), off the receive path.
/// </summary>
public static class ToplistOwners
{
    public static ToplistOwnerKind OwnerKind(this ToplistDefinition toplist)
    {
        ArgumentNullException.ThrowIfNull(toplist);
        return toplist.Type switch
        {
            ToplistType.TopSourceAs or ToplistType.TopDestinationAs => ToplistOwnerKind.As,
            ToplistType.TopCountries => ToplistOwnerKind.Country,
            ToplistType.TopConnections or ToplistType.TopTalkers or ToplistType.TopSourceIp or ToplistType.TopDestinationIp or ToplistType.TopIp
                or ToplistType.Custom => ToplistOwnerKind.Addresses,
            _ => ToplistOwnerKind.None,
        };
    }

    /// <summary>
    /// The owners to show for a row: those recorded with it (<see cref="HostNamePair.OwnersRecorded"/>, shown as they
    /// are, also when null), else looked up now. A is the key's AS or country (<see cref="ToplistOwnerKind.As"/>,
    /// <see cref="ToplistOwnerKind.Country"/>) or its A address; B its B address.
    /// </summary>
    public static (AddressOwner? A, AddressOwner? B) OwnersOf(this IpEnrichment enrichment, ToplistDefinition toplist, in ToplistKey key, HostNamePair names)
    {
        ArgumentNullException.ThrowIfNull(enrichment);
        return names.OwnersRecorded ? (names.OwnerA, names.OwnerB) : enrichment.Lookup(toplist.OwnerKind(), key);
    }

    /// <summary>
    /// <paramref name="names"/> (or empty names) with the rows' owners recorded; unchanged when no database that the
    /// toplist type would show is loaded (nothing to record, and "nothing known" must not hide a later lookup) or
    /// the type has no address, AS or country in its key (a custom toplist: no source or destination address).
    /// </summary>
    public static HostNamePair[]? WithOwners(this IpEnrichment? enrichment, ToplistDefinition toplist, IReadOnlyList<ToplistRow> rows, HostNamePair[]? names)
    {
        ArgumentNullException.ThrowIfNull(toplist);
        ArgumentNullException.ThrowIfNull(rows);
        if (enrichment is null || rows.Count == 0)
        {
            return names;
        }

        bool asn = enrichment.Asn.Data is not null, country = enrichment.Country.Data is not null;
        var kind = toplist.OwnerKind();
        var record = kind switch
        {
            ToplistOwnerKind.As => asn,
            ToplistOwnerKind.Country => country,
            ToplistOwnerKind.Addresses => (asn || country)
                && (toplist.Type != ToplistType.Custom || toplist.Fields.Any(f => f is ToplistField.SourceIp or ToplistField.DestinationIp)),
            _ => false,
        };
        if (!record)
        {
            return names;
        }

        var result = new HostNamePair[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var (a, b) = enrichment.Lookup(kind, rows[i].Key);
            var pair = names is not null && i < names.Length ? names[i] : default;
            result[i] = pair with { OwnersRecorded = true, OwnerA = a, OwnerB = b };
        }

        return result;
    }

    private static (AddressOwner? A, AddressOwner? B) Lookup(this IpEnrichment e, ToplistOwnerKind kind, in ToplistKey k) => kind switch
    {
        ToplistOwnerKind.As => (new AddressOwner(k.Number1, e.AsName(k.Number1), null, null), null),
        ToplistOwnerKind.Country => (new AddressOwner(0, null, CountryCode.Unpack(k.Number1), e.CountryName(k.Number1)), null),
        ToplistOwnerKind.Addresses => (e.OwnerOf(k.A), e.OwnerOf(k.B)),
        _ => (null, null),
    };
}

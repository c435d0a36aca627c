using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Enrichment;

/// <summary>
/// The AS and country of a closed period's rows as the databases say at that moment, stored with the period beside
/// the host names (<see cref="HostNamePair.OwnerA"/>): history then shows what was true then, not what a later
/// database says. Looked up once per stored row (a few hundred binary searches per period), off the receive path.
/// </summary>
public static class ToplistOwners
{
    /// <summary>
    /// <paramref name="names"/> (or empty names) with the rows' owners recorded; unchanged when no database that the
    /// toplist type would show is loaded (nothing to record, and "nothing known" must not hide a later lookup) or
    /// the type has no address, AS or country in its key.
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
        Func<ToplistKey, (AddressOwner? A, AddressOwner? B)>? owners = toplist.Type switch
        {
            ToplistType.TopSourceAs or ToplistType.TopDestinationAs when asn =>
                k => (new AddressOwner(k.Number1, enrichment.AsName(k.Number1), null, null), null),
            ToplistType.TopCountries when country =>
                k => (new AddressOwner(0, null, CountryCode.Unpack(k.Number1), enrichment.CountryName(k.Number1)), null),
            ToplistType.TopConnections or ToplistType.TopTalkers or ToplistType.TopSourceIp or ToplistType.TopDestinationIp or ToplistType.TopIp
                when asn || country => k => (enrichment.OwnerOf(k.A), enrichment.OwnerOf(k.B)),
            ToplistType.Custom when (asn || country)
                && toplist.Fields.Any(f => f is ToplistField.SourceIp or ToplistField.DestinationIp) => k => (enrichment.OwnerOf(k.A), enrichment.OwnerOf(k.B)),
            _ => null,
        };
        if (owners is null)
        {
            return names;
        }

        var result = new HostNamePair[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var (a, b) = owners(rows[i].Key);
            var pair = names is not null && i < names.Length ? names[i] : default;
            result[i] = pair with { OwnersRecorded = true, OwnerA = a, OwnerB = b };
        }

        return result;
    }
}

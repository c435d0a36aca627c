using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Enrichment;

/// <summary>
/// Who an address belongs to, as the databases say: its AS (number and organisation) and its country. Shown beside
/// addresses as host names are; looked up when a row is shown, never stored (a lookup is a local binary search, and
/// the AS of an address changes far more slowly than its PTR record).
/// </summary>
public sealed record AddressOwner(uint As, string? AsName, string? Country, string? CountryName)
{
    /// <summary>One line: "AS15169 GOOGLE, US".</summary>
    public override string ToString()
    {
        var asText = As == 0 ? null : AsName is null ? ToplistKeys.AsText(As) : $"{ToplistKeys.AsText(As)} {AsName}";
        return asText is null ? Country ?? "" : Country is null ? asText : $"{asText}, {Country}";
    }
}

public sealed partial class IpEnrichment
{
    /// <summary>The AS and country of an address; null when neither is known (private space, or the databases are off).</summary>
    public AddressOwner? OwnerOf(in FlowAddress address, uint recordAs = 0)
    {
        if (address.IsNone)
        {
            return null;
        }

        var asn = AsOf(recordAs, address);
        var country = CountryOf(address);
        return asn == 0 && country == 0 ? null : new AddressOwner(asn, AsName(asn), CountryCode.Unpack(country), CountryName(country));
    }
}

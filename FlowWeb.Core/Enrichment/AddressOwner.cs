using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Enrichment;

/// <summary>
/// Who an address belongs to, as the databases say: its AS (number and organisation) and its country. Shown beside
/// addresses as host names are; looked up when a live row is shown, and stored with each closed toplist period (as
/// host names are), so that history shows what the databases said then.
/// </summary>
public sealed record AddressOwner(uint As, string? AsName, string? Country, string? CountryName)
{
    /// <summary>Longest stored form (AS organisations run to ~100 characters).</summary>
    public const int MaxStoredLength = 300;

    /// <summary>The stored form: "AS\tcountry code\tcountry name\tAS name" ("" for none: looked up, nothing known).</summary>
    public static string Store(AddressOwner? owner)
    {
        if (owner is null)
        {
            return "";
        }

        var text = string.Join('\t', owner.As.ToString(System.Globalization.CultureInfo.InvariantCulture), owner.Country ?? "", Clean(owner.CountryName), Clean(owner.AsName));
        return text.Length <= MaxStoredLength ? text : text[..MaxStoredLength];
    }

    /// <summary>The owner of a stored form; null for "" or a form this version cannot read.</summary>
    public static AddressOwner? Parse(string? stored)
    {
        var parts = stored?.Split('\t', 4);
        if (parts is not { Length: 4 } || !uint.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var asn))
        {
            return null;
        }

        return new AddressOwner(asn, Empty(parts[3]), Empty(parts[1]), Empty(parts[2]));
    }

    private static string Clean(string? text) => text?.Replace('\t', ' ') ?? "";

    private static string? Empty(string text) => text.Length == 0 ? null : text;

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

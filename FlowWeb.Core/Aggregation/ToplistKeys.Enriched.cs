using System.Globalization;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Aggregation;

/// <summary>The keys of the AS and country toplists (their lookups are in <see cref="Enrichment.IpEnrichment"/>).</summary>
public sealed partial class ToplistKeys
{
    /// <summary>What an AS or country key of 0 shows: neither the exporter nor the database knew it (private and unrouted space, or the database is off).</summary>
    public const string Unknown = "Unknown";

    /// <summary>An AS number as network engineers write it ("AS15169"); <see cref="Unknown"/> for 0.</summary>
    public static string AsText(uint asn) => asn == 0 ? Unknown : "AS" + asn.ToString(CultureInfo.InvariantCulture);

    /// <summary>Top Countries: the country of each side that has one (once when both share it), else one Unknown key.</summary>
    private int CountryKeys(in FlowRecord r, Span<ToplistKey> keys)
    {
        uint source = _enrichment.CountryOf(r.SrcAddr), destination = _enrichment.CountryOf(r.DstAddr);
        var n = 0;
        if (source != 0)
        {
            keys[n++] = new ToplistKey(default, number1: source);
        }

        if (destination != 0 && destination != source)
        {
            keys[n++] = new ToplistKey(default, number1: destination);
        }

        if (n == 0)
        {
            keys[n++] = new ToplistKey(default);
        }

        return n;
    }
}

namespace FlowWeb.Tests.Enrichment;

/// <summary>Small databases in the layouts of the free downloads, over documentation and well-known addresses.</summary>
internal static class TestDatabases
{
    public static Dictionary<string, object> GeoLiteAsn(uint asn, string organisation) =>
        new() { ["autonomous_system_number"] = asn, ["autonomous_system_organization"] = organisation };

    public static Dictionary<string, object> GeoLiteCountry(string iso, string name) => new()
    {
        ["continent"] = new Dictionary<string, object> { ["code"] = "XX", ["geoname_id"] = 1u },
        ["country"] = new Dictionary<string, object>
        {
            ["geoname_id"] = 6252001u,
            ["iso_code"] = iso,
            ["names"] = new Dictionary<string, object> { ["de"] = name + " (de)", ["en"] = name },
        },
    };

    /// <summary>IPinfo lite: AS and country in one flat record, the AS number as text.</summary>
    public static Dictionary<string, object> IpinfoLite(string asn, string asName, string countryCode, string country) => new()
    {
        ["asn"] = asn,
        ["as_name"] = asName,
        ["as_domain"] = "example.com",
        ["country_code"] = countryCode,
        ["country"] = country,
        ["continent_code"] = "NA",
        ["continent"] = "North America",
    };

    /// <summary>GeoLite2-ASN: Google's 8.8.8.0/24 and 2001:4860::/32, Cloudflare's 1.1.1.0/24, a documentation /24 in AS 64500.</summary>
    public static void WriteAsn(string path, uint documentationAs = 64500, string documentationName = "Example Transit") =>
        new MmdbWriter("GeoLite2-ASN")
            .Add("8.8.8.0/24", GeoLiteAsn(15169, "GOOGLE"))
            .Add("1.1.1.0/24", GeoLiteAsn(13335, "CLOUDFLARENET"))
            .Add("203.0.113.0/24", GeoLiteAsn(documentationAs, documentationName))
            .Add("2001:4860::/32", GeoLiteAsn(15169, "GOOGLE"))
            .Save(path);

    /// <summary>GeoLite2-Country: 8.8.8.0/24 and 2001:4860::/32 US, 1.1.1.0/24 AU, 203.0.113.0/24 DE.</summary>
    public static void WriteCountry(string path, string documentationCountry = "DE", string documentationName = "Germany") =>
        new MmdbWriter("GeoLite2-Country")
            .Add("8.8.8.0/24", GeoLiteCountry("US", "United States"))
            .Add("1.1.1.0/24", GeoLiteCountry("AU", "Australia"))
            .Add("203.0.113.0/24", GeoLiteCountry(documentationCountry, documentationName))
            .Add("2001:4860::/32", GeoLiteCountry("US", "United States"))
            .Save(path);
}

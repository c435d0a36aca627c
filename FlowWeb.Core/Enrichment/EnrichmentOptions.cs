namespace FlowWeb.Core.Enrichment;

/// <summary>
/// AS and country enrichment (configuration section <c>Enrichment</c>): two MaxMind-format files the user provides
/// (GeoLite2-ASN/Country, DB-IP lite, IPinfo lite, or a CC0 country database). Either may be left empty: that part
/// of the feature is then off, and the pages say which key turns it on.
/// </summary>
public sealed class EnrichmentOptions
{
    public const string SectionName = "Enrichment";

    /// <summary>Path of an MMDB file with AS numbers (GeoLite2-ASN, DB-IP ASN lite, IPinfo lite); empty = off.</summary>
    public string? AsnDatabase { get; set; }

    /// <summary>Path of an MMDB file with countries (GeoLite2-Country, DB-IP country lite, IPinfo lite); empty = off.</summary>
    public string? CountryDatabase { get; set; }

    /// <summary>
    /// Seconds between checks of the files' size and modification time; a change loads the file again and swaps the
    /// tables in at once. Polled rather than watched: inotify does not see changes made through many Docker volume
    /// and network mounts, and a database changes at most daily.
    /// </summary>
    public int CheckSeconds { get; set; } = 60;

    public IEnumerable<string> Validate()
    {
        if (CheckSeconds is < 1 or > 86_400)
        {
            yield return $"{SectionName}:{nameof(CheckSeconds)} must be 1 to 86400 (was {CheckSeconds}).";
        }
    }
}

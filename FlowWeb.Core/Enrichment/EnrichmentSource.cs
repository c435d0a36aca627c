namespace FlowWeb.Core.Enrichment;

/// <summary>
/// One configured database as pages show it: off (no path), loaded (its tables), or failed (a message naming the
/// configuration key). A failed reload keeps the tables of the last good load, so a half-copied file never blanks
/// the AS columns; the message says so.
/// </summary>
public sealed record EnrichmentSource(string Key, string? Path, FlattenedDatabase? Data, string? Error, DateTimeOffset? LoadedAt)
{
    public bool IsOff => string.IsNullOrWhiteSpace(Path);

    public IpRangeTable Ranges => Data?.Ranges ?? IpRangeTable.Empty;

    /// <summary>One line for the UI: how to turn it on, what is loaded, or what went wrong.</summary>
    public string Describe() =>
        IsOff ? $"Off: set {Key} to the path of an MMDB file to turn it on."
        : Error is not null ? Error
        : Data is { } d ? $"{Key}: {Path} ({d.DatabaseType}, built {d.BuildDate:yyyy-MM-dd}, {d.Ranges.Count:N0} ranges), loaded {LoadedAt:u}."
        : $"{Key}: {Path} not loaded yet.";
}

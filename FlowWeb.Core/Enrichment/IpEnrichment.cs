using FlowWeb.Core.Flows;
using MaxMind.Db;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Enrichment;

/// <summary>
/// AS numbers, AS names and countries of addresses, from the databases of <see cref="EnrichmentOptions"/>. The
/// collector's receive threads look up here for the AS and country toplists and filters (a flattened range table:
/// see <see cref="IpRangeTable"/>); pages look up the names of the rows they show. Both read the current tables
/// through one volatile reference that <see cref="Refresh"/> replaces whole when a file changed, so a reload never
/// blocks a lookup and no lookup sees half of one load and half of another.
/// </summary>
public sealed partial class IpEnrichment
{
    public const string AsnKey = EnrichmentOptions.SectionName + ":" + nameof(EnrichmentOptions.AsnDatabase);
    public const string CountryKey = EnrichmentOptions.SectionName + ":" + nameof(EnrichmentOptions.CountryDatabase);

    private readonly EnrichmentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<IpEnrichment> _logger;
    private readonly Lock _refresh = new();
    private (long Length, DateTime Written)? _asnSeen;
    private (long Length, DateTime Written)? _countrySeen;
    private volatile EnrichmentSource _asn;
    private volatile EnrichmentSource _country;

    public IpEnrichment(IOptions<EnrichmentOptions> options, TimeProvider time, ILogger<IpEnrichment> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _logger = logger;
        _asn = new EnrichmentSource(AsnKey, _options.AsnDatabase, null, null, null);
        _country = new EnrichmentSource(CountryKey, _options.CountryDatabase, null, null, null);
    }

    /// <summary>No databases: every lookup answers "unknown" (benchmarks, tests and tools without configuration).</summary>
    public static IpEnrichment None { get; } = new(Options.Create(new EnrichmentOptions()), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<IpEnrichment>.Instance);

    /// <summary>Tables made in memory rather than read from files (the <c>bench enrich</c> benchmark's synthetic databases).</summary>
    internal static IpEnrichment FromTables(FlattenedDatabase asn, FlattenedDatabase country)
    {
        var e = new IpEnrichment(Options.Create(new EnrichmentOptions { AsnDatabase = "(memory)", CountryDatabase = "(memory)" }), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<IpEnrichment>.Instance);
        e._asn = e._asn with { Data = asn, LoadedAt = TimeProvider.System.GetUtcNow() };
        e._country = e._country with { Data = country, LoadedAt = TimeProvider.System.GetUtcNow() };
        return e;
    }

    public EnrichmentSource Asn => _asn;

    public EnrichmentSource Country => _country;

    /// <summary>The AS number the AS database gives the address; 0 when unknown or the database is off.</summary>
    public uint AsOf(in FlowAddress address) => _asn.Ranges.Find(address);

    /// <summary>A record's AS as the exporter sent it (BGP routers fill it), else from the database.</summary>
    public uint AsOf(uint fromRecord, in FlowAddress address) => fromRecord != 0 ? fromRecord : _asn.Ranges.Find(address);

    /// <summary>The packed country code (<see cref="CountryCode"/>) of the address; 0 when unknown or the database is off.</summary>
    public uint CountryOf(in FlowAddress address) => _country.Ranges.Find(address);

    /// <summary>The AS's organisation as the AS database names it; null when unknown.</summary>
    public string? AsName(uint asn) => asn != 0 && _asn.Data?.Names.TryGetValue(asn, out var name) == true ? name : null;

    /// <summary>The country's English name as the country database has it; null when unknown.</summary>
    public string? CountryName(uint code) => code != 0 && _country.Data?.Names.TryGetValue(code, out var name) == true ? name : null;

    /// <summary>
    /// Loads each configured file that is new or changed (size or modification time) since the last call and swaps
    /// its tables in; a file that cannot be read leaves the previous tables in place with a message naming its key.
    /// Never throws for a bad file. Called by <see cref="EnrichmentWatcher"/> at start and every check interval.
    /// </summary>
    public void Refresh()
    {
        lock (_refresh)
        {
            _asn = Refresh(_asn, ref _asnSeen, MmdbFlattener.Kind.Asn);
            _country = Refresh(_country, ref _countrySeen, MmdbFlattener.Kind.Country);
        }
    }

    private EnrichmentSource Refresh(EnrichmentSource current, ref (long Length, DateTime Written)? seen, MmdbFlattener.Kind kind)
    {
        if (current.IsOff)
        {
            return current;
        }

        var path = current.Path!;
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            seen = null;
            var missing = $"{current.Key}: {path} does not exist{Kept(current)}.";
            if (current.Error != missing)
            {
                LogFailed(_logger, current.Key, path, "the file does not exist");
            }

            return current with { Error = missing };
        }

        var stamp = (file.Length, file.LastWriteTimeUtc);
        if (seen == stamp)
        {
            return current;
        }

        seen = stamp;
        try
        {
            var data = MmdbFlattener.Load(path, kind);
            LogLoaded(_logger, current.Key, path, data.DatabaseType, data.Ranges.Count);
            return current with { Data = data, Error = null, LoadedAt = _time.GetUtcNow() };
        }
        catch (Exception e) when (e is InvalidDatabaseException or IOException or UnauthorizedAccessException or InvalidCastException or ArgumentException)
        {
            // A file still being copied gets another try when its size or time changes again.
            LogFailed(_logger, current.Key, path, e.Message);
            return current with { Error = $"{current.Key}: {path} is not a usable MaxMind database: {e.Message}{Kept(current)}." };
        }
    }

    private static string Kept(EnrichmentSource current) =>
        current.Data is null ? "" : $" (still using the copy loaded {current.LoadedAt:u})";

    [LoggerMessage(Level = LogLevel.Information, Message = "Enrichment: {Key} loaded from {Path} ({DatabaseType}, {Ranges} ranges)")]
    private static partial void LogLoaded(ILogger logger, string key, string path, string databaseType, int ranges);

    [LoggerMessage(Level = LogLevel.Error, Message = "Enrichment: {Key} could not be loaded from {Path}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string key, string path, string reason);
}

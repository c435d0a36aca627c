using System.Globalization;
using System.Net;

namespace FlowWeb.Core.Dns;

/// <summary>
/// Reverse DNS for the addresses people look at (configuration section <c>ReverseDns</c>). Every table and queue
/// is bounded here; lookups never hold up the collector, they only fill a cache that pages read.
/// </summary>
public sealed class ReverseDnsOptions
{
    public const string SectionName = "ReverseDns";

    /// <summary>The DNS port used when a server is given without one.</summary>
    public const int DefaultPort = 53;

    /// <summary>Off: no query is ever sent and every name is unknown.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Servers to ask, each <c>ip</c> or <c>ip:port</c> (IPv6 with a port as <c>[ip]:port</c>). Empty: the
    /// system's resolvers (from <c>/etc/resolv.conf</c> on Linux).
    /// </summary>
    public IList<string> Servers { get; } = [];

    /// <summary>A query without an answer by then counts as a timeout (and is cached as negative).</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Queries waiting for an answer at the same time.</summary>
    public int MaxInFlight { get; set; } = 16;

    /// <summary>Queries started per second, sustained; after a quiet spell up to one second's worth may start at once.</summary>
    public int MaxQueriesPerSecond { get; set; } = 50;

    /// <summary>Requests waiting for a free query slot; when full the oldest waiting request is dropped (and counted).</summary>
    public int MaxQueuedRequests { get; set; } = 1024;

    /// <summary>A name is kept at least this long, however short its record's TTL.</summary>
    public TimeSpan PositiveTtlMin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A name is kept at most this long, however long its record's TTL.</summary>
    public TimeSpan PositiveTtlMax { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long "no name" (NXDOMAIN, no PTR record, timeout, server failure) is kept before asking again.</summary>
    public TimeSpan NegativeTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Names and negative answers kept; beyond it the least recently used go first.</summary>
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>
    /// Whether private, shared, link-local and loopback addresses are looked up (RFC 1918, 100.64.0.0/10,
    /// 169.254.0.0/16, 127.0.0.0/8, fc00::/7, fe80::/10, ::1). A LAN's own DNS server usually knows them; a public
    /// resolver only adds load and leaks which private addresses are in use.
    /// </summary>
    public bool ResolvePrivateAddresses { get; set; } = true;

    public IEnumerable<string> Validate()
    {
        for (var i = 0; i < Servers.Count; i++)
        {
            if (!TryParseServer(Servers[i], out _))
            {
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{SectionName}:{nameof(Servers)}:{i} '{Servers[i]}' is not an IP address with an optional port (ip, ip:port or [ipv6]:port).");
            }
        }

        if (QueryTimeout <= TimeSpan.Zero || QueryTimeout > TimeSpan.FromMinutes(1))
        {
            yield return $"{SectionName}:{nameof(QueryTimeout)} must be positive and at most one minute.";
        }

        if (MaxInFlight is < 1 or > 1024)
        {
            yield return $"{SectionName}:{nameof(MaxInFlight)} must be between 1 and 1024.";
        }

        if (MaxQueriesPerSecond is < 1 or > 1_000_000)
        {
            yield return $"{SectionName}:{nameof(MaxQueriesPerSecond)} must be between 1 and 1,000,000.";
        }

        if (MaxQueuedRequests is < 1 or > 1_000_000)
        {
            yield return $"{SectionName}:{nameof(MaxQueuedRequests)} must be between 1 and 1,000,000.";
        }

        if (PositiveTtlMin < TimeSpan.Zero)
        {
            yield return $"{SectionName}:{nameof(PositiveTtlMin)} must not be negative.";
        }

        if (PositiveTtlMax <= TimeSpan.Zero || PositiveTtlMax < PositiveTtlMin)
        {
            yield return $"{SectionName}:{nameof(PositiveTtlMax)} must be positive and at least {nameof(PositiveTtlMin)}.";
        }

        if (NegativeTtl <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:{nameof(NegativeTtl)} must be positive.";
        }

        if (MaxEntries is < 1 or > 10_000_000)
        {
            yield return $"{SectionName}:{nameof(MaxEntries)} must be between 1 and 10,000,000.";
        }
    }

    /// <summary>Parses one <see cref="Servers"/> entry; port 53 when none is given.</summary>
    public static bool TryParseServer(string? text, out IPEndPoint endpoint)
    {
        endpoint = null!;
        if (string.IsNullOrWhiteSpace(text) || !IPEndPoint.TryParse(text.Trim(), out var parsed))
        {
            return false;
        }

        endpoint = parsed.Port == 0 ? new IPEndPoint(parsed.Address, DefaultPort) : parsed;
        return true;
    }
}

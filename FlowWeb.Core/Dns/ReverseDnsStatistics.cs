namespace FlowWeb.Core.Dns;

/// <summary>A snapshot of the resolver's counters (totals since start) and gauges, for metrics and status pages.</summary>
public sealed record ReverseDnsStatistics
{
    /// <summary>Reads that found an unexpired answer (a name or a negative one).</summary>
    public long CacheHits { get; init; }

    /// <summary>Reads that found nothing or only an expired answer.</summary>
    public long CacheMisses { get; init; }

    public long LookupsStarted { get; init; }

    public long LookupsSucceeded { get; init; }

    public long LookupsNxDomain { get; init; }

    public long LookupsNoPtr { get; init; }

    public long LookupsTimedOut { get; init; }

    public long LookupsServerFailure { get; init; }

    public long LookupsFailedOther { get; init; }

    /// <summary>Lookups that ended without a name, whatever the reason.</summary>
    public long LookupsFailed => LookupsNxDomain + LookupsNoPtr + LookupsTimedOut + LookupsServerFailure + LookupsFailedOther;

    /// <summary>Requests for an address already queued or being looked up.</summary>
    public long RequestsCoalesced { get; init; }

    /// <summary>Queued requests pushed out of the full queue by newer ones before they were looked up.</summary>
    public long RequestsDropped { get; init; }

    /// <summary>Requests not looked up: private addresses while they are not resolved, and the unspecified address.</summary>
    public long RequestsSkipped { get; init; }

    /// <summary>Queries waiting for an answer now.</summary>
    public int InFlight { get; init; }

    /// <summary>The most queries ever waiting for an answer at the same time.</summary>
    public int PeakInFlight { get; init; }

    /// <summary>Requests waiting in the queue now.</summary>
    public int Queued { get; init; }

    public int CacheEntries { get; init; }

    /// <summary>Cache entries pushed out to make room (<c>MaxEntries</c>).</summary>
    public long CacheEvictions { get; init; }
}

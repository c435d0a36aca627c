namespace FlowWeb.Core.Dns;

/// <summary>The resolver's counters, written from pages and the lookup worker at once, hence <see cref="Interlocked"/>.</summary>
internal sealed class ReverseDnsCounters
{
    private long _cacheHits;
    private long _cacheMisses;
    private long _started;
    private long _succeeded;
    private long _nxDomain;
    private long _noPtr;
    private long _timedOut;
    private long _serverFailure;
    private long _failedOther;
    private long _coalesced;
    private long _dropped;
    private long _skipped;
    private int _inFlight;
    private int _peakInFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    public void CacheRead(bool hit)
    {
        if (hit)
        {
            Interlocked.Increment(ref _cacheHits);
        }
        else
        {
            Interlocked.Increment(ref _cacheMisses);
        }
    }

    public void Coalesced() => Interlocked.Increment(ref _coalesced);

    public void Dropped() => Interlocked.Increment(ref _dropped);

    public void Skipped() => Interlocked.Increment(ref _skipped);

    public void LookupStarted()
    {
        Interlocked.Increment(ref _started);
        var inFlight = Interlocked.Increment(ref _inFlight);
        var peak = Volatile.Read(ref _peakInFlight);
        while (inFlight > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakInFlight, inFlight, peak);
            if (seen == peak)
            {
                break;
            }

            peak = seen;
        }
    }

    /// <summary>The query is over (answered, failed or cancelled); <paramref name="outcome"/> is null when it was cancelled by shutdown.</summary>
    public void LookupEnded(ReverseDnsOutcome? outcome)
    {
        Interlocked.Decrement(ref _inFlight);
        switch (outcome)
        {
            case ReverseDnsOutcome.Name: Interlocked.Increment(ref _succeeded); break;
            case ReverseDnsOutcome.NxDomain: Interlocked.Increment(ref _nxDomain); break;
            case ReverseDnsOutcome.NoPtr: Interlocked.Increment(ref _noPtr); break;
            case ReverseDnsOutcome.Timeout: Interlocked.Increment(ref _timedOut); break;
            case ReverseDnsOutcome.ServerFailure: Interlocked.Increment(ref _serverFailure); break;
            case ReverseDnsOutcome.Failed: Interlocked.Increment(ref _failedOther); break;
            default: break;
        }
    }

    public ReverseDnsStatistics Snapshot(int queued, int cacheEntries, long cacheEvictions) => new()
    {
        CacheHits = Interlocked.Read(ref _cacheHits),
        CacheMisses = Interlocked.Read(ref _cacheMisses),
        LookupsStarted = Interlocked.Read(ref _started),
        LookupsSucceeded = Interlocked.Read(ref _succeeded),
        LookupsNxDomain = Interlocked.Read(ref _nxDomain),
        LookupsNoPtr = Interlocked.Read(ref _noPtr),
        LookupsTimedOut = Interlocked.Read(ref _timedOut),
        LookupsServerFailure = Interlocked.Read(ref _serverFailure),
        LookupsFailedOther = Interlocked.Read(ref _failedOther),
        RequestsCoalesced = Interlocked.Read(ref _coalesced),
        RequestsDropped = Interlocked.Read(ref _dropped),
        RequestsSkipped = Interlocked.Read(ref _skipped),
        InFlight = Volatile.Read(ref _inFlight),
        PeakInFlight = Volatile.Read(ref _peakInFlight),
        Queued = queued,
        CacheEntries = cacheEntries,
        CacheEvictions = cacheEvictions,
    };
}

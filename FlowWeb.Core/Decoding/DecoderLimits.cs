using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding;

/// <summary>Why datagrams from a sender were refused before any table was touched.</summary>
public enum ExporterRefusalReason
{
    /// <summary>The sender is outside <c>Collector:AllowedExporters</c>.</summary>
    NotAllowed,

    /// <summary>The exporter table is full of exporters that have proven themselves (none can be evicted for a newcomer).</summary>
    TableFull,
}

/// <summary>The last refusal of one sender, kept for the sensor expecting it (a bounded table: the oldest go first).</summary>
public sealed record ExporterRefusal(FlowAddress Address, ExporterRefusalReason Reason, DateTimeOffset LastAt, long Datagrams);

/// <summary>
/// What all the decoders of a process share: the totals of <see cref="DecoderOptions"/> (exporters, templates in
/// count and bytes, held data in sets and bytes) as atomic budgets, the allow list, and the counters of what was
/// refused, evicted or dropped. A decoder takes from a budget only when it learns something (a new exporter, template
/// or held set), never per record, so sharing costs one interlocked add per learned item. Each decoder may always hold
/// a small floor of its own (1/32 of a total) even when the others used the budget up, so that a flood arriving on one
/// receive thread cannot starve another: the totals may thus be exceeded by at most decoders × floor.
/// </summary>
public sealed class DecoderLimits
{
    public const int MaxRefusalsKept = 256;

    private readonly long[] _unattributed = new long[DecodeStatusNames.Count];
    private readonly Dictionary<FlowAddress, ExporterRefusal> _refusals = [];
    private readonly Lock _refusalsSync = new();
    private long _notAllowed, _tableFull, _evicted, _expired, _templatesRefused, _templatesEvicted, _recordsOverLimit, _releasesDeferred;

    public DecoderLimits(DecoderOptions? options = null, ExporterAllowList? allowed = null)
    {
        Options = options ?? new DecoderOptions();
        Allowed = allowed ?? ExporterAllowList.Everyone;
        Exporters = new SharedBudget(Options.MaxExporters);
        Templates = new SharedBudget(Options.MaxTemplates);
        TemplateBytes = new SharedBudget(Options.MaxTemplateBytes);
        PendingSets = new SharedBudget(Options.MaxPendingSets);
        PendingBytes = new SharedBudget(Options.MaxPendingBytes);
    }

    public DecoderOptions Options { get; }

    public ExporterAllowList Allowed { get; }

    public SharedBudget Exporters { get; }

    public SharedBudget Templates { get; }

    public SharedBudget TemplateBytes { get; }

    public SharedBudget PendingSets { get; }

    public SharedBudget PendingBytes { get; }

    /// <summary>Datagrams refused because their sender is not in <c>Collector:AllowedExporters</c>.</summary>
    public long DatagramsNotAllowed => Interlocked.Read(ref _notAllowed);

    /// <summary>Datagrams refused because the exporter table held only protected exporters.</summary>
    public long DatagramsTableFull => Interlocked.Read(ref _tableFull);

    /// <summary>Exporters evicted (least recently heard unproven first) to make room for another.</summary>
    public long ExportersEvicted => Interlocked.Read(ref _evicted);

    /// <summary>Exporters forgotten after <see cref="DecoderOptions.ExporterIdleLifetime"/> of silence.</summary>
    public long ExportersExpired => Interlocked.Read(ref _expired);

    /// <summary>Templates refused by a cap (count or bytes, per domain, per exporter or total).</summary>
    public long TemplatesRefused => Interlocked.Read(ref _templatesRefused);

    /// <summary>Templates dropped with their exporter when it was evicted or expired.</summary>
    public long TemplatesEvicted => Interlocked.Read(ref _templatesEvicted);

    /// <summary>Records a datagram carried beyond <see cref="DecoderOptions.MaxRecordsPerDatagram"/>, dropped.</summary>
    public long RecordsOverLimit => Interlocked.Read(ref _recordsOverLimit);

    /// <summary>Held data sets left for a later datagram because releasing them would pass the per-datagram record limit.</summary>
    public long ReleasesDeferred => Interlocked.Read(ref _releasesDeferred);

    /// <summary>Datagrams from senders not in the exporter table that failed their header checks, by reason (no table entry was made for them).</summary>
    public long UnattributedErrors(DecodeStatus status) => Interlocked.Read(ref _unattributed[(int)status]);

    /// <summary>All unattributed errors by reason, non-zero only.</summary>
    public IReadOnlyDictionary<DecodeStatus, long> UnattributedErrorsByReason()
    {
        var result = new Dictionary<DecodeStatus, long>();
        for (var i = 1; i < _unattributed.Length; i++)
        {
            if (Interlocked.Read(ref _unattributed[i]) is var n and > 0)
            {
                result[(DecodeStatus)i] = n;
            }
        }

        return result;
    }

    private volatile HashSet<FlowAddress> _expected = [];

    /// <summary>
    /// The exporters sensors name as their sender: configuration, not the network, vouches for them, so they enter the
    /// table protected (never evicted by a flood, their templates persisted from the first datagram). Swapped whole.
    /// </summary>
    public void SetExpected(IEnumerable<FlowAddress> exporters) => _expected = [.. exporters];

    public bool IsExpected(FlowAddress exporter) => _expected.Contains(exporter);

    /// <summary>The last refusal of a sender, or null when it was not refused (or too long ago to be kept).</summary>
    public ExporterRefusal? RefusalOf(FlowAddress address)
    {
        lock (_refusalsSync)
        {
            return _refusals.GetValueOrDefault(address);
        }
    }

    internal void CountUnattributed(DecodeStatus status) => Interlocked.Increment(ref _unattributed[(int)status]);

    internal void CountEvicted() => Interlocked.Increment(ref _evicted);

    internal void CountExpired() => Interlocked.Increment(ref _expired);

    internal void CountTemplateRefused() => Interlocked.Increment(ref _templatesRefused);

    internal void CountTemplatesEvicted(int count) => Interlocked.Add(ref _templatesEvicted, count);

    internal void CountRecordsOverLimit(long count) => Interlocked.Add(ref _recordsOverLimit, count);

    internal void CountReleaseDeferred() => Interlocked.Increment(ref _releasesDeferred);

    internal void Refuse(FlowAddress address, ExporterRefusalReason reason, DateTimeOffset now)
    {
        Interlocked.Increment(ref reason == ExporterRefusalReason.NotAllowed ? ref _notAllowed : ref _tableFull);
        lock (_refusalsSync)
        {
            if (_refusals.TryGetValue(address, out var known))
            {
                _refusals[address] = known with { Reason = reason, LastAt = now, Datagrams = known.Datagrams + 1 };
                return;
            }

            if (_refusals.Count >= MaxRefusalsKept)
            {
                // Bounded: a flood of forged senders replaces the oldest refusals, never grows the table.
                var oldest = _refusals.Values.MinBy(r => r.LastAt)!;
                _refusals.Remove(oldest.Address);
            }

            _refusals[address] = new ExporterRefusal(address, reason, now, 1);
        }
    }

    /// <summary>Drops a refusal once the sender was accepted (the allow list or the table changed).</summary>
    internal void Forget(FlowAddress address)
    {
        lock (_refusalsSync)
        {
            _refusals.Remove(address);
        }
    }
}

/// <summary>A total shared by decoders, taken and given back atomically.</summary>
public sealed class SharedBudget(long max)
{
    private long _used;

    public long Max { get; } = max;

    public long Used => Interlocked.Read(ref _used);

    /// <summary>What one decoder may always hold of this budget, whatever the others hold.</summary>
    public long Floor => Math.Max(1, Max / 32);

    /// <summary>Takes <paramref name="amount"/> if the total allows it, or if the caller's own share stays within <see cref="Floor"/>.</summary>
    public bool TryTake(long amount, long ownUsed)
    {
        if (Interlocked.Add(ref _used, amount) <= Max || ownUsed + amount <= Floor)
        {
            return true;
        }

        Interlocked.Add(ref _used, -amount);
        return false;
    }

    public void Give(long amount) => Interlocked.Add(ref _used, -amount);
}

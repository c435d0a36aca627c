using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding.Templates;

/// <summary>A template with its key and when it was learned and last refreshed, as exposed for persistence.</summary>
public sealed class TemplateEntry(TemplateKey key, FlowTemplate template, DateTimeOffset learnedAt, DateTimeOffset refreshedAt)
{
    public TemplateKey Key { get; } = key;

    public FlowTemplate Template { get; } = template;

    public DateTimeOffset LearnedAt { get; } = learnedAt;

    public DateTimeOffset RefreshedAt { get; internal set; } = refreshedAt;

    /// <summary>The memory this template is charged against the byte caps (<see cref="DecoderOptions.TemplateCostBytes"/>).</summary>
    public long CostBytes { get; } = DecoderOptions.TemplateCostBytes(template.Fields.Length);
}

/// <summary>
/// Templates learned from exporters, keyed by <see cref="TemplateKey"/>, bounded per domain, per exporter and in total,
/// in count and in bytes (the totals shared with the other decoders through <see cref="DecoderLimits"/>); forgotten
/// when not refreshed within <see cref="DecoderOptions.TemplateLifetime"/>, withdrawn, or dropped with their exporter.
/// Indexed by exporter and domain, so that a withdrawal or an eviction touches only the templates it names.
/// Thread-safe: lookups happen once per set, under a lock that is uncontended in practice (one receive loop per
/// decoder; persistence and pages read snapshots).
/// </summary>
public sealed class TemplateCache
{
    private readonly Dictionary<TemplateKey, TemplateEntry> _entries = [];
    private readonly Dictionary<(FlowAddress Exporter, byte Version, uint Domain), HashSet<ushort>> _domains = [];
    private readonly Dictionary<FlowAddress, ExporterShare> _exporters = [];
    private readonly DecoderOptions _options;
    private readonly DecoderLimits _limits;
    private readonly TimeProvider _time;
    private readonly Lock _sync = new();
    private long _bytes;
    private long _lastSweepTicks;

    public TemplateCache(DecoderOptions options, TimeProvider time)
        : this(new DecoderLimits(options), time)
    {
    }

    internal TemplateCache(DecoderLimits limits, TimeProvider time)
    {
        _limits = limits;
        _options = limits.Options;
        _time = time;
    }

    private sealed class ExporterShare
    {
        public int Count;
        public long Bytes;
        public readonly HashSet<(byte Version, uint Domain)> Domains = [];
    }

    public enum AddOutcome
    {
        Added,
        Refreshed,
        Replaced,
        Refused,

        /// <summary>Refused because the total shared by all decoders is used up (room may be made by evicting an unproven exporter).</summary>
        RefusedTotal,
    }

    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Bytes charged for the templates this cache holds.</summary>
    public long Bytes
    {
        get
        {
            lock (_sync)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Templates refused because a cap was reached.</summary>
    public long Refused { get; private set; }

    /// <summary>Templates forgotten because they were not refreshed in time.</summary>
    public long Expired { get; private set; }

    public bool TryGet(in TemplateKey key, out FlowTemplate template)
    {
        lock (_sync)
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                template = entry.Template;
                return true;
            }
        }

        template = null!;
        return false;
    }

    /// <summary>Adds or refreshes a template; a different definition under the same key replaces the old one at once.</summary>
    public AddOutcome AddOrUpdate(in TemplateKey key, FlowTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var now = _time.GetUtcNow();
        lock (_sync)
        {
            SweepIfDue(now);
            if (_entries.TryGetValue(key, out var existing) && existing.Template.SameLayoutAs(template))
            {
                existing.RefreshedAt = now;
                return AddOutcome.Refreshed;
            }

            var entry = new TemplateEntry(key, template, now, now);
            var outcome = TryAddLocked(entry, existing);
            if (outcome is AddOutcome.Refused or AddOutcome.RefusedTotal)
            {
                Refused++;
                _limits.CountTemplateRefused();
            }

            return outcome;
        }
    }

    /// <summary>Refreshes a template if the cache holds exactly this definition, without building a new one (the common case: templates are resent every few packets).</summary>
    public bool TryRefresh(in TemplateKey key, ReadOnlySpan<TemplateField> fields, int scopeFieldCount, bool isOptions)
    {
        lock (_sync)
        {
            if (_entries.TryGetValue(key, out var existing) && existing.Template.IsOptions == isOptions &&
                existing.Template.ScopeFieldCount == scopeFieldCount && existing.Template.Fields.AsSpan().SequenceEqual(fields))
            {
                existing.RefreshedAt = _time.GetUtcNow();
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// IPFIX template withdrawal (RFC 7011 §8.1): one template, or all of a domain when <paramref name="templateId"/> is
    /// null. Touches only that domain's templates (at most <see cref="DecoderOptions.MaxTemplatesPerDomain"/>).
    /// </summary>
    public int Withdraw(FlowAddress exporter, byte version, uint domain, ushort? templateId, bool optionsOnly, bool dataOnly)
    {
        lock (_sync)
        {
            if (!_domains.TryGetValue((exporter, version, domain), out var ids))
            {
                return 0;
            }

            if (templateId is { } id)
            {
                return ids.Contains(id) && RemoveLocked(new TemplateKey(exporter, version, domain, id)) ? 1 : 0;
            }

            var victims = new List<ushort>(ids.Count);
            foreach (var candidate in ids)
            {
                if (_entries.TryGetValue(new TemplateKey(exporter, version, domain, candidate), out var e) &&
                    (!optionsOnly || e.Template.IsOptions) && (!dataOnly || !e.Template.IsOptions))
                {
                    victims.Add(candidate);
                }
            }

            foreach (var victim in victims)
            {
                RemoveLocked(new TemplateKey(exporter, version, domain, victim));
            }

            return victims.Count;
        }
    }

    /// <summary>Forgets every template of an exporter (evicted or expired); returns how many.</summary>
    public int RemoveExporter(FlowAddress exporter)
    {
        lock (_sync)
        {
            if (!_exporters.TryGetValue(exporter, out var share))
            {
                return 0;
            }

            var removed = 0;
            foreach (var (version, domain) in share.Domains.ToArray())
            {
                if (_domains.TryGetValue((exporter, version, domain), out var ids))
                {
                    foreach (var id in ids.ToArray())
                    {
                        removed += RemoveLocked(new TemplateKey(exporter, version, domain, id)) ? 1 : 0;
                    }
                }
            }

            return removed;
        }
    }

    /// <summary>Number of templates an exporter has in the cache.</summary>
    public int CountFor(FlowAddress exporter)
    {
        lock (_sync)
        {
            return _exporters.TryGetValue(exporter, out var share) ? share.Count : 0;
        }
    }

    /// <summary>Bytes charged for one exporter's templates.</summary>
    public long BytesFor(FlowAddress exporter)
    {
        lock (_sync)
        {
            return _exporters.TryGetValue(exporter, out var share) ? share.Bytes : 0;
        }
    }

    /// <summary>Everything in the cache, for persistence across restarts.</summary>
    public IReadOnlyList<TemplateEntry> Snapshot()
    {
        lock (_sync)
        {
            return [.. _entries.Values];
        }
    }

    /// <summary>The templates of the exporters <paramref name="include"/> accepts (persistence keeps only proven exporters').</summary>
    public IReadOnlyList<TemplateEntry> Snapshot(Func<FlowAddress, bool> include)
    {
        ArgumentNullException.ThrowIfNull(include);
        lock (_sync)
        {
            var result = new List<TemplateEntry>();
            foreach (var (exporter, share) in _exporters)
            {
                if (!include(exporter))
                {
                    continue;
                }

                foreach (var (version, domain) in share.Domains)
                {
                    foreach (var id in _domains[(exporter, version, domain)])
                    {
                        result.Add(_entries[new TemplateKey(exporter, version, domain, id)]);
                    }
                }
            }

            return result;
        }
    }

    /// <summary>
    /// Loads persisted templates within every cap (count and bytes; per domain, per exporter, total), newest first;
    /// entries already older than the lifetime are skipped. Returns how many were loaded.
    /// </summary>
    public int Restore(IEnumerable<TemplateEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var now = _time.GetUtcNow();
        var loaded = 0;
        foreach (var e in entries.OrderByDescending(e => e.RefreshedAt))
        {
            if (now - e.RefreshedAt > _options.TemplateLifetime)
            {
                continue;
            }

            lock (_sync)
            {
                if (_entries.ContainsKey(e.Key))
                {
                    continue;
                }

                if (TryAddLocked(e, null) == AddOutcome.Added)
                {
                    loaded++;
                }
                else
                {
                    Refused++;
                }
            }
        }

        return loaded;
    }

    /// <summary>Forgets templates not refreshed within the lifetime. Called on every learn and by the decoder's housekeeping.</summary>
    public int Sweep()
    {
        lock (_sync)
        {
            _lastSweepTicks = 0;
            return SweepIfDue(_time.GetUtcNow());
        }
    }

    /// <summary>Checks every cap for a new entry (or a replacement of <paramref name="existing"/>) and adds it.</summary>
    private AddOutcome TryAddLocked(TemplateEntry entry, TemplateEntry? existing)
    {
        var key = entry.Key;
        _exporters.TryGetValue(key.Exporter, out var share);
        var count = share?.Count ?? 0;
        var bytes = share?.Bytes ?? 0;
        var domainCount = _domains.TryGetValue((key.Exporter, key.Version, key.Domain), out var ids) ? ids.Count : 0;
        var addedCount = existing is null ? 1 : 0;
        var addedBytes = entry.CostBytes - (existing?.CostBytes ?? 0);
        if (domainCount + addedCount > _options.MaxTemplatesPerDomain || count + addedCount > _options.MaxTemplatesPerExporter ||
            bytes + addedBytes > _options.MaxTemplateBytesPerExporter)
        {
            return AddOutcome.Refused;
        }

        if (addedCount > 0 && !_limits.Templates.TryTake(1, _entries.Count))
        {
            return AddOutcome.RefusedTotal;
        }

        if (addedBytes > 0 && !_limits.TemplateBytes.TryTake(addedBytes, _bytes))
        {
            if (addedCount > 0)
            {
                _limits.Templates.Give(1);
            }

            return AddOutcome.RefusedTotal;
        }

        if (addedBytes < 0)
        {
            _limits.TemplateBytes.Give(-addedBytes);
        }

        _entries[key] = entry;
        _bytes += addedBytes;
        if (share is null)
        {
            share = new ExporterShare();
            _exporters[key.Exporter] = share;
        }

        share.Count += addedCount;
        share.Bytes += addedBytes;
        if (ids is null)
        {
            ids = [];
            _domains[(key.Exporter, key.Version, key.Domain)] = ids;
            share.Domains.Add((key.Version, key.Domain));
        }

        ids.Add(key.TemplateId);
        return existing is null ? AddOutcome.Added : AddOutcome.Replaced;
    }

    private int SweepIfDue(DateTimeOffset now)
    {
        if (now.UtcTicks - _lastSweepTicks < TimeSpan.TicksPerSecond * 10)
        {
            return 0;
        }

        _lastSweepTicks = now.UtcTicks;
        var expired = _entries.Values.Where(e => now - e.RefreshedAt > _options.TemplateLifetime).Select(e => e.Key).ToList();
        foreach (var key in expired)
        {
            RemoveLocked(key);
        }

        Expired += expired.Count;
        return expired.Count;
    }

    private bool RemoveLocked(TemplateKey key)
    {
        if (!_entries.Remove(key, out var entry))
        {
            return false;
        }

        _bytes -= entry.CostBytes;
        _limits.Templates.Give(1);
        _limits.TemplateBytes.Give(entry.CostBytes);
        var domainKey = (key.Exporter, key.Version, key.Domain);
        if (_domains.TryGetValue(domainKey, out var ids) && ids.Remove(key.TemplateId) && ids.Count == 0)
        {
            _domains.Remove(domainKey);
            _exporters[key.Exporter].Domains.Remove((key.Version, key.Domain));
        }

        var share = _exporters[key.Exporter];
        share.Count--;
        share.Bytes -= entry.CostBytes;
        if (share.Count == 0)
        {
            _exporters.Remove(key.Exporter);
        }

        return true;
    }
}

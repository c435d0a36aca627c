using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding.Templates;

/// <summary>A template with its key and when it was learned and last refreshed, as exposed for persistence.</summary>
public sealed class TemplateEntry(TemplateKey key, FlowTemplate template, DateTimeOffset learnedAt, DateTimeOffset refreshedAt)
{
    public TemplateKey Key { get; } = key;

    public FlowTemplate Template { get; } = template;

    public DateTimeOffset LearnedAt { get; } = learnedAt;

    public DateTimeOffset RefreshedAt { get; internal set; } = refreshedAt;
}

/// <summary>
/// Templates learned from exporters, keyed by <see cref="TemplateKey"/>, bounded per exporter and in total,
/// forgotten when not refreshed within <see cref="DecoderOptions.TemplateLifetime"/>. Thread-safe: lookups
/// happen once per set, under a lock that is uncontended in practice (one receive loop per socket).
/// </summary>
public sealed class TemplateCache
{
    private readonly Dictionary<TemplateKey, TemplateEntry> _entries = [];
    private readonly Dictionary<FlowAddress, int> _perExporter = [];
    private readonly DecoderOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _sync = new();
    private long _lastSweepTicks;

    public TemplateCache(DecoderOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
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

    public enum AddOutcome
    {
        Added,
        Refreshed,
        Replaced,
        Refused,
    }

    /// <summary>Adds or refreshes a template; a different definition under the same key replaces the old one at once.</summary>
    public AddOutcome AddOrUpdate(in TemplateKey key, FlowTemplate template)
    {
        var now = _time.GetUtcNow();
        lock (_sync)
        {
            SweepIfDue(now);
            if (_entries.TryGetValue(key, out var existing))
            {
                if (existing.Template.SameLayoutAs(template))
                {
                    existing.RefreshedAt = now;
                    return AddOutcome.Refreshed;
                }

                _entries[key] = new TemplateEntry(key, template, now, now);
                return AddOutcome.Replaced;
            }

            _perExporter.TryGetValue(key.Exporter, out var count);
            if (count >= _options.MaxTemplatesPerExporter || _entries.Count >= _options.MaxTemplates)
            {
                Refused++;
                return AddOutcome.Refused;
            }

            _entries[key] = new TemplateEntry(key, template, now, now);
            _perExporter[key.Exporter] = count + 1;
            return AddOutcome.Added;
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

    /// <summary>IPFIX template withdrawal (RFC 7011 §8.1): one template, or all of a domain when <paramref name="templateId"/> is null.</summary>
    public int Withdraw(FlowAddress exporter, byte version, uint domain, ushort? templateId, bool optionsOnly, bool dataOnly)
    {
        lock (_sync)
        {
            var victims = _entries.Values
                .Where(e => e.Key.Exporter == exporter && e.Key.Version == version && e.Key.Domain == domain &&
                            (templateId is null || e.Key.TemplateId == templateId) &&
                            (!optionsOnly || e.Template.IsOptions) && (!dataOnly || !e.Template.IsOptions))
                .Select(e => e.Key)
                .ToList();
            foreach (var key in victims)
            {
                RemoveLocked(key);
            }

            return victims.Count;
        }
    }

    /// <summary>Number of templates an exporter has in the cache.</summary>
    public int CountFor(FlowAddress exporter)
    {
        lock (_sync)
        {
            return _perExporter.TryGetValue(exporter, out var n) ? n : 0;
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

    /// <summary>Loads persisted templates; entries already older than the lifetime are skipped. Returns how many were loaded.</summary>
    public int Restore(IEnumerable<TemplateEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var now = _time.GetUtcNow();
        var loaded = 0;
        foreach (var e in entries)
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

                _perExporter.TryGetValue(e.Key.Exporter, out var count);
                if (count >= _options.MaxTemplatesPerExporter || _entries.Count >= _options.MaxTemplates)
                {
                    Refused++;
                    continue;
                }

                _entries[e.Key] = e;
                _perExporter[e.Key.Exporter] = count + 1;
                loaded++;
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

    private void RemoveLocked(TemplateKey key)
    {
        if (_entries.Remove(key) && _perExporter.TryGetValue(key.Exporter, out var n))
        {
            if (n <= 1)
            {
                _perExporter.Remove(key.Exporter);
            }
            else
            {
                _perExporter[key.Exporter] = n - 1;
            }
        }
    }
}

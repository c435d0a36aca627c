using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding;

/// <summary>
/// The sampling an exporter announced in options data for one v9 source id / IPFIX observation domain: the
/// domain-wide rate (an options record without a sampler id; 0 = none) and the rate of each sampler id (Cisco
/// sampler tables). Kept across restarts with the templates, so sampled data right after a restart is scaled.
/// </summary>
public sealed record SamplerTable(
    FlowAddress Exporter,
    byte Version,
    uint Domain,
    uint DomainRate,
    IReadOnlyDictionary<ulong, uint> Samplers,
    DateTimeOffset LearnedAt);

/// <summary>
/// Sampler tables loaded from the store, waiting for their exporter to send again: a domain created by the
/// decoder takes its table from here. Entries older than the template lifetime are not loaded (their templates
/// would be gone too). Thread-safe.
/// </summary>
internal sealed class RestoredSamplers
{
    private readonly Dictionary<(FlowAddress Exporter, byte Version, uint Domain), SamplerTable> _tables = [];
    private readonly Lock _sync = new();

    public bool Add(SamplerTable table, int maxTables)
    {
        lock (_sync)
        {
            var key = (table.Exporter, table.Version, table.Domain);
            if (!_tables.ContainsKey(key) && _tables.Count >= maxTables)
            {
                return false;
            }

            _tables[key] = table;
            return true;
        }
    }

    /// <summary>Removes and returns the table of a domain the decoder has just created, if one was restored.</summary>
    public SamplerTable? Claim(FlowAddress exporter, byte version, uint domain)
    {
        lock (_sync)
        {
            return _tables.Remove((exporter, version, domain), out var table) ? table : null;
        }
    }

    public void CopyTo(List<SamplerTable> into)
    {
        lock (_sync)
        {
            into.AddRange(_tables.Values);
        }
    }
}

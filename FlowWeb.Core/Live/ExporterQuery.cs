using FlowWeb.Core.Collection;

namespace FlowWeb.Core.Live;

/// <summary>What the Discovered exporters list can be sorted by.</summary>
public enum ExporterSort
{
    Address,
    Version,
    Datagrams,
    Flows,
    DecodeErrors,
    Templates,
    FirstSeen,
    LastSeen,
}

/// <summary>
/// One page of exporters: those whose address contains <paramref name="Search"/> (case-insensitive; empty = all),
/// sorted, <paramref name="Limit"/> rows from <paramref name="Offset"/>. The limit is clamped to
/// <see cref="ExporterQueryService.MaxLimit"/>.
/// </summary>
public sealed record ExporterQuery(int Offset = 0, int Limit = 50, string? Search = null, ExporterSort SortBy = ExporterSort.Address, bool Descending = false);

/// <summary>A page of exporters, how many matched the search and how many exist, as of one moment.</summary>
public sealed record ExporterPage(IReadOnlyList<ExporterFrame> Rows, int Matching, int Total, int Offset, DateTimeOffset AsOf);

/// <summary>
/// Pages, sorts and filters the exporters on the server, so that a page or an API call costs what it shows, not what
/// exists: with 10,000 exporters a page of 50 renders 50 rows. The exporters are read from the source at most once a
/// second and shared by every reader (the sorted orders too, made when first asked for), so fifty open pages cost the
/// collector what one does. The source is a function, so where the exporters come from can change under it.
/// </summary>
public sealed class ExporterQueryService
{
    public const int MaxLimit = 1000;

    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly Func<IReadOnlyList<ExporterFrame>> _source;
    private readonly TimeProvider _time;
    private readonly Lock _sync = new();
    private Snapshot? _snapshot;

    // An address's text, kept from one snapshot to the next: exporters stay, and formatting 10,000 addresses every
    // second would be most of a snapshot's cost. Rebuilt with each snapshot, so it holds only current exporters.
    private Dictionary<Flows.FlowAddress, string> _texts = [];

    public ExporterQueryService(Func<IReadOnlyList<ExporterFrame>> source, TimeProvider time)
    {
        _source = source;
        _time = time;
    }

    /// <summary>Reads the exporters of the collector's latest live frame (immutable: no lock on the receive path).</summary>
    public ExporterQueryService(SensorLiveState live, TimeProvider time)
        : this(() => live.Frame.Exporters, time)
    {
    }

    public ExporterPage Query(ExporterQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var snapshot = Current();
        var sorted = snapshot.Sorted(query.SortBy, query.Descending);
        var search = query.Search?.Trim();
        IReadOnlyList<Entry> matching = string.IsNullOrEmpty(search)
            ? sorted
            : [.. sorted.Where(e => e.Text.Contains(search, StringComparison.OrdinalIgnoreCase))];
        var offset = Math.Clamp(query.Offset, 0, matching.Count);
        var limit = Math.Clamp(query.Limit, 0, MaxLimit);
        var rows = new List<ExporterFrame>(Math.Min(limit, matching.Count - offset));
        for (var i = offset; i < matching.Count && rows.Count < limit; i++)
        {
            rows.Add(matching[i].Summary);
        }

        return new ExporterPage(rows, matching.Count, snapshot.Entries.Length, offset, snapshot.AsOf);
    }

    /// <summary>Every exporter, by address: the shared snapshot itself (no copy), for a page that scans them all once, such as a count of those no sensor receives.</summary>
    public IReadOnlyList<ExporterFrame> All() => Current().Summaries;

    /// <summary>How many exporters there are and when the newest was last heard from (for summaries that show no rows).</summary>
    public (int Count, DateTimeOffset? LastSeen) Totals()
    {
        var snapshot = Current();
        return (snapshot.Entries.Length, snapshot.LastSeen);
    }

    private Snapshot Current()
    {
        var now = _time.GetUtcNow();
        lock (_sync)
        {
            if (_snapshot is null || now - _snapshot.AsOf >= MaxAge || now < _snapshot.AsOf)
            {
                var texts = new Dictionary<Flows.FlowAddress, string>(_texts.Count);
                var entries = _source().Select(s =>
                {
                    if (!_texts.TryGetValue(s.Address, out var text))
                    {
                        text = s.Address.ToString();
                    }

                    texts[s.Address] = text;
                    return new Entry(s, text);
                }).ToArray();
                _texts = texts;
                if (!IsByAddress(entries))
                {
                    Array.Sort(entries, (a, b) => a.Summary.Address.CompareTo(b.Summary.Address));
                }

                _snapshot = new Snapshot(entries, now);
            }

            return _snapshot;
        }
    }

    private static bool IsByAddress(Entry[] entries)
    {
        for (var i = 1; i < entries.Length; i++)
        {
            if (entries[i - 1].Summary.Address.CompareTo(entries[i].Summary.Address) > 0)
            {
                return false;
            }
        }

        return true;
    }

    private readonly record struct Entry(ExporterFrame Summary, string Text);

    /// <summary>The exporters at one moment, by address, with each other sort order made once on first use.</summary>
    private sealed class Snapshot(Entry[] entries, DateTimeOffset asOf)
    {
        private readonly Dictionary<(ExporterSort, bool), Entry[]> _sorted = [];

        public Entry[] Entries { get; } = entries;

        public DateTimeOffset AsOf { get; } = asOf;

        public DateTimeOffset? LastSeen { get; } = entries.Length == 0 ? null : entries.Max(e => e.Summary.LastSeen);

        public ExporterFrame[] Summaries => field ??= [.. Entries.Select(e => e.Summary)];

        public Entry[] Sorted(ExporterSort by, bool descending)
        {
            lock (_sorted)
            {
                if (by == ExporterSort.Address && !descending)
                {
                    return Entries;
                }

                if (!_sorted.TryGetValue((by, descending), out var order))
                {
                    order = [.. Entries];

                    // Ties go by address, so a page never shows a row twice or skips one between two reads.
                    Comparison<Entry> compare = by switch
                    {
                        ExporterSort.Version => (a, b) => a.Summary.Version.CompareTo(b.Summary.Version),
                        ExporterSort.Datagrams => (a, b) => a.Summary.Datagrams.CompareTo(b.Summary.Datagrams),
                        ExporterSort.Flows => (a, b) => a.Summary.Flows.CompareTo(b.Summary.Flows),
                        ExporterSort.DecodeErrors => (a, b) => a.Summary.DecodeErrors.CompareTo(b.Summary.DecodeErrors),
                        ExporterSort.Templates => (a, b) => a.Summary.TemplatesKnown.CompareTo(b.Summary.TemplatesKnown),
                        ExporterSort.FirstSeen => (a, b) => a.Summary.FirstSeen.CompareTo(b.Summary.FirstSeen),
                        ExporterSort.LastSeen => (a, b) => a.Summary.LastSeen.CompareTo(b.Summary.LastSeen),
                        _ => (_, _) => 0,
                    };
                    var sign = descending ? -1 : 1;
                    Array.Sort(order, (a, b) =>
                    {
                        var c = compare(a, b);
                        return sign * (c != 0 ? c : a.Summary.Address.CompareTo(b.Summary.Address));
                    });
                    _sorted[(by, descending)] = order;
                }

                return order;
            }
        }
    }
}

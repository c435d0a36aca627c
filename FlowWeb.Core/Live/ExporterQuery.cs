using FlowWeb.Core.Collection;
using FlowWeb.Core.Decoding;

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

    /// <summary>The local port a stream was heard on (by address for whole exporters).</summary>
    Port,
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
        var snapshot = Current();
        var (rows, matching, offset) = Page(snapshot.Addresses, query);
        return new ExporterPage([.. rows.Select(r => r.Exporter)], matching, snapshot.Entries.Length, offset, snapshot.AsOf);
    }

    /// <summary>
    /// One page of streams: a row per exporter address, local port, version and observation domain (four exporters
    /// behind one address are four rows), searched by address and sorted by the stream's own counts.
    /// </summary>
    public ExporterRowPage QueryStreams(ExporterQuery query)
    {
        var snapshot = Current();
        var (rows, matching, offset) = Page(snapshot.Streams, query);
        return new ExporterRowPage(rows, matching, snapshot.Streams.Items.Length, offset, snapshot.AsOf);
    }

    private static (List<ExporterRow> Rows, int Matching, int Offset) Page(View view, ExporterQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sorted = view.Sorted(query.SortBy, query.Descending);
        var search = query.Search?.Trim();
        IReadOnlyList<Row> matching = string.IsNullOrEmpty(search)
            ? sorted
            : [.. sorted.Where(e => e.Text.Contains(search, StringComparison.OrdinalIgnoreCase))];
        var offset = Math.Clamp(query.Offset, 0, matching.Count);
        var limit = Math.Clamp(query.Limit, 0, MaxLimit);
        var rows = new List<ExporterRow>(Math.Min(limit, matching.Count - offset));
        for (var i = offset; i < matching.Count && rows.Count < limit; i++)
        {
            rows.Add(matching[i].Value);
        }

        return (rows, matching.Count, offset);
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

    /// <summary>A row of a view: an exporter (and one of its streams) with its address's text for the search.</summary>
    private readonly record struct Row(ExporterRow Value, string Text);

    /// <summary>The exporters at one moment, by address, as a view of addresses and a view of streams.</summary>
    private sealed class Snapshot(Entry[] entries, DateTimeOffset asOf)
    {
        public Entry[] Entries { get; } = entries;

        public DateTimeOffset AsOf { get; } = asOf;

        public DateTimeOffset? LastSeen { get; } = entries.Length == 0 ? null : entries.Max(e => e.Summary.LastSeen);

        public ExporterFrame[] Summaries => field ??= [.. Entries.Select(e => e.Summary)];

        public View Addresses => field ??= new View([.. Entries.Select(e => new Row(new ExporterRow(e.Summary, ExporterRow.Whole(e.Summary)), e.Text))], byStream: false);

        public View Streams => field ??= new View([.. Entries.SelectMany(e => StreamsOf(e.Summary)
            .OrderBy(s => s.LocalPort).ThenBy(s => s.Version).ThenBy(s => s.Domain)
            .Select(s => new Row(new ExporterRow(e.Summary, s), e.Text)))], byStream: true);

        // An exporter heard only with datagrams too broken to name a stream still gets its row.
        private static IEnumerable<ExporterStream> StreamsOf(ExporterFrame e) => e.Streams.Count > 0 ? e.Streams : [ExporterRow.Whole(e)];
    }

    /// <summary>Rows in address order, with each other sort order made once on first use.</summary>
    private sealed class View(Row[] items, bool byStream)
    {
        private readonly Dictionary<(ExporterSort, bool), Row[]> _sorted = [];

        public Row[] Items { get; } = items;

        public Row[] Sorted(ExporterSort by, bool descending)
        {
            lock (_sorted)
            {
                if (by == ExporterSort.Address && !descending)
                {
                    return Items;
                }

                if (!_sorted.TryGetValue((by, descending), out var order))
                {
                    // Stable: ties keep address order (reversed with the rest when descending), so a page never shows a
                    // row twice or skips one between two reads.
                    Func<Row, long> key = by switch
                    {
                        ExporterSort.Version => r => r.Value.Stream.Version,
                        ExporterSort.Datagrams => r => byStream ? r.Value.Stream.Datagrams : r.Value.Exporter.Datagrams,
                        ExporterSort.Flows => r => byStream ? r.Value.Stream.Flows : r.Value.Exporter.Flows,
                        ExporterSort.DecodeErrors => r => byStream ? r.Value.Stream.DecodeErrors : r.Value.Exporter.DecodeErrors,
                        ExporterSort.Templates => r => r.Value.Exporter.TemplatesKnown,
                        ExporterSort.FirstSeen => r => r.Value.Stream.FirstSeen.UtcTicks,
                        ExporterSort.LastSeen => r => r.Value.Stream.LastSeen.UtcTicks,
                        ExporterSort.Port => r => r.Value.Stream.LocalPort,
                        _ => _ => 0,
                    };
                    order = [.. Items.OrderBy(key)];
                    if (descending)
                    {
                        Array.Reverse(order);
                    }

                    _sorted[(by, descending)] = order;
                }

                return order;
            }
        }
    }
}

/// <summary>An exporter address with one of its streams (for a whole-address row: the address's own totals).</summary>
public sealed record ExporterRow(ExporterFrame Exporter, ExporterStream Stream)
{
    /// <summary>The address's totals in the shape of a stream (port 0 = not known).</summary>
    public static ExporterStream Whole(ExporterFrame e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new ExporterStream(0, e.Version, 0, e.Datagrams, e.Flows, e.DecodeErrors, e.FirstSeen, e.LastSeen);
    }
}

/// <summary>A page of exporter streams, how many matched the search and how many exist, as of one moment.</summary>
public sealed record ExporterRowPage(IReadOnlyList<ExporterRow> Rows, int Matching, int Total, int Offset, DateTimeOffset AsOf);

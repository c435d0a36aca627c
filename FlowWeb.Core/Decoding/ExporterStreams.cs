using System.Buffers.Binary;

namespace FlowWeb.Core.Decoding;

/// <summary>
/// One stream of an exporter address: the datagrams of one version and one observation domain (v9 source id, IPFIX
/// observation domain, v5 engine type and id, sFlow sub-agent) heard on one local port. Several routers behind one
/// NAT address, or one host running several exporters, are several streams of one address: Discovered exporters
/// shows a row for each.
/// </summary>
public readonly record struct ExporterStream(
    int LocalPort,
    int Version,
    uint Domain,
    long Datagrams,
    long Flows,
    long DecodeErrors,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen)
{
    /// <summary>The domain in the words of the exporter's protocol ("source id 7", "engine 1/2"); empty for v1.</summary>
    public string DomainText => Version switch
    {
        5 => $"engine {Domain >> 8}/{Domain & 0xFF}",
        9 => $"source id {Domain}",
        10 => $"domain {Domain}",
        SFlow.SFlowDatagram.Version => $"sub-agent {Domain}",
        _ => "",
    };

    /// <summary>The same stream with another decoder's counts of it added (an exporter heard by two receive threads).</summary>
    internal ExporterStream Add(ExporterStream other) => this with
    {
        Datagrams = Datagrams + other.Datagrams,
        Flows = Flows + other.Flows,
        DecodeErrors = DecodeErrors + other.DecodeErrors,
        FirstSeen = FirstSeen < other.FirstSeen ? FirstSeen : other.FirstSeen,
        LastSeen = LastSeen > other.LastSeen ? LastSeen : other.LastSeen,
    };
}

/// <summary>
/// The streams of one exporter address, at most <see cref="MaxStreams"/> of them (a sender that varies its domain
/// id in every datagram books the rest on its last stream and counts them in <see cref="Overflow"/>). Written by
/// the receive loop only; copied for pages under the decoder's lock.
/// </summary>
internal sealed class ExporterStreams
{
    public const int MaxStreams = 16;

    private readonly List<Entry> _entries = new(1);

    /// <summary>Datagrams booked on another stream because the table was full.</summary>
    public long Overflow { get; private set; }

    /// <summary>Books one datagram (its header checked) and the records it gave.</summary>
    public void Book(int localPort, int version, ReadOnlySpan<byte> datagram, long flows, bool failed, DateTimeOffset now)
    {
        var domain = DomainOf(version, datagram);
        Entry? entry = null;
        foreach (var e in _entries)
        {
            if (e.LocalPort == localPort && e.Version == version && e.Domain == domain)
            {
                entry = e;
                break;
            }
        }

        if (entry is null)
        {
            if (_entries.Count >= MaxStreams)
            {
                Overflow++;
                entry = _entries[^1];
            }
            else
            {
                entry = new Entry(localPort, version, domain, now);
                _entries.Add(entry);
            }
        }

        entry.Datagrams++;
        entry.Flows += flows;
        entry.DecodeErrors += failed ? 1 : 0;
        entry.LastSeen = now;
    }

    public ExporterStream[] Copy()
    {
        var copy = new ExporterStream[_entries.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            var e = _entries[i];
            copy[i] = new ExporterStream(e.LocalPort, e.Version, e.Domain, e.Datagrams, e.Flows, e.DecodeErrors, e.FirstSeen, e.LastSeen);
        }

        return copy;
    }

    /// <summary>The observation domain from a header that passed <c>CheckHeader</c>; 0 where the version has none.</summary>
    internal static uint DomainOf(int version, ReadOnlySpan<byte> datagram) => version switch
    {
        5 when datagram.Length >= 22 => (uint)(datagram[20] << 8 | datagram[21]),
        9 when datagram.Length >= 20 => BinaryPrimitives.ReadUInt32BigEndian(datagram[16..]),
        10 when datagram.Length >= 16 => BinaryPrimitives.ReadUInt32BigEndian(datagram[12..]),
        SFlow.SFlowDatagram.Version => SFlowSubAgent(datagram),
        _ => 0,
    };

    // sFlow v5: version, agent address type (1 = IPv4, 2 = IPv6), the address, then the sub-agent id.
    private static uint SFlowSubAgent(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < 8)
        {
            return 0;
        }

        var offset = BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == 2 ? 24 : 12;
        return datagram.Length >= offset + 4 ? BinaryPrimitives.ReadUInt32BigEndian(datagram[offset..]) : 0;
    }

    private sealed class Entry(int localPort, int version, uint domain, DateTimeOffset firstSeen)
    {
        public int LocalPort { get; } = localPort;

        public int Version { get; } = version;

        public uint Domain { get; } = domain;

        public DateTimeOffset FirstSeen { get; } = firstSeen;

        public DateTimeOffset LastSeen { get; set; } = firstSeen;

        public long Datagrams { get; set; }

        public long Flows { get; set; }

        public long DecodeErrors { get; set; }
    }
}

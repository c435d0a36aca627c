using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation.Tables;

/// <summary>
/// Top Countries: one exact counter per two-letter code (26 × 26) plus Unknown, in a fixed array, so that the
/// table can neither grow nor become approximate whatever addresses arrive. A flow counts for the country of each
/// host that has one, once when both hosts share it (as Top IP counts a host), and for Unknown when neither has one.
/// </summary>
internal sealed class CountryTables(IpEnrichment enrichment) : ToplistTables
{
    private const int Letters = 26;
    private const int UnknownSlot = Letters * Letters;

    private readonly long[] _bytes = new long[UnknownSlot + 1];
    private readonly long[] _packets = new long[UnknownSlot + 1];
    private readonly long[] _flows = new long[UnknownSlot + 1];
    private long _totalBytes;
    private long _totalPackets;
    private long _totalFlows;

    public override void Add(in FlowRecord r, long bytes, long packets)
    {
        _totalBytes += bytes;
        _totalPackets += packets;
        _totalFlows++;
        int source = Slot(enrichment.CountryOf(r.SrcAddr)), destination = Slot(enrichment.CountryOf(r.DstAddr));
        if (source == UnknownSlot && destination == UnknownSlot)
        {
            Book(UnknownSlot, bytes, packets);
            return;
        }

        if (source != UnknownSlot)
        {
            Book(source, bytes, packets);
        }

        if (destination != UnknownSlot && destination != source)
        {
            Book(destination, bytes, packets);
        }
    }

    // 8 KB of counters: always in cache, nothing to prefetch.
    public override void Prefetch(in FlowRecord r)
    {
    }

    public override ToplistCounters Counters(ToplistDefinition definition) => new View(this);

    public override ToplistTables Fresh() => new CountryTables(enrichment);

    // A few hundred countries in arrays: nothing to give back early, and never limited.
    public override void Release()
    {
    }

    public override long MemoryBytes => 3L * 8 * _bytes.Length;

    private void Book(int slot, long bytes, long packets)
    {
        _bytes[slot] += bytes;
        _packets[slot] += packets;
        _flows[slot]++;
    }

    private static int Slot(uint code)
    {
        var a = (int)(code >> 8) - 'A';
        var b = (int)(code & 0xFF) - 'A';
        return code is 0 or > 0xFFFF || (uint)a >= Letters || (uint)b >= Letters ? UnknownSlot : (a * Letters) + b;
    }

    /// <summary>The key of a slot: the packed code in <see cref="ToplistKey.Number1"/>, 0 for Unknown.</summary>
    private static ToplistKey KeyOf(int slot) =>
        new(default, number1: slot == UnknownSlot ? 0 : ((uint)('A' + (slot / Letters)) << 8) | (uint)('A' + (slot % Letters)));

    private sealed class View(CountryTables tables) : ToplistCounters
    {
        public override long TotalBytes => tables._totalBytes;

        public override long TotalPackets => tables._totalPackets;

        public override long TotalFlows => tables._totalFlows;

        public override bool IsApproximate => false;

        public override long ErrorBound => 0;

        public override (List<ToplistRow> Rows, int Keys) Top(int n)
        {
            var all = All().ToList();
            return ([.. all.OrderByDescending(r => r.Bytes).Take(n)], all.Count);
        }

        public override IEnumerable<ToplistRow> All()
        {
            for (var slot = 0; slot <= UnknownSlot; slot++)
            {
                if (tables._flows[slot] > 0)
                {
                    yield return new ToplistRow(KeyOf(slot), tables._bytes[slot], tables._packets[slot], tables._flows[slot], 0);
                }
            }
        }
    }
}

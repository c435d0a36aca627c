using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Live;

/// <summary>
/// A router's flow cache under a steady load of known rate, as NetFlow/IPFIX exporters work: <see cref="Slots"/>
/// connections always run (one ends, the next starts in its place), each at the same bit rate, so the true rate is
/// exactly <see cref="BitsPerSecond"/> at every moment. A connection is exported when it ended
/// <see cref="InactiveTimeout"/> ago (record up to its end), and every <see cref="ActiveTimeout"/> while it runs
/// (record of the time since its last export), as RouterOS's active-flow-timeout and inactive-flow-timeout do;
/// the cache is scanned once a second. Durations mix short conversations and long transfers. Seeded.
/// </summary>
internal sealed class SteadyFlowCache
{
    private readonly Random _random;
    private readonly Slot[] _slots;
    private readonly double _bitsPerSlotMs;
    private long _lastScanMs;

    private sealed class Slot
    {
        public long RecordFromMs; // start of its next record (its start, or its last active-timeout export)
        public long EndMs;        // when it ends
        public ushort Port;
        public uint Host;
    }

    public SteadyFlowCache(double bitsPerSecond, int slots, TimeSpan activeTimeout, TimeSpan inactiveTimeout, long startMs, int seed)
    {
        BitsPerSecond = bitsPerSecond;
        Slots = slots;
        ActiveTimeout = activeTimeout;
        InactiveTimeout = inactiveTimeout;
        _random = new Random(seed);
        _bitsPerSlotMs = bitsPerSecond / slots / 1000;
        _slots = new Slot[slots];
        _lastScanMs = startMs;
        for (var i = 0; i < slots; i++)
        {
            // Each slot starts at the load's start, so the load is steady from startMs on, with ends spread out.
            _slots[i] = NewConnection(startMs, (uint)i);
        }
    }

    public double BitsPerSecond { get; }

    public int Slots { get; }

    public TimeSpan ActiveTimeout { get; }

    public TimeSpan InactiveTimeout { get; }

    /// <summary>Every record the exporter sends by <paramref name="nowMs"/> (scanning once a second), oldest first.</summary>
    public List<FlowRecord> Export(long nowMs)
    {
        var records = new List<FlowRecord>();
        for (var scan = _lastScanMs + 1000; scan <= nowMs; scan += 1000)
        {
            Scan(scan, records);
            _lastScanMs = scan;
        }

        return records;
    }

    private void Scan(long nowMs, List<FlowRecord> records)
    {
        var active = (long)ActiveTimeout.TotalMilliseconds;
        var inactive = (long)InactiveTimeout.TotalMilliseconds;
        for (var i = 0; i < _slots.Length; i++)
        {
            var s = _slots[i];

            // Ended: the next connection took the slot at its end; the ended one is exported once idle long enough.
            while (s.EndMs <= nowMs)
            {
                var ended = s;
                _slots[i] = s = NewConnection(ended.EndMs, (uint)i);
                _pendingEnds.Add((ended.EndMs + inactive, Record(ended, ended.RecordFromMs, ended.EndMs)));
            }

            if (active > 0 && nowMs - s.RecordFromMs >= active)
            {
                records.Add(Record(s, s.RecordFromMs, nowMs));
                s.RecordFromMs = nowMs;
            }
        }

        _pendingEnds.RemoveAll(p =>
        {
            if (p.DueMs > nowMs)
            {
                return false;
            }

            records.Add(p.Record);
            return true;
        });
    }

    private readonly List<(long DueMs, FlowRecord Record)> _pendingEnds = [];

    private Slot NewConnection(long startMs, uint slot)
    {
        // 70 % conversations of 1-20 s, 30 % transfers of 30 s to 10 min.
        var seconds = _random.Next(10) < 7 ? 1 + (_random.NextDouble() * 19) : 30 + (_random.NextDouble() * 570);
        return new Slot
        {
            RecordFromMs = startMs,
            EndMs = startMs + (long)(seconds * 1000),
            Port = (ushort)_random.Next(40_000, 60_000),
            Host = 0x0A00_0000u + slot,
        };
    }

    private FlowRecord Record(Slot s, long fromMs, long toMs)
    {
        var bytes = (ulong)Math.Round(_bitsPerSlotMs * (toMs - fromMs) / 8);
        return new FlowRecord
        {
            SrcAddr = FlowAddress.FromIPv4(0xCB00_7107),
            DstAddr = FlowAddress.FromIPv4(s.Host),
            SrcPort = 443,
            DstPort = s.Port,
            Protocol = 6,
            Bytes = bytes,
            Packets = Math.Max(1, bytes / 1400),
            StartMs = fromMs,
            EndMs = toMs,
            SamplingRate = 1,
            Direction = FlowRecord.DirectionUnknown,
        };
    }
}

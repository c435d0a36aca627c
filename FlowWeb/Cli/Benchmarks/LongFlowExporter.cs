using FlowWeb.Core.Flows;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// Long flows (backups, downloads, video) as a router's flow cache exports them: a record every active timeout
/// (RouterOS scans its cache about once a second, so each export comes 0-1 s after the timeout is due), and the
/// rest 15 s after the last packet (the inactive timeout). Each record carries all the bytes since the previous
/// one, which is what makes a long flow look like a spike to a detector that counts records where they arrive.
/// </summary>
internal sealed class LongFlowExporter(int activeTimeoutSeconds, Random random)
{
    public const int InactiveTimeoutSeconds = 15;

    private readonly List<LongFlow> _flows = [];

    public int Active => _flows.Count;

    /// <summary>
    /// A flow from <paramref name="startSecond"/> for <paramref name="seconds"/> at <paramref name="bitsPerSecond"/>,
    /// in <paramref name="packetBytes"/>-byte packets; TCP flows also get their ACK stream back (one per two segments).
    /// </summary>
    public void Start(long startSecond, int seconds, FlowRecord shape, double bitsPerSecond, int packetBytes)
    {
        var flow = new LongFlow(shape, bitsPerSecond / 8 / packetBytes, packetBytes, startSecond * 1000, (startSecond + seconds) * 1000);
        flow.NextExportSecond = startSecond + activeTimeoutSeconds + random.Next(2);
        _flows.Add(flow);
        if (shape.Protocol == 6)
        {
            var ack = shape with { SrcAddr = shape.DstAddr, DstAddr = shape.SrcAddr, SrcPort = shape.DstPort, DstPort = shape.SrcPort };
            var acks = new LongFlow(ack, flow.PacketsPerSecond / 2, 52, flow.StartMs, flow.EndMs) { NextExportSecond = flow.NextExportSecond };
            _flows.Add(acks);
        }
    }

    /// <summary>Adds the records exported during <paramref name="second"/>.</summary>
    public void Export(long second, List<FlowRecord> output)
    {
        var nowMs = second * 1000 + random.Next(1000);
        for (var i = _flows.Count - 1; i >= 0; i--)
        {
            var flow = _flows[i];
            var endedAndIdle = second * 1000 >= flow.EndMs + (InactiveTimeoutSeconds * 1000);
            if (second < flow.NextExportSecond && !endedAndIdle)
            {
                continue;
            }

            // The record spans from the first packet after the previous export to the last one before this export.
            var last = Math.Min(nowMs, flow.EndMs);
            var packets = (ulong)Math.Max(1, Math.Round(flow.PacketsPerSecond * (last - flow.FromMs) / 1000.0));
            var record = flow.Shape;
            record.StartMs = flow.FromMs;
            record.EndMs = last;
            record.Packets = packets;
            record.Bytes = packets * (ulong)flow.PacketBytes;
            output.Add(record);

            if (endedAndIdle || last >= flow.EndMs)
            {
                _flows[i] = _flows[^1];
                _flows.RemoveAt(_flows.Count - 1);
                continue;
            }

            flow.FromMs = nowMs + 1;
            flow.NextExportSecond = second + activeTimeoutSeconds + random.Next(2);
        }
    }

    private sealed class LongFlow(FlowRecord shape, double packetsPerSecond, int packetBytes, long startMs, long endMs)
    {
        public FlowRecord Shape { get; } = shape;

        public double PacketsPerSecond { get; } = packetsPerSecond;

        public int PacketBytes { get; } = packetBytes;

        public long StartMs { get; } = startMs;

        public long EndMs { get; } = endMs;

        public long FromMs { get; set; } = startMs;

        public long NextExportSecond { get; set; }
    }
}

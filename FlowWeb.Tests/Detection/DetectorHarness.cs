using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Detection;

/// <summary>
/// One sensor's detector with one shard and a fake clock: records are added second by second as a receive thread
/// would, and each second is evaluated when the clock moves past it.
/// </summary>
internal sealed class DetectorHarness
{
    public const long T0 = 1_750_000_000;
    private long _nextId = 1;

    public DetectorHarness(DetectionOptions? options = null, SensorDetectionSettings? sensor = null)
    {
        Options = options ?? new DetectionOptions();
        Time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(T0));
        Detector = new SensorDetector(Guid.NewGuid(), "test sensor", new DetectionConfig(Options, sensor), Time, () => _nextId++);
        Shard = Detector.CreateShards(1, T0)[0];
    }

    public DetectionOptions Options { get; }

    public FakeTimeProvider Time { get; }

    public SensorDetector Detector { get; }

    public DetectionShard Shard { get; }

    public long Now => Time.GetUtcNow().ToUnixTimeSeconds();

    public List<AttackChange> Changes { get; } = [];

    public IEnumerable<AttackReport> Started => Changes.Where(c => c.Started).Select(c => c.Report);

    public IEnumerable<AttackReport> Ended => Changes.Where(c => c.Ended).Select(c => c.Report);

    /// <summary>
    /// 0: records are added one by one; otherwise in batches of this many, as a receive thread adds a datagram's
    /// (<see cref="DetectionShard.Add(in FlowWeb.Core.Aggregation.ObservedBatch)"/>).
    /// </summary>
    public int BatchSize { get; init; }

    /// <summary>Adds the records as arriving in the current second, then moves the clock one second on and evaluates.</summary>
    public IReadOnlyList<AttackChange> Second(IEnumerable<FlowRecord> records, uint rate = 1)
    {
        var now = Now;
        if (BatchSize > 0)
        {
            var accepted = Enumerable.Range(0, BatchSize).ToArray();
            var rates = Enumerable.Repeat(rate, BatchSize).ToArray();
            foreach (var chunk in records.Chunk(BatchSize))
            {
                Shard.Add(new ObservedBatch(chunk, accepted.AsSpan(0, chunk.Length), rates.AsSpan(0, chunk.Length), default, now));
            }
        }
        else
        {
            foreach (var r in records)
            {
                Shard.Add(r, rate, now);
            }
        }

        Time.Advance(TimeSpan.FromSeconds(1));
        Shard.Roll(Now);
        var changes = Detector.Tick(Now);
        Changes.AddRange(changes);
        return changes;
    }

    /// <summary>Runs <paramref name="seconds"/> seconds, each with the records <paramref name="perSecond"/> makes for it.</summary>
    public void Run(int seconds, Func<long, IEnumerable<FlowRecord>> perSecond, uint rate = 1)
    {
        for (var i = 0; i < seconds; i++)
        {
            Second(perSecond(Now), rate);
        }
    }

    /// <summary>A record that arrives now and lasted <paramref name="durationMs"/>, ended <paramref name="exportDelayMs"/> ago.</summary>
    public FlowRecord Flow(string src, ushort srcPort, string dst, ushort dstPort, byte protocol, ulong packets, ulong bytes,
        ushort tcpFlags = 0, long durationMs = 0, long exportDelayMs = 15_000)
    {
        var end = (Now * 1000) - exportDelayMs;
        return new FlowRecord
        {
            SrcAddr = FlowAddress.Parse(src),
            DstAddr = FlowAddress.Parse(dst),
            SrcPort = srcPort,
            DstPort = dstPort,
            Protocol = protocol,
            Packets = packets,
            Bytes = bytes,
            TcpFlags = tcpFlags,
            StartMs = end - durationMs,
            EndMs = end,
            SamplingRate = 1,
        };
    }

    /// <summary>A spoofed IPv4 or IPv6 source, different for each <paramref name="n"/>.</summary>
    public static string Spoofed(long n, bool ipv6 = false) => ipv6
        ? $"2001:db8:{(n >> 32) & 0xFFFF:x}:{(n >> 16) & 0xFFFF:x}::{n & 0xFFFF:x}"
        : $"{1 + (n >> 24) % 200}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}";
}

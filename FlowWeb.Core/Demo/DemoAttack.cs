using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Demo;

/// <summary>
/// The attack demo mode stages (<c>Demo:AttackEveryMinutes</c>): a UDP flood from spoofed sources on the office's WAN
/// address, 1.5 times the default UDP packets/s threshold, for <c>Demo:AttackSeconds</c>, the first one a minute after
/// start (or sooner, for shorter intervals) and then every interval. Its records go through the simulated router's
/// encoder and FlowWeb's collector like the rest of the demo traffic, so the detector, the Attacks page, the banner
/// and the alarms see it as they would a real one. Sources are in the documentation ranges. Not thread-safe.
/// </summary>
public sealed class DemoAttack
{
    /// <summary>Flow records per second of attack: 150 of 1,000 packets each, 150,000 packets/s.</summary>
    public const int RecordsPerSecond = 150;

    private const int PacketsPerRecord = 1000;
    private const int PacketBytes = 512;

    private readonly long _firstMs;
    private readonly long _periodMs;
    private readonly long _lengthMs;
    private readonly Random _random;

    public DemoAttack(double everyMinutes, int seconds, long startMs, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(everyMinutes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);
        _periodMs = (long)(everyMinutes * 60_000);
        _lengthMs = seconds * 1000L;

        // A newcomer should not wait ten minutes for the first one.
        _firstMs = startMs + Math.Min(_periodMs, 60_000);
        _random = new Random(seed);
    }

    /// <summary>The attacked address: the office router's WAN address.</summary>
    public static FlowAddress Victim => DemoNetwork.WanAddress;

    /// <summary>True while an attack is staged at <paramref name="nowMs"/>.</summary>
    public bool IsOn(long nowMs) => nowMs >= _firstMs && (nowMs - _firstMs) % _periodMs < _lengthMs;

    /// <summary>Writes the attack's records of the second ending at <paramref name="nowMs"/> (none between attacks) and returns how many.</summary>
    public int Next(long nowMs, Span<FlowRecord> into)
    {
        if (!IsOn(nowMs))
        {
            return 0;
        }

        var count = Math.Min(into.Length, RecordsPerSecond);
        for (var i = 0; i < count; i++)
        {
            // Spoofed sources all over 192.0.2.0/24 and 203.0.113.0/24; random ports, as a flood tool sends them.
            var source = _random.Next(2) == 0 ? DemoNetwork.IPv4(192, 0, 2, (byte)_random.Next(1, 255)) : DemoNetwork.IPv4(203, 0, 113, (byte)_random.Next(1, 255));
            var end = nowMs - _random.Next(0, 300);
            into[i] = new FlowRecord
            {
                SrcAddr = source,
                DstAddr = Victim,
                SrcPort = (ushort)_random.Next(1024, 65535),
                DstPort = (ushort)_random.Next(1, 65535),
                Protocol = DemoFlows.Udp,
                Packets = PacketsPerRecord,
                Bytes = PacketsPerRecord * PacketBytes,
                StartMs = end - _random.Next(0, 700),
                EndMs = end,
                InIf = DemoNetwork.WanInterface,
                OutIf = DemoNetwork.RouterItself,
                SamplingRate = 1,
                Direction = FlowRecord.DirectionUnknown,
            };
        }

        return count;
    }
}

using FlowWeb.Core.Flows;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// The records of the collector benchmark's workload (<c>flowblast -z 1.0 -D 10000 -P 16384</c>, see
/// ../shared/bench), made in memory: sources random in 10.0.0.0/8 with random source ports, destinations one of
/// 10,000 addresses in 198.18.0.0/15 with Zipf(1.0) popularity, 70 % TCP / 25 % UDP / 5 % ICMP, well-known
/// destination ports 80 % of the time, heavy-tailed packet counts, 40-1500 bytes per packet. Packets of 30 records,
/// <c>packets</c> of them, cycled: 16,384 packets give about 490,000 distinct records, 1,000 about 30,000.
/// </summary>
internal sealed class FlowblastWorkload
{
    private static readonly ushort[] TcpPorts = [80, 443, 22, 25, 110, 143, 993, 3389, 8080, 445];
    private static readonly ushort[] UdpPorts = [53, 123, 161, 514, 1194, 4500, 500, 5060, 67, 443];

    public FlowblastWorkload(int packets, int recordsPerPacket = 30, int destinations = 10_000, int seed = 1)
    {
        var random = new Random(seed);
        var cdf = new double[destinations];
        double sum = 0;
        for (var i = 0; i < destinations; i++)
        {
            sum += 1.0 / (i + 1);
            cdf[i] = sum;
        }

        Records = new FlowRecord[packets * recordsPerPacket];
        RecordsPerPacket = recordsPerPacket;
        for (var n = 0; n < Records.Length; n++)
        {
            var rank = Array.BinarySearch(cdf, random.NextDouble() * sum);
            rank = rank < 0 ? ~rank : rank;
            ref var r = ref Records[n];
            r.Version = 9;
            r.SrcAddr = FlowAddress.FromIPv4(0x0A00_0000u | (uint)random.Next(1 << 24));
            r.DstAddr = FlowAddress.FromIPv4(0xC612_0000u + (uint)rank);
            var p = random.Next(100);
            (r.Protocol, r.DstPort, r.SrcPort) = p < 70
                ? ((byte)6, random.Next(100) < 80 ? TcpPorts[random.Next(10)] : (ushort)(1 + random.Next(65535)), (ushort)(1024 + random.Next(64512)))
                : p < 95
                    ? ((byte)17, random.Next(100) < 80 ? UdpPorts[random.Next(10)] : (ushort)(1 + random.Next(65535)), (ushort)(1024 + random.Next(64512)))
                    : ((byte)1, (ushort)(random.Next(2) == 0 ? 0x0800 : 0x0303), (ushort)0);
            var tail = random.Next(1000);
            r.Packets = (ulong)(tail < 700 ? 1 + random.Next(10) : tail < 990 ? 10 + random.Next(1000) : 1000 + random.Next(100_000));
            r.Bytes = r.Packets * (ulong)(40 + random.Next(1461));
            r.InIf = (uint)(1 + random.Next(8));
            r.OutIf = (uint)(1 + random.Next(8));
            r.SamplingRate = 1;
        }
    }

    public FlowRecord[] Records { get; }

    public int RecordsPerPacket { get; }

    /// <summary>The records of one packet (datagram) of the cycle.</summary>
    public ReadOnlySpan<FlowRecord> Packet(int index) =>
        Records.AsSpan(index % (Records.Length / RecordsPerPacket) * RecordsPerPacket, RecordsPerPacket);
}

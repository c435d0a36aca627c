using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// sFlow datagrams as a switch sends them, from flow records (one sampled packet per record): 802.1Q-tagged
/// Ethernet headers of the default 128 bytes, extended switch data, as many flow samples as fit in 1,400 bytes, and
/// every 20th datagram a counters sample. For benchmarks and load tests.
/// </summary>
public static class SFlowTraffic
{
    public static List<byte[]> Switch(ReadOnlySpan<FlowRecord> records, FlowAddress agent, uint samplingRate, int maxDatagrams)
    {
        var encoder = new SFlowEncoder(agent);
        var datagrams = new List<byte[]>();
        var samples = new List<SFlowSampleSpec>();
        var length = 0;
        for (var i = 0; i < records.Length && datagrams.Count < maxDatagrams; i++)
        {
            var spec = Sample(records[i], samplingRate);
            var sampleLength = encoder.Measure([spec]) - encoder.Measure([]);
            if (length + sampleLength > SFlowEncoder.DefaultMaxDatagramBytes - 200 && samples.Count > 0)
            {
                datagrams.Add(Flush(encoder, samples, datagrams.Count));
                length = 0;
            }

            samples.Add(spec);
            length += sampleLength;
        }

        if (samples.Count > 0 && datagrams.Count < maxDatagrams)
        {
            datagrams.Add(Flush(encoder, samples, datagrams.Count));
        }

        return datagrams;
    }

    /// <summary>The sampled packet a flow record stands for: its addresses, ports and protocol, a frame of its mean packet size.</summary>
    public static SFlowSampleSpec Sample(in FlowRecord r, uint samplingRate)
    {
        var ipOverhead = r.SrcAddr.IsIPv4 ? 20 : 40;
        var meanPacket = r.Packets == 0 ? 64 : (int)Math.Clamp(r.Bytes / r.Packets, 46, 1500);
        var vlan = (ushort)(100 + (r.InIf % 8));
        return new SFlowSampleSpec
        {
            Packet = new SFlowSampledPacket
            {
                SrcAddr = r.SrcAddr, DstAddr = r.DstAddr, Protocol = r.Protocol, SrcPort = r.SrcPort, DstPort = r.DstPort,
                TcpFlags = r.TcpFlags, Tos = r.Tos, IcmpType = (byte)(r.DstPort >> 8), IcmpCode = (byte)r.DstPort,
                VlanTags = [vlan], FrameLength = Math.Max(meanPacket, ipOverhead + 8) + 18 + 4,
            },
            SamplingRate = samplingRate,
            SourceIdIndex = r.InIf,
            Input = new SFlowInterface(SFlowInterfaceFormat.Index, r.InIf),
            Output = new SFlowInterface(SFlowInterfaceFormat.Index, r.OutIf),
            Switch = (vlan, vlan),
        };
    }

    private static byte[] Flush(SFlowEncoder encoder, List<SFlowSampleSpec> samples, int index)
    {
        IReadOnlyList<SFlowInterfaceCounters>? counters = index % 20 == 0
            ? [new SFlowInterfaceCounters { IfIndex = 1, IfType = 6, IfSpeed = 10_000_000_000, IfStatus = 3, InOctets = (ulong)index * 1_000_000, OutOctets = (ulong)index * 900_000, HasGeneric = true, HasEthernet = true }]
            : null;
        var datagram = encoder.Encode(samples, counters);
        samples.Clear();
        return datagram;
    }
}

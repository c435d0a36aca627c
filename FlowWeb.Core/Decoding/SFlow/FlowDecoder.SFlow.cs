using System.Buffers.Binary;
using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding;

/// <summary>
/// sFlow v5 (sflow.org, sflow_version_5.txt, "sFlow Datagram Format"). XDR: big-endian, every field 4-byte aligned.
/// <code>
/// sample_datagram_v5
///   0 version = 5 (32 bits: NetFlow's 16-bit version field reads 0 here, which is how the two are told apart)
///   4 agent_address: type (1 IPv4, 2 IPv6, 0 unknown) then 4 or 16 bytes
///     sub_agent_id, sequence_number (datagrams of this sub-agent), uptime (ms)
///     samples: count, then each data_format (enterprise 20 bits | format 12 bits), length, data
///       (0,1) flow_sample (0,3) flow_sample_expanded: see SFlowFlowRecords
///       (0,2) counters_sample (0,4) counters_sample_expanded: see SFlowCounterRecords
/// </code>
/// Each flow sample becomes one <see cref="FlowRecord"/>: one sampled packet (packets 1, bytes = the frame length,
/// which includes the bytes the agent stripped, such as the Ethernet FCS) with the sample's sampling rate, stamped
/// with the arrival time (sFlow samples are single packets, not flows). A sensor multiplies by the rate, as for
/// every protocol: rate packets and frame length × rate bytes. Samples are length-delimited, so a malformed one is
/// skipped (counted) and the others of the datagram are kept.
/// </summary>
public sealed partial class FlowDecoder
{
    /// <summary>Receives each sFlow sample as decoded (decode tool, tests); null in the collector.</summary>
    public ISFlowSampleSink? SFlowSink { get; set; }

    private SFlowFlowSample _sflowSample;
    private SFlowInterfaceCounters _sflowCounters;

    /// <summary>True when the datagram starts with sFlow's 32-bit version (NetFlow and IPFIX start with a non-zero 16-bit one).</summary>
    internal static bool IsSFlow(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= 4 && BinaryPrimitives.ReadUInt16BigEndian(datagram) == 0;

    private DecodeResult DecodeSFlow(ExporterState state, FlowAddress exporter, ReadOnlySpan<byte> datagram, FlowBatch batch, DateTimeOffset now)
    {
        const byte version = SFlowDatagram.Version;
        var r = new WireReader(datagram);
        r.TryReadUInt32(out var wireVersion);
        if (wireVersion != 5)
        {
            return new DecodeResult(DecodeStatus.UnsupportedVersion, 0, 0);
        }

        if (!SFlowWire.TryReadAddress(ref r, out var agentAddress))
        {
            return new DecodeResult(r.Remaining < 4 ? DecodeStatus.TooShort : DecodeStatus.SflowBadAddressType, version, 0);
        }

        if (!r.TryReadUInt32(out var subAgent) || !r.TryReadUInt32(out var sequence) || !r.TryReadUInt32(out var uptime) ||
            !r.TryReadUInt32(out var count))
        {
            return new DecodeResult(DecodeStatus.TooShort, version, 0);
        }

        if (agentAddress.IsNone)
        {
            agentAddress = exporter;
        }

        var agent = (state.SFlow ??= new SFlowExporter()).Agent(agentAddress, subAgent, now);
        if (agent is null)
        {
            return new DecodeResult(DecodeStatus.SflowAgentLimit, version, 0);
        }

        agent.LastSeen = now;
        agent.ObserveDatagram(sequence, uptime, Options.SequenceRestartThreshold);
        var status = DecodeStatus.Ok;
        var records = 0;
        var unknownRecords = 0;
        for (var i = 0u; i < count; i++)
        {
            if (!SFlowWire.TryReadStructure(ref r, out var format, out var data))
            {
                // The datagram ends before the samples its header announced (or inside the last one).
                Problem(state, ref status, r.Remaining < 8 ? DecodeStatus.SflowSampleCountMismatch : DecodeStatus.SflowBadSampleLength);
                break;
            }

            var sampleStatus = format switch
            {
                1 or 3 => FlowSample(agent, data, format == 3, sequence, uptime, batch, now, ref records, ref unknownRecords),
                2 or 4 => CountersSample(agent, data, format == 4, sequence, uptime, now, ref unknownRecords),
                _ => UnknownSample(agent),
            };
            Problem(state, ref status, sampleStatus);
        }

        agent.UnknownRecords += unknownRecords;
        if (status == DecodeStatus.Ok && r.Remaining > 0)
        {
            status = DecodeStatus.TrailingBytes;
        }

        return new DecodeResult(status, version, records);
    }

    /// <summary>The first problem becomes the datagram's status (counted by the caller); later ones are counted here.</summary>
    private static void Problem(ExporterState state, ref DecodeStatus status, DecodeStatus problem)
    {
        if (status == DecodeStatus.Ok)
        {
            status = problem;
        }
        else
        {
            state.Stats.CountError(problem);
        }
    }

    private static DecodeStatus UnknownSample(SFlowAgent agent)
    {
        agent.UnknownSamples++;
        return DecodeStatus.Ok;
    }

    private DecodeStatus FlowSample(SFlowAgent agent, ReadOnlySpan<byte> data, bool expanded, uint sequence, uint uptime, FlowBatch batch, DateTimeOffset now,
        ref int records, ref int unknownRecords)
    {
        ref var s = ref _sflowSample;
        s = default;
        s.Agent = agent.Address;
        s.SubAgent = agent.SubAgent;
        s.DatagramSequence = sequence;
        s.UptimeMs = uptime;
        var status = SFlowFlowRecords.Read(data, expanded, ref s, ref unknownRecords);
        if (status != DecodeStatus.Ok)
        {
            return status;
        }

        agent.ObserveFlowSample(s, Options.SequenceRestartThreshold);
        ref var r = ref s.Record;
        var nowMs = now.ToUnixTimeMilliseconds();
        r.Version = SFlowDatagram.Version;
        r.ObservationDomain = s.SubAgent;
        r.TemplateIndex = -1;
        r.Direction = FlowRecord.DirectionUnknown;
        r.StartMs = nowMs;
        r.EndMs = nowMs;
        r.TimeSource = FlowTimeSource.ArrivalTime;
        r.Packets = 1;
        r.Bytes = s.FrameLength != 0 ? s.FrameLength : s.IpLength;
        r.SamplingRate = Math.Max(1u, s.SamplingRate);
        r.InIf = s.Input.IfIndex;
        r.OutIf = s.Output.IfIndex;
        if (s.Output.Format == SFlowInterfaceFormat.Discarded)
        {
            r.Flags |= FlowRecordFlags.Dropped;
        }

        if (!s.Has(SFlowSampleParts.VlanTag) && s.Has(SFlowSampleParts.SwitchRecord))
        {
            r.Vlan = (ushort)s.SrcVlan;
        }

        batch.Add() = r;
        records++;
        SFlowSink?.FlowSample(s);
        return DecodeStatus.Ok;
    }

    private DecodeStatus CountersSample(SFlowAgent agent, ReadOnlySpan<byte> data, bool expanded, uint sequence, uint uptime, DateTimeOffset now,
        ref int unknownRecords)
    {
        ref var c = ref _sflowCounters;
        c = default;
        c.Agent = agent.Address;
        c.SubAgent = agent.SubAgent;
        c.DatagramSequence = sequence;
        c.UptimeMs = uptime;
        c.ReceivedMs = now.ToUnixTimeMilliseconds();
        var status = SFlowCounterRecords.Read(data, expanded, ref c, ref unknownRecords);
        if (status != DecodeStatus.Ok)
        {
            return status;
        }

        agent.StoreCounters(c);
        SFlowSink?.CountersSample(c);
        return DecodeStatus.Ok;
    }
}

namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>
/// The counters samples of an sFlow v5 datagram (sflow_version_5.txt, "Counter Samples" and "Counter Data"). FlowWeb
/// keeps the generic interface counters and the Ethernet counters; other records (VLAN, processor, host...) are
/// skipped by their length.
/// <code>
/// counters_sample (0,2)                      counters_sample_expanded (0,4)
///   0 sequence_number                          0 sequence_number
///   4 source_id (type 8 bits | index 24)       4 source_id_type  8 source_id_index
///   8 counter_records count, then records     12 counter_records count, then records
///
/// if_counters (0,1), 88 bytes: ifIndex, ifType, ifSpeed(8), ifDirection, ifStatus, ifInOctets(8), ifInUcastPkts,
///   ifInMulticastPkts, ifInBroadcastPkts, ifInDiscards, ifInErrors, ifInUnknownProtos, ifOutOctets(8),
///   ifOutUcastPkts, ifOutMulticastPkts, ifOutBroadcastPkts, ifOutDiscards, ifOutErrors, ifPromiscuousMode
/// ethernet_counters (0,2), 52 bytes: dot3Stats AlignmentErrors, FCSErrors, SingleCollisionFrames,
///   MultipleCollisionFrames, SQETestErrors, DeferredTransmissions, LateCollisions, ExcessiveCollisions,
///   InternalMacTransmitErrors, CarrierSenseErrors, FrameTooLongs, InternalMacReceiveErrors, SymbolErrors
/// </code>
/// </summary>
internal static class SFlowCounterRecords
{
    private const uint Generic = 1, Ethernet = 2;
    private const int GenericLength = 88, EthernetLength = 52;

    public static DecodeStatus Read(ReadOnlySpan<byte> data, bool expanded, ref SFlowInterfaceCounters c, ref int unknownRecords)
    {
        var r = new WireReader(data);
        if (data.Length < (expanded ? 16 : 12))
        {
            return DecodeStatus.SflowBadSampleLength;
        }

        c.Expanded = expanded;
        r.TryReadUInt32(out c.SampleSequence);
        if (expanded)
        {
            r.TryReadUInt32(out c.SourceIdType);
            r.TryReadUInt32(out c.SourceIdIndex);
        }
        else
        {
            r.TryReadUInt32(out var source);
            c.SourceIdType = source >> 24;
            c.SourceIdIndex = source & 0x00FF_FFFF;
        }

        r.TryReadUInt32(out var count);
        for (var i = 0u; i < count; i++)
        {
            if (!SFlowWire.TryReadStructure(ref r, out var format, out var record))
            {
                return DecodeStatus.SflowBadRecordLength;
            }

            switch (format)
            {
                case Generic when record.Length < GenericLength:
                case Ethernet when record.Length < EthernetLength:
                    return DecodeStatus.SflowBadRecordLength;
                case Generic:
                    ReadGeneric(record, ref c);
                    break;
                case Ethernet:
                    ReadEthernet(record, ref c);
                    break;
                default:
                    unknownRecords++;
                    break;
            }
        }

        return DecodeStatus.Ok;
    }

    private static void ReadGeneric(ReadOnlySpan<byte> data, ref SFlowInterfaceCounters c)
    {
        var r = new WireReader(data);
        r.TryReadUInt32(out c.IfIndex);
        r.TryReadUInt32(out c.IfType);
        c.IfSpeed = ReadUInt64(ref r);
        r.TryReadUInt32(out c.IfDirection);
        r.TryReadUInt32(out c.IfStatus);
        c.InOctets = ReadUInt64(ref r);
        r.TryReadUInt32(out c.InUcastPkts);
        r.TryReadUInt32(out c.InMulticastPkts);
        r.TryReadUInt32(out c.InBroadcastPkts);
        r.TryReadUInt32(out c.InDiscards);
        r.TryReadUInt32(out c.InErrors);
        r.TryReadUInt32(out c.InUnknownProtos);
        c.OutOctets = ReadUInt64(ref r);
        r.TryReadUInt32(out c.OutUcastPkts);
        r.TryReadUInt32(out c.OutMulticastPkts);
        r.TryReadUInt32(out c.OutBroadcastPkts);
        r.TryReadUInt32(out c.OutDiscards);
        r.TryReadUInt32(out c.OutErrors);
        r.TryReadUInt32(out c.PromiscuousMode);
        c.HasGeneric = true;
    }

    private static void ReadEthernet(ReadOnlySpan<byte> data, ref SFlowInterfaceCounters c)
    {
        var r = new WireReader(data);
        r.TryReadUInt32(out c.AlignmentErrors);
        r.TryReadUInt32(out c.FcsErrors);
        r.TryReadUInt32(out c.SingleCollisionFrames);
        r.TryReadUInt32(out c.MultipleCollisionFrames);
        r.TryReadUInt32(out c.SqeTestErrors);
        r.TryReadUInt32(out c.DeferredTransmissions);
        r.TryReadUInt32(out c.LateCollisions);
        r.TryReadUInt32(out c.ExcessiveCollisions);
        r.TryReadUInt32(out c.InternalMacTransmitErrors);
        r.TryReadUInt32(out c.CarrierSenseErrors);
        r.TryReadUInt32(out c.FrameTooLongs);
        r.TryReadUInt32(out c.InternalMacReceiveErrors);
        r.TryReadUInt32(out c.SymbolErrors);
        c.HasEthernet = true;
    }

    private static ulong ReadUInt64(ref WireReader r)
    {
        r.TryReadUInt32(out var high);
        r.TryReadUInt32(out var low);
        return ((ulong)high << 32) | low;
    }
}

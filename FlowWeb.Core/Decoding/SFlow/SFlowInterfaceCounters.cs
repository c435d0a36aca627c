using System.Diagnostics.CodeAnalysis;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>
/// One interface's counters from an sFlow counters sample: generic interface counters (0,1, RFC 2233) and, when sent,
/// Ethernet counters (0,2, RFC 2358). Counters are the agent's running totals; rates come from two samples.
/// </summary>
[SuppressMessage("Design", "CA1051", Justification = "A plain data record filled field by field, like FlowRecord.")]
public struct SFlowInterfaceCounters
{
    public FlowAddress Agent;
    public uint SubAgent;
    public uint DatagramSequence;
    public uint UptimeMs;
    public bool Expanded;
    public uint SampleSequence;
    public uint SourceIdType;
    public uint SourceIdIndex;

    /// <summary>When FlowWeb received it (Unix ms).</summary>
    public long ReceivedMs;

    public bool HasGeneric;
    public bool HasEthernet;

    public uint IfIndex;
    public uint IfType;

    /// <summary>Interface speed in bit/s (0 = unknown).</summary>
    public ulong IfSpeed;

    /// <summary>1 full duplex, 2 half duplex, 3 in, 4 out, 0 unknown.</summary>
    public uint IfDirection;

    /// <summary>Bit 0 admin up, bit 1 operationally up.</summary>
    public uint IfStatus;
    public ulong InOctets;
    public uint InUcastPkts;
    public uint InMulticastPkts;
    public uint InBroadcastPkts;
    public uint InDiscards;
    public uint InErrors;
    public uint InUnknownProtos;
    public ulong OutOctets;
    public uint OutUcastPkts;
    public uint OutMulticastPkts;
    public uint OutBroadcastPkts;
    public uint OutDiscards;
    public uint OutErrors;
    public uint PromiscuousMode;

    public uint AlignmentErrors;
    public uint FcsErrors;
    public uint SingleCollisionFrames;
    public uint MultipleCollisionFrames;
    public uint SqeTestErrors;
    public uint DeferredTransmissions;
    public uint LateCollisions;
    public uint ExcessiveCollisions;
    public uint InternalMacTransmitErrors;
    public uint CarrierSenseErrors;
    public uint FrameTooLongs;
    public uint InternalMacReceiveErrors;
    public uint SymbolErrors;

    public readonly bool AdminUp => (IfStatus & 1) != 0;

    public readonly bool OperUp => (IfStatus & 2) != 0;
}

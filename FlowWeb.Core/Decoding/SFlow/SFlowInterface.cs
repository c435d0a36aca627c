namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>What an sFlow input or output interface field says (sFlow v5 §5 "interface" and "interface_expanded").</summary>
public enum SFlowInterfaceFormat : byte
{
    /// <summary>One interface: the value is its ifIndex (0 = unknown).</summary>
    Index = 0,

    /// <summary>The packet was dropped; the value is the reason code (an ICMP unreachable code, or 256+ for sFlow's own reasons).</summary>
    Discarded = 1,

    /// <summary>Sent to several interfaces (flooded, multicast); the value is how many, 0 = unknown.</summary>
    Multiple = 2,

    /// <summary>A format the specification does not define (3 in the compact form, anything above 2 expanded).</summary>
    Unknown = 3,
}

/// <summary>
/// An input or output interface of a flow sample, from either encoding:
/// <code>
/// compact (flow_sample)       bits 31-30 format, bits 29-0 value; ifIndex 0x3FFFFFFF = "internal"
/// expanded (flow_sample_exp.) unsigned int format; unsigned int value; ifIndex 0xFFFFFFFF = "internal" (erratum)
/// </code>
/// "Internal" means the switch itself sent or received the packet (management traffic, routing protocols).
/// </summary>
public readonly record struct SFlowInterface(SFlowInterfaceFormat Format, uint Value)
{
    /// <summary>The compact encoding's "internal" ifIndex; FlowWeb's records use it for both encodings.</summary>
    public const uint Internal = 0x3FFFFFFF;

    private const uint ExpandedInternal = 0xFFFFFFFF;

    public bool IsInternal => Format == SFlowInterfaceFormat.Index && Value == Internal;

    /// <summary>The ifIndex for a flow record: the index (or <see cref="Internal"/>) for one interface, 0 otherwise.</summary>
    public uint IfIndex => Format == SFlowInterfaceFormat.Index ? Value : 0;

    public static SFlowInterface FromCompact(uint raw)
    {
        var format = raw >> 30;
        return new SFlowInterface(format > 2 ? SFlowInterfaceFormat.Unknown : (SFlowInterfaceFormat)format, raw & 0x3FFF_FFFF);
    }

    public static SFlowInterface FromExpanded(uint format, uint value)
    {
        if (format > 2)
        {
            return new SFlowInterface(SFlowInterfaceFormat.Unknown, value);
        }

        return format == 0 && value == ExpandedInternal
            ? new SFlowInterface(SFlowInterfaceFormat.Index, Internal)
            : new SFlowInterface((SFlowInterfaceFormat)format, value);
    }
}

using FlowWeb.Core.Decoding.Templates;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// The exporting side of one NetFlow v9 source id (RFC 3954): it owns the packet sequence number, which counts
/// export packets (§5.1, not flows as in v5), and the boot time behind sysUpTime and FIRST/LAST_SWITCHED.
/// Build a packet with <see cref="Begin"/>, add flowsets, then <see cref="NetFlowV9PacketWriter.Finish"/>.
/// Not thread-safe: one encoder per simulated exporter.
/// </summary>
public sealed class NetFlowV9Encoder
{
    /*
     * RFC 3954 §5.1 packet header (20 bytes)
     * +-------------------------------+-------------------------------+
     * |       Version Number = 9      |  Count (template + options    |
     * |                               |  template + data records)     |
     * |                  sysUpTime (ms since boot)                    |
     * |                  UNIX Secs (export time)                      |
     * |           Sequence Number (packets sent before this one)      |
     * |                          Source ID                            |
     * +---------------------------------------------------------------+
     * §5.2 template FlowSet (id 0): Template ID | Field Count, then Field Count x { Type | Length }
     * §6.1 options template FlowSet (id 1): Template ID | Option Scope Length (bytes) | Option Length (bytes),
     *      scope { Type | Length }..., option { Type | Length }..., padding to 32 bits
     * §5.3 data FlowSet (id = template id >= 256): records, padding to 32 bits
     */
    public const int HeaderLength = 20;
    public const ushort Version = 9;
    public const ushort TemplateFlowSetId = 0;
    public const ushort OptionsTemplateFlowSetId = 1;

    public NetFlowV9Encoder(uint sourceId = 0, uint sequence = 0)
    {
        SourceId = sourceId;
        Sequence = sequence;
    }

    public uint SourceId { get; }

    /// <summary>Packets sent so far, modulo 2^32: the sequence number of the next packet.</summary>
    public uint Sequence { get; set; }

    /// <summary>Exporter boot time, ms since the Unix epoch: sysUpTime = export time − boot time.</summary>
    public long BootTimeMs { get; set; }

    /// <summary>
    /// Starts a packet in <paramref name="destination"/> exported at <paramref name="exportTimeMs"/>. The header
    /// has whole seconds only, so sysUpTime is taken at that whole second: uptime-relative times then decode
    /// to exactly the record's milliseconds.
    /// </summary>
    public NetFlowV9PacketWriter Begin(Span<byte> destination, long exportTimeMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HeaderLength, nameof(destination));
        return new NetFlowV9PacketWriter(this, destination[..Math.Min(destination.Length, ushort.MaxValue)], exportTimeMs);
    }

    /// <summary>Bytes of a template's record: 4 + 4 per field (options: 6 + 4 per field, before padding). Throws for enterprise elements, which v9 cannot express.</summary>
    public static int TemplateRecordLength(FlowTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        foreach (var f in template.Fields)
        {
            if (f.IsEnterprise)
            {
                throw new ArgumentException($"Template {template.Id}: NetFlow v9 cannot carry enterprise element {f.ElementId} (PEN {f.EnterpriseNumber}).", nameof(template));
            }
        }

        return (template.IsOptions ? 6 : 4) + (4 * template.Fields.Length);
    }

    /// <summary>Writes a template record; the template was checked by <see cref="TemplateRecordLength"/> when its room was measured.</summary>
    internal static void WriteTemplateRecord(ref WireWriter writer, FlowTemplate template)
    {
        writer.WriteUInt16(template.Id);
        if (template.IsOptions)
        {
            // Lengths in bytes here, unlike IPFIX's scope count.
            writer.WriteUInt16((ushort)(4 * template.ScopeFieldCount));
            writer.WriteUInt16((ushort)(4 * (template.Fields.Length - template.ScopeFieldCount)));
        }
        else
        {
            writer.WriteUInt16((ushort)template.Fields.Length);
        }

        foreach (var f in template.Fields)
        {
            writer.WriteUInt16(f.ElementId);
            writer.WriteUInt16(f.Length);
        }
    }
}

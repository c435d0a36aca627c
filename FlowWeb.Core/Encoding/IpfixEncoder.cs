using FlowWeb.Core.Decoding.Templates;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// The exporting side of one IPFIX observation domain (RFC 7011): it owns the message sequence number, which
/// counts data records (options data included; template records do not count, §3.1), and the boot time that
/// flowStart/EndSysUpTime (22/21) are relative to and systemInitTimeMilliseconds (160) reports.
/// Build a message with <see cref="Begin"/>, add sets, then <see cref="IpfixMessageWriter.Finish"/>.
/// Not thread-safe: one encoder per simulated exporter.
/// </summary>
public sealed class IpfixEncoder
{
    /*
     * RFC 7011 §3.1 message header (16 bytes)
     * +-------------------------------+-------------------------------+
     * |       Version Number = 10     |       Length (whole message)  |
     * |                      Export Time (s since 1970)               |
     * |     Sequence Number (data records sent before this one)       |
     * |                     Observation Domain ID                     |
     * +---------------------------------------------------------------+
     * §3.3.2 set header: Set ID (2 template, 3 options template, 256+ data) | Length (incl. header, padding)
     * §3.4.1   template record:         Template ID | Field Count
     * §3.4.2.2 options template record: Template ID | Field Count | Scope Field Count (>= 1)
     * §3.2 field specifier: E | IE id (15 bits) | Field Length [| Enterprise Number, when E = 1]
     * §8.1 withdrawal: Template ID | Field Count = 0 (Template ID 2 / 3: all data / options templates)
     */
    public const int HeaderLength = 16;
    public const ushort Version = 10;
    public const ushort TemplateSetId = 2;
    public const ushort OptionsTemplateSetId = 3;

    /// <summary>The largest IPFIX message: its length field has 16 bits.</summary>
    public const int MaxMessageLength = ushort.MaxValue;

    public IpfixEncoder(uint observationDomainId = 0, uint sequence = 0)
    {
        ObservationDomainId = observationDomainId;
        Sequence = sequence;
    }

    public uint ObservationDomainId { get; }

    /// <summary>Data records sent so far, modulo 2^32: the sequence number of the next message.</summary>
    public uint Sequence { get; set; }

    /// <summary>Exporter boot time, ms since the Unix epoch: the base of the sysUpTime elements and the value of IE 160.</summary>
    public long BootTimeMs { get; set; }

    /// <summary>Messages finished so far.</summary>
    public long MessagesSent { get; internal set; }

    /// <summary>Starts a message in <paramref name="destination"/> (capped at 65535 bytes) exported at <paramref name="exportTimeMs"/> (whole seconds go on the wire).</summary>
    public IpfixMessageWriter Begin(Span<byte> destination, long exportTimeMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HeaderLength, nameof(destination));
        return new IpfixMessageWriter(this, destination[..Math.Min(destination.Length, MaxMessageLength)], exportTimeMs);
    }

    /// <summary>
    /// Bytes of a template's record in a template set: 4 (6 for options) + 4 per field + 4 per enterprise number.
    /// Throws when the template cannot be sent in IPFIX (v9 scope types, no scope, element id over 15 bits).
    /// </summary>
    public static int TemplateRecordLength(FlowTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (template.ScopesAreV9Types)
        {
            throw new ArgumentException($"Template {template.Id} has NetFlow v9 scope types; IPFIX scopes are information elements.", nameof(template));
        }

        if (template.IsOptions && template.ScopeFieldCount < 1)
        {
            throw new ArgumentException($"Options template {template.Id} needs at least one scope field (RFC 7011 §3.4.2.2).", nameof(template));
        }

        var length = template.IsOptions ? 6 : 4;
        foreach (var f in template.Fields)
        {
            if (f.ElementId > 0x7FFF)
            {
                throw new ArgumentException($"Template {template.Id}: element id {f.ElementId} needs more than 15 bits.", nameof(template));
            }

            length += f.IsEnterprise ? 8 : 4;
        }

        return length;
    }

    /// <summary>Writes a template record; the template was checked by <see cref="TemplateRecordLength"/> when its room was measured.</summary>
    internal static void WriteTemplateRecord(ref WireWriter writer, FlowTemplate template)
    {
        writer.WriteUInt16(template.Id);
        writer.WriteUInt16((ushort)template.Fields.Length);
        if (template.IsOptions)
        {
            writer.WriteUInt16((ushort)template.ScopeFieldCount);
        }

        foreach (var f in template.Fields)
        {
            writer.WriteUInt16(f.IsEnterprise ? (ushort)(f.ElementId | 0x8000) : f.ElementId);
            writer.WriteUInt16(f.Length);
            if (f.IsEnterprise)
            {
                writer.WriteUInt32(f.EnterpriseNumber);
            }
        }
    }
}

using System.Buffers.Binary;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding;

/// <summary>IPFIX (RFC 7011).</summary>
public sealed partial class FlowDecoder
{
    /*
     * RFC 7011 §3.1 message header (16 bytes)
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-------------------------------+-------------------------------+
     * |       Version Number = 10     |            Length             |
     * |                           Export Time (s)                     |
     * |                Sequence Number (data records, mod 2^32)       |
     * |                     Observation Domain ID                     |
     * +---------------------------------------------------------------+
     * §3.3.2 sets: Set ID (2 template, 3 options template, 256+ data) | Length (incl. header)
     * §3.4.1 template record: Template ID | Field Count, then specifiers
     * §3.4.2.2 options template record: Template ID | Field Count | Scope Field Count, then specifiers
     * §3.2 field specifier: E | Information Element id (15 bits) | Field Length [| Enterprise Number if E]
     * §8.1 withdrawal: a template record with Field Count 0 (Template ID 2 / 3 = all of that kind)
     */
    private const int IpfixHeaderLength = 16;

    private DecodeResult DecodeIpfix(ExporterState state, FlowAddress exporter, ReadOnlySpan<byte> datagram, FlowBatch batch, long nowMs)
    {
        if (datagram.Length < IpfixHeaderLength)
        {
            return new DecodeResult(DecodeStatus.TooShort, 10, 0);
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if (length < IpfixHeaderLength || length > datagram.Length)
        {
            return new DecodeResult(DecodeStatus.LengthMismatch, 10, 0);
        }

        var status = datagram[length..].ContainsAnyExcept((byte)0) ? DecodeStatus.TrailingBytes : DecodeStatus.Ok;
        var exportSecs = BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]);
        var sequence = BinaryPrimitives.ReadUInt32BigEndian(datagram[8..]);
        var domainId = BinaryPrimitives.ReadUInt32BigEndian(datagram[12..]);
        var domain = state.Domain(10, domainId, Options.SequenceRestartThreshold);
        if (domain is null)
        {
            return new DecodeResult(DecodeStatus.ExporterLimit, 10, 0);
        }

        var context = new PacketContext(10, domainId, exportSecs * 1000L, 0, false, nowMs);
        var body = datagram[IpfixHeaderLength..length];
        var learned = new LearnList();
        var templates = 0;

        var pos = 0;
        SetStep step;
        while ((step = NextSet(body, ref pos, out var id, out var content)) == SetStep.Set)
        {
            if (id is 2 or 3)
            {
                Keep(ref status, ParseIpfixTemplates(exporter, domainId, content, id == 3, ref learned, ref templates));
            }
            else if (id < 256)
            {
                Keep(ref status, DecodeStatus.ReservedSetId);
            }
        }

        if (step == SetStep.Error)
        {
            Keep(ref status, DecodeStatus.BadSetLength);
        }

        var (tally, released) = DecodeDataSets(state, domain, exporter, domainId, body, context, learned, batch, nowMs, ref status);

        // The sequence counts data records; when some wait for their template their number is unknown, so re-synchronise.
        domain.Sequence.Observe(sequence, tally.Held > 0 ? null : (uint)(tally.Records + tally.Options), context.ExportMs);
        return new DecodeResult(status, 10, tally.Records + released.Records, tally.Options + released.Options, templates, tally.Held, released.Records);
    }

    private DecodeStatus ParseIpfixTemplates(FlowAddress exporter, uint domainId, ReadOnlySpan<byte> content, bool options, ref LearnList learned, ref int templates)
    {
        var reader = new WireReader(content);
        Span<TemplateField> fields = stackalloc TemplateField[64];
        while (reader.Remaining >= 4)
        {
            if (!reader.Rest.ContainsAnyExcept((byte)0))
            {
                break; // padding
            }

            reader.TryReadUInt16(out var templateId);
            reader.TryReadUInt16(out var count);
            if (count == 0)
            {
                if (templateId is 2 or 3)
                {
                    Templates.Withdraw(exporter, 10, domainId, null, optionsOnly: templateId == 3, dataOnly: templateId == 2);
                }
                else if (templateId >= 256)
                {
                    Templates.Withdraw(exporter, 10, domainId, templateId, false, false);
                }
                else
                {
                    return DecodeStatus.BadTemplate;
                }

                continue;
            }

            ushort scopeCount = 0;
            if (options && (!reader.TryReadUInt16(out scopeCount) || scopeCount == 0 || scopeCount > count))
            {
                return DecodeStatus.BadTemplate;
            }

            if (templateId < 256 || count > MaxFieldsPerTemplate || reader.Remaining < count * 4)
            {
                return DecodeStatus.BadTemplate;
            }

            if (count > fields.Length)
            {
                fields = new TemplateField[count];
            }

            for (var i = 0; i < count; i++)
            {
                if (!reader.TryReadUInt16(out var raw) || !reader.TryReadUInt16(out var fieldLength))
                {
                    return DecodeStatus.BadTemplate;
                }

                uint pen = 0;
                if ((raw & 0x8000) != 0 && !reader.TryReadUInt32(out pen))
                {
                    return DecodeStatus.BadTemplate;
                }

                fields[i] = new TemplateField((ushort)(raw & 0x7FFF), fieldLength, pen);
            }

            if (Learn(new TemplateKey(exporter, 10, domainId, templateId), fields[..count], scopeCount, options, false, ref learned) < 0)
            {
                return DecodeStatus.TemplateLimit;
            }

            templates++;
        }

        return DecodeStatus.Ok;
    }
}

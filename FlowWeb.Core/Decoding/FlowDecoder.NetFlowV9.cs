using System.Buffers.Binary;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding;

/// <summary>NetFlow v9 (RFC 3954).</summary>
public sealed partial class FlowDecoder
{
    /*
     * RFC 3954 §5.1 packet header (20 bytes)
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-------------------------------+-------------------------------+
     * |       Version Number = 9      |            Count              |
     * |                           sysUpTime (ms)                      |
     * |                           UNIX Secs                           |
     * |                       Sequence Number (packets)               |
     * |                        Source ID                              |
     * +---------------------------------------------------------------+
     * FlowSets follow: FlowSet ID (0 template, 1 options template, 256+ data) | Length (incl. header)
     * §5.2 template: Template ID (256+) | Field Count, then Field Count x { Type | Length }
     * §6.1 options template: Template ID | Option Scope Length (bytes) | Option Length (bytes),
     *      then scope { Type | Length }... then option { Type | Length }..., padding to 32 bits
     */
    private const int V9HeaderLength = 20;

    private DecodeResult DecodeV9(ExporterState state, FlowAddress exporter, ReadOnlySpan<byte> datagram, FlowBatch batch, long nowMs)
    {
        if (datagram.Length < V9HeaderLength)
        {
            return new DecodeResult(DecodeStatus.TooShort, 9, 0);
        }

        var uptime = BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]);
        var secs = BinaryPrimitives.ReadUInt32BigEndian(datagram[8..]);
        var sequence = BinaryPrimitives.ReadUInt32BigEndian(datagram[12..]);
        var sourceId = BinaryPrimitives.ReadUInt32BigEndian(datagram[16..]);
        var domain = state.Domain(9, sourceId, Options.SequenceRestartThreshold);
        if (domain is null)
        {
            return new DecodeResult(DecodeStatus.ExporterLimit, 9, 0);
        }

        var context = new PacketContext(9, sourceId, secs * 1000L, uptime, true, nowMs);
        var body = datagram[V9HeaderLength..];
        var status = DecodeStatus.Ok;
        var learned = new LearnList();
        var templates = 0;

        // Pass 1: templates first, so that data sets placed before their template in the same packet decode; then the data (DecodeDataSets).
        var pos = 0;
        SetStep step;
        while ((step = NextSet(body, ref pos, out var id, out var content)) == SetStep.Set)
        {
            if (id == 0)
            {
                Keep(ref status, ParseV9Templates(exporter, sourceId, content, ref learned, ref templates));
            }
            else if (id == 1)
            {
                Keep(ref status, ParseV9OptionsTemplates(exporter, sourceId, content, ref learned, ref templates));
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

        var (tally, released) = DecodeDataSets(state, domain, exporter, sourceId, body, context, learned, batch, nowMs, ref status);

        var ownRecords = tally.Records + tally.Options;
        if (ownRecords > 0)
        {
            domain.MeanRecordsPerPacket = domain.MeanRecordsPerPacket == 0 ? ownRecords : (domain.MeanRecordsPerPacket * 0.95) + (ownRecords * 0.05);
        }

        domain.Sequence.Observe(sequence, 1, context.ExportMs);
        return new DecodeResult(status, 9, tally.Records + released.Records, tally.Options + released.Options, templates, tally.Held, released.Records);
    }

    private DecodeStatus ParseV9Templates(FlowAddress exporter, uint sourceId, ReadOnlySpan<byte> content, ref LearnList learned, ref int templates)
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
            if (templateId < 256 || count == 0 || count > MaxFieldsPerTemplate || reader.Remaining < count * 4)
            {
                return DecodeStatus.BadTemplate;
            }

            if (count > fields.Length)
            {
                fields = new TemplateField[count];
            }

            for (var i = 0; i < count; i++)
            {
                reader.TryReadUInt16(out var type);
                reader.TryReadUInt16(out var length);
                fields[i] = new TemplateField(type, length);
            }

            if (Learn(new TemplateKey(exporter, 9, sourceId, templateId), fields[..count], 0, false, false, ref learned) < 0)
            {
                return DecodeStatus.TemplateLimit;
            }

            templates++;
        }

        return DecodeStatus.Ok;
    }

    private DecodeStatus ParseV9OptionsTemplates(FlowAddress exporter, uint sourceId, ReadOnlySpan<byte> content, ref LearnList learned, ref int templates)
    {
        var reader = new WireReader(content);
        while (reader.Remaining >= 6)
        {
            if (!reader.Rest.ContainsAnyExcept((byte)0))
            {
                break; // padding
            }

            reader.TryReadUInt16(out var templateId);
            reader.TryReadUInt16(out var scopeLength);
            reader.TryReadUInt16(out var optionLength);
            if (templateId < 256 || scopeLength % 4 != 0 || optionLength % 4 != 0 || scopeLength + optionLength == 0 ||
                reader.Remaining < scopeLength + optionLength)
            {
                return DecodeStatus.BadTemplate;
            }

            var scopeCount = scopeLength / 4;
            var fields = new TemplateField[scopeCount + (optionLength / 4)];
            for (var i = 0; i < fields.Length; i++)
            {
                reader.TryReadUInt16(out var type);
                reader.TryReadUInt16(out var length);
                fields[i] = new TemplateField(type, length);
            }

            if (Learn(new TemplateKey(exporter, 9, sourceId, templateId), fields, scopeCount, true, true, ref learned) < 0)
            {
                return DecodeStatus.TemplateLimit;
            }

            templates++;
        }

        return DecodeStatus.Ok;
    }

    /// <summary>Keeps the first problem of a datagram as its status.</summary>
    private static void Keep(ref DecodeStatus status, DecodeStatus next)
    {
        if (status == DecodeStatus.Ok && next != DecodeStatus.Ok)
        {
            status = next;
        }
    }
}

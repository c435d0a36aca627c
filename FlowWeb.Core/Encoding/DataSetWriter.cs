using System.Buffers.Binary;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// A v9 data FlowSet / IPFIX data set: <c>set id (= template id) | length</c>, records back to back, padding
/// to 32 bits (shared by both protocols: RFC 3954 §5.3, RFC 7011 §3.3).
/// </summary>
internal static class DataSetWriter
{
    public const int SetHeaderLength = 4;

    /// <summary>
    /// Writes one data set with as many of the records as fit in <paramref name="destination"/> (at most
    /// <paramref name="count"/>); returns the set's length in bytes, or 0 (nothing written) when not even one
    /// record fits. Record <c>i</c> is <paramref name="records"/>[i] (a default record when the span is empty,
    /// as for options data) with <paramref name="perRecord"/>[i] or else <paramref name="shared"/> as its extra values.
    /// </summary>
    public static int Write(Span<byte> destination, FlowTemplate template, int count, ReadOnlySpan<FlowRecord> records,
        ReadOnlySpan<ElementValues?> perRecord, ElementValues? shared, in RecordContext context, out int written)
    {
        written = 0;
        var limit = Math.Min(destination.Length, ushort.MaxValue);
        var pos = SetHeaderLength;
        var empty = default(FlowRecord);
        while (written < count)
        {
            var extra = written < perRecord.Length ? perRecord[written] ?? shared : shared;
            if (pos + FlowRecordWriter.Measure(template, extra) > limit)
            {
                break;
            }

            ref readonly var record = ref written < records.Length ? ref records[written] : ref empty;
            pos += FlowRecordWriter.Write(destination[pos..], template, record, extra, context);
            written++;
        }

        if (written == 0)
        {
            return 0;
        }

        pos += Pad(destination, pos, limit, template.MinRecordLength);
        BinaryPrimitives.WriteUInt16BigEndian(destination, template.Id);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)pos);
        return pos;
    }

    /// <summary>
    /// Zero padding up to a multiple of 4, only when there is room and when it is shorter than the smallest
    /// record: RFC 7011 §3.3.1 requires that, or a collector would read the padding as one more record.
    /// </summary>
    public static int Pad(Span<byte> destination, int pos, int limit, int minRecordLength)
    {
        var padding = (4 - (pos & 3)) & 3;
        if (padding == 0 || padding >= minRecordLength || pos + padding > limit)
        {
            return 0;
        }

        destination.Slice(pos, padding).Clear();
        return padding;
    }
}

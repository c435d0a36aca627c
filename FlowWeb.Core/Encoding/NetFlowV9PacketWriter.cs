using System.Buffers.Binary;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// One NetFlow v9 export packet being built in a caller's buffer (see <see cref="NetFlowV9Encoder.Begin"/>).
/// FlowSets go in the order they are added. The header — with Count = template, options template and data
/// records in the packet (RFC 3954 §5.1) — is written, and the sequence advanced, by <see cref="Finish"/>.
/// </summary>
public ref struct NetFlowV9PacketWriter
{
    private readonly NetFlowV9Encoder _encoder;
    private readonly Span<byte> _buffer;
    private readonly RecordContext _context;
    private readonly uint _exportSeconds;
    private int _length;
    private int _records;
    private bool _finished;

    internal NetFlowV9PacketWriter(NetFlowV9Encoder encoder, Span<byte> buffer, long exportTimeMs)
    {
        _encoder = encoder;
        _buffer = buffer;
        _exportSeconds = (uint)(exportTimeMs / 1000);
        _context = new RecordContext(encoder.BootTimeMs, _exportSeconds * 1000L);
        _length = NetFlowV9Encoder.HeaderLength;
    }

    public readonly int Length => _length;

    public readonly int Remaining => _buffer.Length - _length;

    /// <summary>Records of every kind added so far: the header's Count.</summary>
    public readonly int Count => _records;

    /// <summary>Adds the data templates as one template FlowSet and each options template as its own padded options FlowSet, or nothing and false when they do not fit.</summary>
    public bool TryAddTemplates(params ReadOnlySpan<FlowTemplate> templates)
    {
        int dataBytes = 0, optionsBytes = 0;
        foreach (var t in templates)
        {
            ArgumentNullException.ThrowIfNull(t);
            var length = NetFlowV9Encoder.TemplateRecordLength(t);
            if (t.IsOptions)
            {
                optionsBytes += DataSetWriter.SetHeaderLength + length + ((4 - (length & 3)) & 3);
            }
            else
            {
                dataBytes += length;
            }
        }

        if ((dataBytes > 0 ? DataSetWriter.SetHeaderLength + dataBytes : 0) + optionsBytes > Remaining)
        {
            return false;
        }

        if (dataBytes > 0)
        {
            var writer = new WireWriter(_buffer[_length..]);
            var header = writer.Reserve(DataSetWriter.SetHeaderLength);
            foreach (var t in templates)
            {
                if (!t.IsOptions)
                {
                    NetFlowV9Encoder.WriteTemplateRecord(ref writer, t);
                    _records++;
                }
            }

            Close(header, NetFlowV9Encoder.TemplateFlowSetId, writer.Position);
        }

        foreach (var t in templates)
        {
            if (t.IsOptions)
            {
                var writer = new WireWriter(_buffer[_length..]);
                var header = writer.Reserve(DataSetWriter.SetHeaderLength);
                NetFlowV9Encoder.WriteTemplateRecord(ref writer, t);
                _records++;
                var padded = writer.Position + DataSetWriter.Pad(_buffer[_length..], writer.Position, Remaining, int.MaxValue);
                Close(header, NetFlowV9Encoder.OptionsTemplateFlowSetId, padded);
            }
        }

        return true;
    }

    /// <summary>Adds a data FlowSet with as many of <paramref name="records"/> as fit; returns how many (0: nothing written).</summary>
    public int AddDataRecords(FlowTemplate template, ReadOnlySpan<FlowRecord> records, ElementValues? extra = null) =>
        Add(template, records.Length, records, default, extra);

    /// <summary>As <see cref="AddDataRecords(FlowTemplate, ReadOnlySpan{FlowRecord}, ElementValues?)"/>, with extra values per record (null entries: none).</summary>
    public int AddDataRecords(FlowTemplate template, ReadOnlySpan<FlowRecord> records, ReadOnlySpan<ElementValues?> perRecord) =>
        Add(template, records.Length, records, perRecord, null);

    /// <summary>Adds options data records whose values all come from <paramref name="records"/>; v9 scope fields take the value set for their scope type.</summary>
    public int AddOptionsRecords(FlowTemplate template, params ReadOnlySpan<ElementValues?> records) =>
        Add(template, records.Length, default, records, null);

    /// <summary>Writes the header, advances the encoder's packet sequence by one and returns the packet length.</summary>
    public int Finish()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The packet is already finished.");
        }

        _finished = true;
        var header = _buffer;
        BinaryPrimitives.WriteUInt16BigEndian(header, NetFlowV9Encoder.Version);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)_records);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)(_context.ExportMs - _encoder.BootTimeMs));
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], _exportSeconds);
        BinaryPrimitives.WriteUInt32BigEndian(header[12..], _encoder.Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(header[16..], _encoder.SourceId);
        _encoder.Sequence++;
        return _length;
    }

    private int Add(FlowTemplate template, int count, scoped ReadOnlySpan<FlowRecord> records, scoped ReadOnlySpan<ElementValues?> perRecord, ElementValues? shared)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (count == 0)
        {
            return 0;
        }

        _length += DataSetWriter.Write(_buffer[_length..], template, count, records, perRecord, shared, _context, out var written);
        _records += written;
        return written;
    }

    private void Close(Span<byte> header, ushort flowSetId, int length)
    {
        BinaryPrimitives.WriteUInt16BigEndian(header, flowSetId);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)length);
        _length += length;
    }
}

using System.Buffers.Binary;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// One IPFIX message being built in a caller's buffer (see <see cref="IpfixEncoder.Begin"/>). Sets go in the
/// order they are added, so a test can put data before its template. Nothing is allocated; the header is
/// written, and the encoder's sequence advanced, by <see cref="Finish"/>.
/// </summary>
public ref struct IpfixMessageWriter
{
    private readonly IpfixEncoder _encoder;
    private readonly Span<byte> _buffer;
    private readonly RecordContext _context;
    private readonly uint _exportSeconds;
    private int _length;
    private int _dataRecords;
    private bool _finished;

    internal IpfixMessageWriter(IpfixEncoder encoder, Span<byte> buffer, long exportTimeMs)
    {
        _encoder = encoder;
        _buffer = buffer;
        _exportSeconds = (uint)(exportTimeMs / 1000);
        _context = new RecordContext(encoder.BootTimeMs, _exportSeconds * 1000L);
        _length = IpfixEncoder.HeaderLength;
    }

    /// <summary>Bytes written so far, header included.</summary>
    public readonly int Length => _length;

    public readonly int Remaining => _buffer.Length - _length;

    /// <summary>Data and options data records added so far: what this message adds to the sequence number.</summary>
    public readonly int DataRecords => _dataRecords;

    /// <summary>
    /// Adds the data templates as one Template Set and the options templates as one Options Template Set (padded
    /// to 32 bits), or nothing and false when they do not fit.
    /// </summary>
    public bool TryAddTemplates(params ReadOnlySpan<FlowTemplate> templates)
    {
        int dataBytes = 0, optionsBytes = 0;
        foreach (var t in templates)
        {
            ArgumentNullException.ThrowIfNull(t);
            if (t.IsOptions)
            {
                optionsBytes += IpfixEncoder.TemplateRecordLength(t);
            }
            else
            {
                dataBytes += IpfixEncoder.TemplateRecordLength(t);
            }
        }

        var needed = (dataBytes > 0 ? DataSetWriter.SetHeaderLength + dataBytes : 0) +
                     (optionsBytes > 0 ? DataSetWriter.SetHeaderLength + optionsBytes + ((4 - (optionsBytes & 3)) & 3) : 0);
        if (needed > Remaining)
        {
            return false;
        }

        if (dataBytes > 0)
        {
            WriteTemplateSet(templates, options: false);
        }

        if (optionsBytes > 0)
        {
            WriteTemplateSet(templates, options: true);
        }

        return true;
    }

    /// <summary>Withdraws one template (RFC 7011 §8.1); over UDP collectors may never see it, so they also expire templates.</summary>
    public bool TryAddWithdrawal(ushort templateId, bool optionsTemplate = false)
    {
        if (Remaining < 8)
        {
            return false;
        }

        var writer = new WireWriter(_buffer[_length..]);
        writer.WriteUInt16(optionsTemplate ? IpfixEncoder.OptionsTemplateSetId : IpfixEncoder.TemplateSetId);
        writer.WriteUInt16(8);
        writer.WriteUInt16(templateId);
        writer.WriteUInt16(0);
        _length += writer.Position;
        return true;
    }

    /// <summary>Withdraws all data templates (or all options templates) of the observation domain: Template ID 2 (3), Field Count 0.</summary>
    public bool TryAddWithdrawAll(bool optionsTemplates = false) =>
        TryAddWithdrawal(optionsTemplates ? IpfixEncoder.OptionsTemplateSetId : IpfixEncoder.TemplateSetId, optionsTemplates);

    /// <summary>Adds a data set with as many of <paramref name="records"/> as fit; returns how many (0: nothing written).</summary>
    public int AddDataRecords(FlowTemplate template, ReadOnlySpan<FlowRecord> records, ElementValues? extra = null) =>
        Add(template, records.Length, records, default, extra);

    /// <summary>As <see cref="AddDataRecords(FlowTemplate, ReadOnlySpan{FlowRecord}, ElementValues?)"/>, with extra values per record (null entries: none).</summary>
    public int AddDataRecords(FlowTemplate template, ReadOnlySpan<FlowRecord> records, ReadOnlySpan<ElementValues?> perRecord) =>
        Add(template, records.Length, records, perRecord, null);

    /// <summary>Adds options data records (sampler table, systemInitTimeMilliseconds...) whose values all come from <paramref name="records"/>.</summary>
    public int AddOptionsRecords(FlowTemplate template, params ReadOnlySpan<ElementValues?> records) =>
        Add(template, records.Length, default, records, null);

    /// <summary>Writes the header, advances the encoder's sequence by the data records added and returns the message length.</summary>
    public int Finish()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The message is already finished.");
        }

        _finished = true;
        var header = _buffer;
        BinaryPrimitives.WriteUInt16BigEndian(header, IpfixEncoder.Version);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)_length);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], _exportSeconds);
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], _encoder.Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(header[12..], _encoder.ObservationDomainId);
        _encoder.Sequence += (uint)_dataRecords;
        _encoder.MessagesSent++;
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
        _dataRecords += written;
        return written;
    }

    private void WriteTemplateSet(scoped ReadOnlySpan<FlowTemplate> templates, bool options)
    {
        var writer = new WireWriter(_buffer[_length..]);
        var header = writer.Reserve(DataSetWriter.SetHeaderLength);
        foreach (var t in templates)
        {
            if (t.IsOptions == options)
            {
                IpfixEncoder.WriteTemplateRecord(ref writer, t);
            }
        }

        // Options template records are 6 + 4n bytes; the set is padded so the next one stays aligned.
        var length = writer.Position + DataSetWriter.Pad(_buffer[_length..], writer.Position, writer.Remaining + writer.Position, int.MaxValue);
        BinaryPrimitives.WriteUInt16BigEndian(header, options ? IpfixEncoder.OptionsTemplateSetId : IpfixEncoder.TemplateSetId);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)length);
        _length += length;
    }
}

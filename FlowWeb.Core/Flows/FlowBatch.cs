using System.Buffers;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;

namespace FlowWeb.Core.Flows;

/// <summary>
/// The records decoded from one datagram, with (when <see cref="KeepRawBytes"/>) a copy of the bytes they came from
/// so that any element stays reachable by its IANA id. Reused across datagrams: <see cref="Clear"/> keeps the arrays,
/// so a warm batch decodes without allocating. Not thread-safe; one batch per receive loop.
/// </summary>
public sealed class FlowBatch : IDisposable
{
    private FlowRecord[] _records;
    private byte[] _arena;
    private readonly List<FlowTemplate> _templates = new(4);

    public FlowBatch(int initialRecords = 64, int initialArenaBytes = 2048)
    {
        _records = ArrayPool<FlowRecord>.Shared.Rent(initialRecords);
        _arena = ArrayPool<byte>.Shared.Rent(initialArenaBytes);
    }

    /// <summary>The exporter the datagram came from.</summary>
    public FlowAddress Exporter { get; set; }

    /// <summary>
    /// Keep a copy of each record's bytes, for <see cref="TryGetElement"/>, <see cref="Elements"/> and
    /// <see cref="RawBytes"/> (the decode tool, elements FlowRecord has no field for). The collector's receive loops
    /// turn it off: copying every data set cost a memory copy per datagram that nothing there read.
    /// </summary>
    public bool KeepRawBytes { get; set; } = true;

    /// <summary>Also decode options data records into the batch (flagged <see cref="FlowRecordFlags.Options"/>).</summary>
    public bool IncludeOptions { get; set; }

    public int Count { get; private set; }

    public int ArenaLength { get; private set; }

    public ReadOnlySpan<FlowRecord> Records => _records.AsSpan(0, Count);

    public ref FlowRecord this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return ref _records[index];
        }
    }

    public void Clear()
    {
        Count = 0;
        ArenaLength = 0;
        _templates.Clear();
    }

    /// <summary>Adds an empty record and returns it for the decoder to fill.</summary>
    internal ref FlowRecord Add()
    {
        if (Count == _records.Length)
        {
            var bigger = ArrayPool<FlowRecord>.Shared.Rent(_records.Length * 2);
            _records.AsSpan(0, Count).CopyTo(bigger);
            ArrayPool<FlowRecord>.Shared.Return(_records);
            _records = bigger;
        }

        ref var r = ref _records[Count++];
        r = default;
        return ref r;
    }

    /// <summary>Drops the last record (an options record the caller does not want, or one that failed to decode).</summary>
    internal void RemoveLast() => Count--;

    /// <summary>Copies bytes into the arena and returns their offset there.</summary>
    internal int CopyToArena(ReadOnlySpan<byte> bytes)
    {
        if (!KeepRawBytes)
        {
            return 0;
        }

        if (ArenaLength + bytes.Length > _arena.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_arena.Length * 2, ArenaLength + bytes.Length));
            _arena.AsSpan(0, ArenaLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_arena);
            _arena = bigger;
        }

        var offset = ArenaLength;
        bytes.CopyTo(_arena.AsSpan(offset));
        ArenaLength += bytes.Length;
        return offset;
    }

    /// <summary>Returns the index of a template in this batch's table, adding it if needed.</summary>
    internal int IndexOf(FlowTemplate template)
    {
        for (var i = _templates.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(_templates[i], template))
            {
                return i;
            }
        }

        _templates.Add(template);
        return _templates.Count - 1;
    }

    /// <summary>The template a v9/IPFIX record was decoded with; null for v1/v5.</summary>
    public FlowTemplate? TemplateOf(in FlowRecord record) =>
        record.TemplateIndex >= 0 && record.TemplateIndex < _templates.Count ? _templates[record.TemplateIndex] : null;

    /// <summary>The raw bytes of a record as sent (empty when the batch does not keep them).</summary>
    public ReadOnlySpan<byte> RawBytes(in FlowRecord record) => KeepRawBytes ? _arena.AsSpan(record.RawOffset, record.RawLength) : [];

    /// <summary>
    /// Finds an element of a v9/IPFIX record by id (and private enterprise number for enterprise elements);
    /// the first occurrence wins when a template repeats an element. Returns false when the template has no
    /// such element (always for v1/v5, whose fields are all in <see cref="FlowRecord"/>).
    /// </summary>
    public bool TryGetElement(in FlowRecord record, ushort elementId, uint enterpriseNumber, out ReadOnlySpan<byte> value)
    {
        value = default;
        var template = TemplateOf(record);
        if (template is null)
        {
            return false;
        }

        var data = RawBytes(record);
        var pos = 0;
        var opaque = template.ScopesAreV9Types ? template.ScopeFieldCount : 0;
        for (var i = 0; i < template.Fields.Length; i++)
        {
            var f = template.Fields[i];
            int length = f.Length;
            if (f.IsVariableLength && !FieldProgram.TryReadVariableLength(data, ref pos, out length))
            {
                return false;
            }

            if (pos + length > data.Length)
            {
                return false;
            }

            if (i >= opaque && f.ElementId == elementId && f.EnterpriseNumber == enterpriseNumber)
            {
                value = data.Slice(pos, length);
                return true;
            }

            pos += length;
        }

        return false;
    }

    /// <summary>Enumerates every field of a v9/IPFIX record as (field, value) pairs, in template order.</summary>
    public IEnumerable<(TemplateField Field, byte[] Value)> Elements(FlowRecord record)
    {
        var template = TemplateOf(record);
        if (template is null)
        {
            yield break;
        }

        var pos = 0;
        foreach (var f in template.Fields)
        {
            var data = RawBytes(record);
            int length = f.Length;
            if (f.IsVariableLength && !FieldProgram.TryReadVariableLength(data, ref pos, out length))
            {
                yield break;
            }

            if (pos + length > data.Length)
            {
                yield break;
            }

            yield return (f, data.Slice(pos, length).ToArray());
            pos += length;
        }
    }

    public void Dispose()
    {
        ArrayPool<FlowRecord>.Shared.Return(_records);
        ArrayPool<byte>.Shared.Return(_arena);
        _records = [];
        _arena = [];
    }
}

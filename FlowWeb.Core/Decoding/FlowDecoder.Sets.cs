using System.Buffers.Binary;
using FlowWeb.Core.Decoding.Templates;

namespace FlowWeb.Core.Decoding;

/// <summary>Walking v9 flowsets and IPFIX sets: by their length field, never by the header's count.</summary>
public sealed partial class FlowDecoder
{
    private enum SetStep
    {
        Set,
        End,
        Error,
    }

    /// <summary>
    /// Reads the set at <paramref name="pos"/>: <c>id(2) length(2)</c> where length includes the 4-byte header.
    /// A remainder shorter than a set header, or a remainder of zeros (Palo Alto fills packets with them), ends
    /// the walk quietly; a length that is shorter than 4 or runs past the end is an error.
    /// </summary>
    private static SetStep NextSet(ReadOnlySpan<byte> body, ref int pos, out ushort id, out ReadOnlySpan<byte> content)
    {
        id = 0;
        content = default;
        var remaining = body.Length - pos;
        if (remaining <= 0)
        {
            return SetStep.End;
        }

        var rest = body[pos..];
        if (remaining < 4)
        {
            pos = body.Length;
            return rest.ContainsAnyExcept((byte)0) ? SetStep.Error : SetStep.End;
        }

        id = BinaryPrimitives.ReadUInt16BigEndian(rest);
        var length = BinaryPrimitives.ReadUInt16BigEndian(rest[2..]);
        if (length < 4 || length > remaining)
        {
            pos = body.Length;
            return rest.ContainsAnyExcept((byte)0) ? SetStep.Error : SetStep.End;
        }

        content = rest[4..length];
        pos += length;
        return SetStep.Set;
    }

    /// <summary>Learns one template, building a new object only when the definition is new or changed. Releases held data for it.</summary>
    private int Learn(in TemplateKey key, ReadOnlySpan<TemplateField> fields, int scopeCount, bool isOptions, bool v9Scopes, ref LearnList learned)
    {
        if (Templates.TryRefresh(key, fields, scopeCount, isOptions))
        {
            return 1;
        }

        var template = new FlowTemplate(key.TemplateId, fields.ToArray(), scopeCount, isOptions, v9Scopes);
        var outcome = Templates.AddOrUpdate(key, template);

        // The total shared by all exporters is used up: unproven exporters (least recently heard first) make room, a
        // few per template at most, so that a template flood from forged sources never starves a real router.
        for (var attempt = 0; outcome == TemplateCache.AddOutcome.RefusedTotal && attempt < MaxEvictionsPerTemplate &&
             _table.EvictOneOnProbation(key.Exporter, Evict); attempt++)
        {
            outcome = Templates.AddOrUpdate(key, template);
        }

        if (outcome is TemplateCache.AddOutcome.Refused or TemplateCache.AddOutcome.RefusedTotal)
        {
            return -1;
        }

        learned.Add(key);
        return 1;
    }

    /// <summary>Keys learned or replaced while decoding one datagram, whose held data is then released.</summary>
    private struct LearnList
    {
        private List<TemplateKey>? _keys;

        public readonly int Count => _keys?.Count ?? 0;

        public readonly List<TemplateKey>? Keys => _keys;

        public void Add(TemplateKey key) => (_keys ??= []).Add(key);
    }

    private const int MaxFieldsPerTemplate = 1024;

    private const int MaxEvictionsPerTemplate = 4;
}

using System.Buffers.Binary;
using System.Text;
using FlowWeb.Core.Decoding.Templates;

namespace FlowWeb.Core.Decoding;

/// <summary>An interface's name and description as the exporter announced them in options data.</summary>
public readonly record struct LearnedInterface(string Name, string Description);

/// <summary>
/// Interface names from v9/IPFIX options data: a record that names an interface index (IPFIX ingressInterface or
/// egressInterface, or the v9 scope "Interface") and carries interfaceName (82) and/or interfaceDescription (83),
/// as Cisco IOS-XE/XR, Juniper and nProbe send in their interface tables. Options data is rare (a table every few
/// minutes), so this walks the template's fields itself rather than widening the data records' hot decode loop.
/// </summary>
internal static class InterfaceOptions
{
    public const ushort InterfaceName = 82;
    public const ushort InterfaceDescription = 83;

    /// <summary>At most this many interfaces per exporter (like a device's typed list).</summary>
    public const int MaxPerExporter = 1024;

    public const int MaxNameLength = 64;
    public const int MaxDescriptionLength = 200;

    private const ushort V9ScopeInterface = 2;

    /// <summary>Whether a template's records name interfaces (checked per options set, not per record).</summary>
    public static bool Describes(FlowTemplate template)
    {
        if (!template.IsOptions)
        {
            return false;
        }

        bool index = false, text = false;
        for (var i = 0; i < template.Fields.Length; i++)
        {
            index |= IsIndex(template, i);
            var f = template.Fields[i];
            text |= !f.IsEnterprise && i >= template.ScopeFieldCount && f.ElementId is InterfaceName or InterfaceDescription;
        }

        return index && text;
    }

    /// <summary>
    /// Reads the interface records of one options set into <paramref name="known"/>, which only the receive loop
    /// writes (under the decoder's lock); stops at the first record that does not fit. Returns whether anything
    /// changed. The copy pages read is made by <see cref="ExporterStatistics.InterfacesSnapshot"/> at most once per
    /// tick, so a sender repeating a changing table in every datagram costs its own records, not a table copy each.
    /// </summary>
    public static bool Learn(FlowTemplate template, ReadOnlySpan<byte> content, Dictionary<uint, LearnedInterface> known)
    {
        var changed = false;
        var pos = 0;
        while (pos < content.Length && Record(template, content[pos..], out var length, out var ifIndex, out var learned))
        {
            pos += length;
            if (ifIndex is not { } index || (known.TryGetValue(index, out var was) && was == learned))
            {
                continue;
            }

            if (known.ContainsKey(index) || known.Count < MaxPerExporter)
            {
                known[index] = learned;
                changed = true;
            }
        }

        return changed;
    }

    private static bool IsIndex(FlowTemplate template, int i)
    {
        var f = template.Fields[i];
        if (f.IsEnterprise || f.IsVariableLength || f.Length is 0 or > 4)
        {
            return false;
        }

        return template.ScopesAreV9Types && i < template.ScopeFieldCount
            ? f.ElementId == V9ScopeInterface
            : f.ElementId is InformationElements.IngressInterface or InformationElements.EgressInterface;
    }

    private static bool Record(FlowTemplate template, ReadOnlySpan<byte> data, out int length, out uint? ifIndex, out LearnedInterface learned)
    {
        ifIndex = null;
        string name = "", description = "";
        var pos = 0;
        for (var i = 0; i < template.Fields.Length; i++)
        {
            var f = template.Fields[i];
            int size = f.Length;
            if ((f.IsVariableLength && !FieldProgram.TryReadVariableLength(data, ref pos, out size)) || (uint)(pos + size) > (uint)data.Length)
            {
                length = 0;
                learned = default;
                return false;
            }

            var value = data.Slice(pos, size);
            pos += size;
            if (ifIndex is null && IsIndex(template, i))
            {
                ifIndex = Unsigned(value);
            }
            else if (!f.IsEnterprise && i >= template.ScopeFieldCount && f.ElementId == InterfaceName)
            {
                name = Text(value, MaxNameLength);
            }
            else if (!f.IsEnterprise && i >= template.ScopeFieldCount && f.ElementId == InterfaceDescription)
            {
                description = Text(value, MaxDescriptionLength);
            }
        }

        length = pos;
        learned = new LearnedInterface(name, description);
        if (length == 0 || (name.Length == 0 && description.Length == 0))
        {
            ifIndex = null;
        }

        return length > 0;
    }

    private static uint Unsigned(ReadOnlySpan<byte> value)
    {
        uint v = 0;
        foreach (var b in value)
        {
            v = (v << 8) | b;
        }

        return v;
    }

    // Fixed-length v9 strings are padded with NULs; an exporter's bytes are not trusted to be clean UTF-8 or printable.
    private static string Text(ReadOnlySpan<byte> value, int max)
    {
        var end = value.IndexOf((byte)0);
        var text = System.Text.Encoding.UTF8.GetString(end < 0 ? value : value[..end]);
        var clean = new StringBuilder(Math.Min(text.Length, max));
        foreach (var c in text)
        {
            if (clean.Length == max)
            {
                break;
            }

            clean.Append(char.IsControl(c) ? ' ' : c);
        }

        return clean.ToString().Trim();
    }
}

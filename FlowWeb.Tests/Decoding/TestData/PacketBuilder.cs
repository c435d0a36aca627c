using System.Buffers.Binary;

namespace FlowWeb.Tests.Decoding.TestData;

/// <summary>Hand-made export packets, byte by byte as RFC 3954 / RFC 7011 / the Cisco v5 format lay them out.</summary>
internal static class PacketBuilder
{
    public static byte[] U8(int v) => [(byte)v];

    public static byte[] U16(int v) => [(byte)(v >> 8), (byte)v];

    public static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return b;
    }

    public static byte[] U64(ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, v);
        return b;
    }

    public static byte[] Ip(string a) => System.Net.IPAddress.Parse(a).GetAddressBytes();

    public static byte[] Cat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>A v5 packet: 24-byte header, then 48-byte records.</summary>
    public static byte[] V5(ushort sampling, uint sequence, uint sysUptime, uint unixSecs, params byte[][] records) =>
        Cat(U16(5), U16(records.Length), U32(sysUptime), U32(unixSecs), U32(0), U32(sequence), U8(0), U8(0), U16(sampling), Cat(records));

    /// <summary>A v5 record with the fields the tests vary.</summary>
    public static byte[] V5Record(string src, string dst, uint packets, uint bytes, uint first, uint last, ushort srcPort = 1024, ushort dstPort = 80, byte protocol = 6) =>
        Cat(Ip(src), Ip(dst), Ip("0.0.0.0"), U16(1), U16(2), U32(packets), U32(bytes), U32(first), U32(last),
            U16(srcPort), U16(dstPort), U8(0), U8(0x10), U8(protocol), U8(0), U16(0), U16(0), U8(0), U8(0), U16(0));

    public static byte[] V9(uint sequence, uint sysUptime, uint unixSecs, uint sourceId, params byte[][] flowsets) =>
        Cat(U16(9), U16(flowsets.Length), U32(sysUptime), U32(unixSecs), U32(sequence), U32(sourceId), Cat(flowsets));

    public static byte[] Ipfix(uint exportSecs, uint sequence, uint domain, params byte[][] sets)
    {
        var body = Cat(sets);
        return Cat(U16(10), U16(16 + body.Length), U32(exportSecs), U32(sequence), U32(domain), body);
    }

    /// <summary>A set / flowset: id, length including the 4-byte header, content.</summary>
    public static byte[] Set(int id, params byte[][] content)
    {
        var body = Cat(content);
        return Cat(U16(id), U16(4 + body.Length), body);
    }

    /// <summary>A template record: id, field count, then (type, length) pairs.</summary>
    public static byte[] Template(int id, params (int Type, int Length)[] fields) =>
        Cat(U16(id), U16(fields.Length), Cat([.. fields.Select(f => Cat(U16(f.Type), U16(f.Length)))]));

    /// <summary>A v9 options template record: id, scope length and option length in bytes, then the specifiers.</summary>
    public static byte[] V9OptionsTemplate(int id, (int Type, int Length)[] scopes, (int Type, int Length)[] options) =>
        Cat(U16(id), U16(scopes.Length * 4), U16(options.Length * 4),
            Cat([.. scopes.Concat(options).Select(f => Cat(U16(f.Type), U16(f.Length)))]));
}

using System.Buffers.Binary;
using System.Net;
using System.Numerics;

namespace FlowWeb.Tests.Enrichment;

/// <summary>
/// Writes small MaxMind DB files (format 2.0, maxmind.github.io/MaxMind-DB) for the tests: a binary search tree of
/// 24-bit records over the networks given, a data section with maps, strings and unsigned integers, and the
/// metadata map after its marker. Enough for the layouts of GeoLite2, DB-IP and IPinfo; written from the spec so
/// that the tests check FlowWeb against MaxMind's own reader, not against a second copy of our assumptions.
/// </summary>
internal sealed class MmdbWriter(string databaseType, int ipVersion = 6)
{
    private sealed class Node
    {
        public readonly object?[] Records = new object?[2];
    }

    private readonly Node _root = new();
    private readonly List<object> _data = [];

    /// <summary>Adds a network ("1.2.3.0/24" or "2001:db8::/32"); an IPv4 network of an IPv6 tree goes under ::/96, as MaxMind's own files have it.</summary>
    public MmdbWriter Add(string cidr, Dictionary<string, object> data)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var address = IPAddress.Parse(cidr[..slash]);
        var prefix = int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var bytes = address.GetAddressBytes();
        if (ipVersion == 6 && bytes.Length == 4)
        {
            bytes = [.. new byte[12], .. bytes];
            prefix += 96;
        }

        Insert(bytes, prefix, data);
        return this;
    }

    private void Insert(byte[] address, int prefix, object data)
    {
        var node = _root;
        for (var depth = 0; depth < prefix; depth++)
        {
            var bit = (address[depth / 8] >> (7 - (depth % 8))) & 1;
            if (depth == prefix - 1)
            {
                node.Records[bit] = data;
                return;
            }

            // A more specific network inside one that has data splits it: both halves keep the wider network's data.
            if (node.Records[bit] is not Node child)
            {
                var inherited = node.Records[bit];
                child = new Node();
                child.Records[0] = child.Records[1] = inherited;
                node.Records[bit] = child;
            }

            node = child;
        }
    }

    public byte[] Build()
    {
        var nodes = new List<Node>();
        var queue = new Queue<Node>([_root]);
        while (queue.TryDequeue(out var n))
        {
            nodes.Add(n);
            foreach (var r in n.Records)
            {
                if (r is Node child)
                {
                    queue.Enqueue(child);
                }
            }
        }

        var index = nodes.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        var data = new MemoryStream();
        var offsets = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        foreach (var n in nodes)
        {
            foreach (var r in n.Records)
            {
                if (r is not null and not Node && !offsets.ContainsKey(r))
                {
                    offsets[r] = (int)data.Length;
                    WriteValue(data, r);
                }
            }
        }

        var file = new MemoryStream();
        Span<byte> node = stackalloc byte[6];
        foreach (var n in nodes)
        {
            for (var side = 0; side < 2; side++)
            {
                var value = n.Records[side] switch
                {
                    Node child => index[child],
                    null => nodes.Count,
                    var d => nodes.Count + 16 + offsets[d],
                };
                node[side * 3] = (byte)(value >> 16);
                node[(side * 3) + 1] = (byte)(value >> 8);
                node[(side * 3) + 2] = (byte)value;
            }

            file.Write(node);
        }

        file.Write(new byte[16]);
        data.Position = 0;
        data.CopyTo(file);
        file.Write([0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8]);
        WriteValue(file, new Dictionary<string, object>
        {
            ["node_count"] = (uint)nodes.Count,
            ["record_size"] = (ushort)24,
            ["ip_version"] = (ushort)ipVersion,
            ["database_type"] = databaseType,
            ["languages"] = new List<object> { "en" },
            ["binary_format_major_version"] = (ushort)2,
            ["binary_format_minor_version"] = (ushort)0,
            ["build_epoch"] = (ulong)1_764_700_000,
            ["description"] = new Dictionary<string, object> { ["en"] = "FlowWeb test database" },
        });
        return file.ToArray();
    }

    public void Save(string path)
    {
        // Written beside and renamed into place, as a downloader should, so a reload never reads half a file.
        var temporary = path + ".part";
        File.WriteAllBytes(temporary, Build());
        File.Move(temporary, path, overwrite: true);
    }

    // Types of the data section (spec "Data Section"): 2 UTF-8 string, 5 uint16, 6 uint32, 7 map, 9 uint64 and
    // 11 array (the last two are extended types: control type 0 and the type minus 7 in the next byte).
    private static void WriteValue(Stream s, object value)
    {
        switch (value)
        {
            case string text:
                var bytes = System.Text.Encoding.UTF8.GetBytes(text);
                Control(s, 2, bytes.Length);
                s.Write(bytes);
                break;
            case ushort u16:
                Unsigned(s, 5, u16);
                break;
            case uint u32:
                Unsigned(s, 6, u32);
                break;
            case ulong u64:
                Unsigned(s, 9, u64);
                break;
            case Dictionary<string, object> map:
                Control(s, 7, map.Count);
                foreach (var (key, item) in map)
                {
                    WriteValue(s, key);
                    WriteValue(s, item);
                }

                break;
            case List<object> array:
                Control(s, 11, array.Count);
                foreach (var item in array)
                {
                    WriteValue(s, item);
                }

                break;
            default:
                throw new NotSupportedException(value.GetType().Name);
        }
    }

    private static void Unsigned(Stream s, int type, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        var length = 8 - (BitOperations.LeadingZeroCount(value) / 8);
        Control(s, type, length);
        s.Write(bytes[(8 - length)..]);
    }

    private static void Control(Stream s, int type, int size)
    {
        var first = type <= 7 ? type << 5 : 0;
        Span<byte> extra = stackalloc byte[3];
        var extraLength = 0;
        if (size < 29)
        {
            first |= size;
        }
        else if (size < 285)
        {
            first |= 29;
            extra[extraLength++] = (byte)(size - 29);
        }
        else
        {
            first |= 30;
            extra[extraLength++] = (byte)((size - 285) >> 8);
            extra[extraLength++] = (byte)(size - 285);
        }

        s.WriteByte((byte)first);
        if (type > 7)
        {
            s.WriteByte((byte)(type - 7));
        }

        s.Write(extra[..extraLength]);
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MaxMind.Db;

namespace FlowWeb.Core.Enrichment;

/// <summary>What one database file gave: its ranges, the names of their values, and facts for the status line.</summary>
public sealed record FlattenedDatabase(IpRangeTable Ranges, IReadOnlyDictionary<uint, string> Names, string DatabaseType, DateTimeOffset BuildDate);

/// <summary>
/// Reads a MaxMind-format file with MaxMind's reader and flattens it into an <see cref="IpRangeTable"/>, once per
/// load, so that lookups never decode the file's data section. Knows the field layouts of the free databases:
/// GeoLite2 and DB-IP (<c>autonomous_system_number</c>/<c>autonomous_system_organization</c>,
/// <c>country.iso_code</c>/<c>country.names.en</c>), IPinfo lite (<c>asn</c> as "AS15169", <c>as_name</c>,
/// <c>country_code</c>/<c>country</c>) and the CC0 country files (<c>country_code</c>).
/// Throws <see cref="InvalidDatabaseException"/> or <see cref="IOException"/> on a bad file; the caller turns that
/// into a status naming the configuration key.
/// </summary>
public static class MmdbFlattener
{
    public enum Kind
    {
        Asn,
        Country,
    }

    // The reader decodes each distinct data record once and serves the copies from this cache while iterating.
    private const int DataCacheSize = 8192;

    public static FlattenedDatabase Load(string path, Kind kind)
    {
        using var reader = new Reader(path, FileAccessMode.Memory);
        var names = new Dictionary<uint, string>();
        var networks = new List<(UInt128, UInt128, uint)>();
        foreach (var node in reader.FindAll<Dictionary<string, object>>(cacheSize: DataCacheSize))
        {
            if (Range(node.Start, node.PrefixLength) is not { } range)
            {
                continue;
            }

            var (value, name) = kind == Kind.Asn ? Asn(node.Data) : Country(node.Data);
            if (value == 0)
            {
                continue;
            }

            networks.Add((range.Start, range.End, value));
            if (name is not null)
            {
                names.TryAdd(value, name);
            }
        }

        var table = IpRangeTable.Build(networks);
        if (table.Count == 0)
        {
            throw new InvalidDatabaseException(kind == Kind.Asn
                ? "no network has an AS number (autonomous_system_number or asn): is it an ASN database?"
                : "no network has a country (country.iso_code or country_code): is it a country database?");
        }

        return new FlattenedDatabase(table, names, reader.Metadata.DatabaseType, new DateTimeOffset(DateTime.SpecifyKind(reader.Metadata.BuildDate, DateTimeKind.Utc)));
    }

    /// <summary>
    /// The network as a range of 128-bit addresses; null for the aliases of the IPv4 part under 2002::/16 (6to4) and
    /// 2001::/32 (Teredo), which an IPv6 database adds and which would double the table for addresses flows rarely carry.
    /// </summary>
    private static (UInt128 Start, UInt128 End)? Range(IPAddress start, int prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        int bits;
        if (start.AddressFamily == AddressFamily.InterNetwork)
        {
            // An IPv4 network is kept in FlowAddress's form (::ffff:a.b.c.d) whatever tree it came from.
            start.TryWriteBytes(bytes[12..], out _);
            bytes[10] = bytes[11] = 0xFF;
            bits = 32;
            prefix = prefix > 32 ? prefix - 96 : prefix;
        }
        else
        {
            start.TryWriteBytes(bytes, out _);
            bits = 128;
        }

        var first = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        if (bits == 128 && ((first >> 112) == 0x2002 || (first >> 96) == 0x2001_0000))
        {
            return null;
        }

        var span = bits - Math.Clamp(prefix, 0, bits);
        var size = span == 128 ? UInt128.MaxValue : (UInt128.One << span) - 1;
        return (first, first | size);
    }

    private static (uint Value, string? Name) Asn(Dictionary<string, object> data)
    {
        if (data.TryGetValue("autonomous_system_number", out var number))
        {
            return (Number(number), Text(data, "autonomous_system_organization"));
        }

        // IPinfo writes "AS15169".
        if (data.TryGetValue("asn", out var asn))
        {
            var text = asn as string ?? Convert.ToString(asn, CultureInfo.InvariantCulture) ?? "";
            var digits = text.StartsWith("AS", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
            return (uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0, Text(data, "as_name"));
        }

        return (0, null);
    }

    private static (uint Value, string? Name) Country(Dictionary<string, object> data)
    {
        // GeoLite2/DB-IP: a map; an anycast network may have only its registered country.
        foreach (var key in (ReadOnlySpan<string>)["country", "registered_country"])
        {
            if (data.TryGetValue(key, out var c) && c is Dictionary<string, object> country && Text(country, "iso_code") is { } iso)
            {
                var name = country.TryGetValue("names", out var n) && n is Dictionary<string, object> names ? Text(names, "en") : null;
                return (CountryCode.Pack(iso), name);
            }
        }

        // IPinfo lite and the CC0 files: flat fields.
        return Text(data, "country_code") is { } code ? (CountryCode.Pack(code), data.GetValueOrDefault("country") as string) : (0, null);
    }

    private static uint Number(object value) => value switch
    {
        IConvertible c when c.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.Decimal => (uint)Math.Clamp(c.ToDecimal(CultureInfo.InvariantCulture), 0, uint.MaxValue),
        _ => 0,
    };

    private static string? Text(Dictionary<string, object> data, string key) =>
        data.TryGetValue(key, out var value) && value is string { Length: > 0 } text ? text : null;
}

using System.Globalization;
using System.Net;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding;

/// <summary>
/// The exporters the collector accepts (<c>Collector:AllowedExporters</c>): IPv4 and IPv6 prefixes such as
/// <c>10.0.0.0/8</c>, <c>2001:db8::/32</c> or single addresses. Empty means every sender is accepted. Datagrams from
/// other senders are refused before they touch any table, and counted.
/// </summary>
public sealed class ExporterAllowList
{
    /// <summary>More prefixes than this are refused by the configuration check (each datagram is matched against all).</summary>
    public const int MaxPrefixes = 256;

    private readonly (ulong High, ulong Low, ulong MaskHigh, ulong MaskLow)[] _prefixes;

    private ExporterAllowList((ulong, ulong, ulong, ulong)[] prefixes, IReadOnlyList<string> text)
    {
        _prefixes = prefixes;
        Prefixes = text;
    }

    public static ExporterAllowList Everyone { get; } = new([], []);

    /// <summary>The prefixes as configured.</summary>
    public IReadOnlyList<string> Prefixes { get; }

    public bool AllowsEveryone => _prefixes.Length == 0;

    public bool Allows(FlowAddress address)
    {
        var prefixes = _prefixes;
        if (prefixes.Length == 0)
        {
            return true;
        }

        foreach (var (high, low, maskHigh, maskLow) in prefixes)
        {
            if ((address.High & maskHigh) == high && (address.Low & maskLow) == low)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses every entry; <paramref name="errors"/> names each one that is not an address or prefix.</summary>
    public static ExporterAllowList Parse(IReadOnlyList<string>? entries, List<string> errors, string key = "Collector:AllowedExporters")
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (entries is null || entries.Count == 0)
        {
            return Everyone;
        }

        if (entries.Count > MaxPrefixes)
        {
            errors.Add($"{key} has {entries.Count} entries; at most {MaxPrefixes} are allowed.");
            return Everyone;
        }

        var prefixes = new List<(ulong, ulong, ulong, ulong)>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (TryParsePrefix(entries[i], out var prefix))
            {
                prefixes.Add(prefix);
            }
            else
            {
                errors.Add($"{key}:{i} '{entries[i]}' is not an IP address or prefix (such as 192.0.2.1, 10.0.0.0/8 or 2001:db8::/32).");
            }
        }

        return new ExporterAllowList([.. prefixes], [.. entries]);
    }

    private static bool TryParsePrefix(string? text, out (ulong High, ulong Low, ulong MaskHigh, ulong MaskLow) prefix)
    {
        prefix = default;
        var parts = (text ?? "").Trim().Split('/');
        if (parts.Length > 2 || !IPAddress.TryParse(parts[0], out var ip))
        {
            return false;
        }

        var address = FlowAddress.FromIPAddress(ip);
        var familyBits = address.IsIPv4 ? 32 : 128;
        var length = familyBits;
        if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > familyBits))
        {
            return false;
        }

        // IPv4 is kept IPv4-mapped: its prefix covers the 96 mapping bits too.
        var bits = address.IsIPv4 ? 96 + length : length;
        var maskHigh = bits >= 64 ? ulong.MaxValue : bits == 0 ? 0 : ulong.MaxValue << (64 - bits);
        var maskLow = bits <= 64 ? 0 : bits == 128 ? ulong.MaxValue : ulong.MaxValue << (128 - bits);
        prefix = (address.High & maskHigh, address.Low & maskLow, maskHigh, maskLow);
        return true;
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Rules;

/// <summary>
/// Reads one IP value: <c>10.0.0.1</c>, <c>2001:db8::1</c>, wildcards <c>10.*.*.*</c> (or <c>10.*</c>), octet ranges
/// <c>10.0.0.120-130</c>, full ranges <c>10.0.0.1-10.0.0.9</c> and <c>2001:db8::1-2001:db8::ff</c>, prefixes
/// <c>10.0.0.0/8</c> and <c>2001:db8::/32</c>, and dotted masks <c>10.0.0.0/255.255.0.0</c>.
/// Host names are refused: resolving them would put DNS on the evaluation path.
/// </summary>
internal static class AddressPatternParser
{
    public static bool TryParse(string item, int position, List<RuleError> errors, out AddressPattern pattern, out string canonical)
    {
        pattern = default;
        canonical = "";
        var slash = item.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            return TryParsePrefix(item, slash, position, errors, out pattern, out canonical);
        }

        var dash = item.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0 && IsFullRange(item, dash))
        {
            return TryParseFullRange(item, dash, position, errors, out pattern, out canonical);
        }

        if (item.Contains(':', StringComparison.Ordinal))
        {
            if (!TryParseIPv6(item, out var v6))
            {
                return Fail(errors, position, $"'{item}' is not a valid IPv6 address");
            }

            pattern = AddressPattern.Exact(v6);
            canonical = v6.ToString();
            return true;
        }

        return TryParseIPv4Pattern(item, position, errors, out pattern, out canonical);
    }

    private static bool TryParsePrefix(string item, int slash, int position, List<RuleError> errors, out AddressPattern pattern, out string canonical)
    {
        pattern = default;
        canonical = "";
        var addressText = item[..slash].TrimEnd();
        var maskText = item[(slash + 1)..].TrimStart();
        var maskPosition = position + item.Length - maskText.Length;
        if (addressText.Length == 0)
        {
            return Fail(errors, position, $"missing address before '/{maskText}'");
        }

        if (!TryParseAddress(addressText, out var address))
        {
            return FailAddress(errors, position, addressText, "a prefix needs a plain address before '/'");
        }

        // The notation decides the prefix's bit count: ::ffff:10.0.0.0/104 is an IPv6 prefix over the mapped range.
        var isV4 = !addressText.Contains(':', StringComparison.Ordinal);
        if (maskText.Contains('.', StringComparison.Ordinal) && isV4)
        {
            if (!TryParseIPv4(maskText, out var mask))
            {
                return Fail(errors, maskPosition, $"'{maskText}' is not a prefix length or a dotted mask");
            }

            var length = BitOperations.PopCount(mask);
            var contiguous = length == 0 ? mask == 0 : mask == uint.MaxValue << (32 - length);
            var network = address.IPv4Value & mask;
            pattern = AddressPattern.IPv4(mask, network, network);
            canonical = contiguous
                ? $"{FormatIPv4(network)}/{length.ToString(CultureInfo.InvariantCulture)}"
                : $"{FormatIPv4(network)}/{FormatIPv4(mask)}";
            return true;
        }

        var max = isV4 ? 32 : 128;
        if (maskText.Length == 0 || maskText.Length > 3 || !maskText.All(char.IsAsciiDigit))
        {
            return Fail(errors, maskPosition, $"'{maskText}' is not a prefix length" + (isV4 ? " or a dotted mask" : ""));
        }

        var prefix = int.Parse(maskText, CultureInfo.InvariantCulture);
        if (prefix > max)
        {
            return Fail(errors, maskPosition, $"prefix length {prefix} is out of range for {(isV4 ? "IPv4" : "IPv6")} (0-{max})");
        }

        pattern = AddressPattern.Prefix(address, isV4 ? 96 + prefix : prefix);
        var networkAddress = new FlowAddress(pattern.FirstHigh, pattern.FirstLow);
        var networkText = !isV4 && networkAddress.IsIPv4 ? $"::ffff:{networkAddress}" : networkAddress.ToString();
        canonical = $"{networkText}/{prefix.ToString(CultureInfo.InvariantCulture)}";
        return true;
    }

    private static bool TryParseFullRange(string item, int dash, int position, List<RuleError> errors, out AddressPattern pattern, out string canonical)
    {
        pattern = default;
        canonical = "";
        var firstText = item[..dash].TrimEnd();
        var lastText = item[(dash + 1)..].TrimStart();
        var lastPosition = position + item.Length - lastText.Length;
        if (!TryParseAddress(firstText, out var first))
        {
            return FailAddress(errors, position, firstText, "a range needs an address on each side of '-'");
        }

        if (!TryParseAddress(lastText, out var last))
        {
            return FailAddress(errors, lastPosition, lastText, "a range needs an address on each side of '-'");
        }

        if (first.IsIPv4 != last.IsIPv4)
        {
            return Fail(errors, position, $"range '{item}' mixes IPv4 and IPv6");
        }

        if (first > last)
        {
            return Fail(errors, position, $"range '{item}' is reversed: the start is greater than the end");
        }

        pattern = AddressPattern.Range(first, last);
        canonical = $"{first}-{last}";
        return true;
    }

    /// <summary>
    /// Dotted IPv4 with optional '*' octets and at most one range octet, which only '*' octets may follow
    /// (so that the masked value compares lexicographically). Missing trailing octets after a '*' are '*'.
    /// </summary>
    private static bool TryParseIPv4Pattern(string item, int position, List<RuleError> errors, out AddressPattern pattern, out string canonical)
    {
        pattern = default;
        canonical = "";
        var parts = item.Split('.');
        if (parts.Length > 4 || (parts.Length < 4 && parts[^1] != "*"))
        {
            return FailAddress(errors, position, item, null);
        }

        uint mask = 0, first = 0, last = 0;
        var rangeSeen = false;
        var text = new string[4];
        var offset = 0;
        for (var i = 0; i < 4; i++)
        {
            var part = i < parts.Length ? parts[i] : "*";
            var partPosition = position + offset;
            offset += part.Length + 1;
            var shift = 24 - (8 * i);
            text[i] = part;
            if (part == "*")
            {
                continue;
            }

            if (rangeSeen)
            {
                return Fail(errors, partPosition, $"only '*' may follow a range octet in '{item}'");
            }

            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var low = dash < 0 ? part : part[..dash];
            var high = dash < 0 ? part : part[(dash + 1)..];
            if (!TryParseOctet(low, out var lowValue) || !TryParseOctet(high, out var highValue))
            {
                var bad = TryParseOctet(low, out _) ? high : low;
                return bad.Length > 0 && bad.All(char.IsAsciiDigit)
                    ? Fail(errors, partPosition, $"octet {bad} is out of range (0-255)")
                    : FailAddress(errors, position, item, null);
            }

            if (lowValue > highValue)
            {
                return Fail(errors, partPosition, $"range {part} is reversed: the start is greater than the end");
            }

            rangeSeen = dash >= 0;
            mask |= 0xFFu << shift;
            first |= lowValue << shift;
            last |= highValue << shift;
            text[i] = lowValue == highValue
                ? lowValue.ToString(CultureInfo.InvariantCulture)
                : $"{lowValue.ToString(CultureInfo.InvariantCulture)}-{highValue.ToString(CultureInfo.InvariantCulture)}";
        }

        pattern = AddressPattern.IPv4(mask, first, last);
        canonical = string.Join('.', text);
        return true;
    }

    /// <summary>A full range has a whole address after the '-'; <c>10.1-3.*.*</c> is an octet range followed by wildcards.</summary>
    private static bool IsFullRange(string item, int dash) =>
        item.Contains(':', StringComparison.Ordinal) || item.AsSpan(dash + 1).Count('.') == 3;

    private static bool TryParseAddress(string text, out FlowAddress address)
    {
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TryParseIPv6(text, out address);
        }

        var ok = TryParseIPv4(text, out var v4);
        address = FlowAddress.FromIPv4(v4);
        return ok;
    }

    private static bool TryParseIPv6(string text, out FlowAddress address)
    {
        // IPAddress accepts zone ids and bracketed forms, which mean nothing in a filter.
        if (text.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            address = default;
            return false;
        }

        address = FlowAddress.FromIPAddress(ip);
        return true;
    }

    /// <summary>Strict dotted quad: IPAddress.TryParse would also take "10" or "10.1" as shorthand.</summary>
    private static bool TryParseIPv4(string text, out uint value)
    {
        value = 0;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (!TryParseOctet(part, out var octet))
            {
                return false;
            }

            value = (value << 8) | octet;
        }

        return true;
    }

    private static bool TryParseOctet(string text, out uint value)
    {
        value = 0;
        if (text.Length is 0 or > 3 || !text.All(char.IsAsciiDigit))
        {
            return false;
        }

        value = uint.Parse(text, CultureInfo.InvariantCulture);
        return value <= 255;
    }

    private static string FormatIPv4(uint value) => FlowAddress.FromIPv4(value).ToString();

    private static bool FailAddress(List<RuleError> errors, int position, string text, string? hint)
    {
        if (LooksLikeHostName(text))
        {
            return Fail(errors, position, $"host names are not supported yet ('{text}' would need a DNS lookup); use the IP address instead");
        }

        var message = $"'{text}' is not an IP address, wildcard, range or prefix";
        return Fail(errors, position, hint is null ? message : $"{message} ({hint})");
    }

    private static bool LooksLikeHostName(string text) =>
        text.Length > 0 && text.Any(char.IsAsciiLetter) && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    private static bool Fail(List<RuleError> errors, int position, string message)
    {
        errors.Add(new RuleError(position, message));
        return false;
    }
}

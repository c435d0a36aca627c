using System.Globalization;

namespace FlowWeb.Core.Rules;

/// <summary>An inclusive range of a number field (a single value has First = Last).</summary>
internal readonly record struct NumberRange(ulong First, ulong Last);

/// <summary>The parsed content of one <c>Field[...]</c>: numbers or address patterns, and the normalised text.</summary>
internal sealed class ConditionValues
{
    public List<NumberRange> Numbers { get; } = [];

    public List<AddressPattern> Addresses { get; } = [];

    public string Text { get; set; } = "";
}

/// <summary>
/// Reads the text between the brackets: a comma-separated list of values in the form the field takes. Every bad
/// item is reported with its own position; the result is null when any item was bad.
/// </summary>
internal static class FilterValueParser
{
    private const string KnownProtocols = "TCP, UDP, ICMP, OSPFIGP, GRE, ESP, AH, ICMPv6, SCTP";

    public static ConditionValues? Parse(FilterFieldInfo field, string fieldName, string value, int position, List<RuleError> errors)
    {
        var errorCount = errors.Count;
        var result = new ConditionValues();
        var texts = new List<string>();
        if (value.Trim().Length == 0)
        {
            errors.Add(new RuleError(position, $"missing value for {fieldName}"));
            return null;
        }

        var start = 0;
        while (start <= value.Length)
        {
            var comma = value.IndexOf(',', start);
            var end = comma < 0 ? value.Length : comma;
            var raw = value[start..end];
            var item = raw.Trim();
            var itemPosition = position + start + (raw.Length - raw.TrimStart().Length);
            if (item.Length == 0)
            {
                errors.Add(new RuleError(itemPosition, $"empty item in the list for {fieldName}"));
            }
            else if (TryParseItem(field, fieldName, item, itemPosition, errors, result, out var text))
            {
                texts.Add(text);
            }

            start = end + 1;
        }

        if (errors.Count != errorCount)
        {
            return null;
        }

        result.Text = string.Join(',', texts);
        return result;
    }

    private static bool TryParseItem(FilterFieldInfo field, string fieldName, string item, int position, List<RuleError> errors, ConditionValues result, out string text)
    {
        text = item;
        switch (field.Kind)
        {
            case FilterValueKind.Address:
                if (!AddressPatternParser.TryParse(item, position, errors, out var pattern, out text))
                {
                    return false;
                }

                result.Addresses.Add(pattern);
                return true;

            case FilterValueKind.Mac:
                if (!TryParseMac(item, out var mac))
                {
                    errors.Add(new RuleError(position, $"'{item}' is not a MAC address (expected aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff)"));
                    return false;
                }

                result.Numbers.Add(new NumberRange(mac, mac));
                text = FormatMac(mac);
                return true;

            case FilterValueKind.Protocol when char.IsAsciiLetter(item[0]):
                if (!ProtocolNames.TryProtocol(item, out var protocol, out text))
                {
                    errors.Add(new RuleError(position, $"unknown protocol '{item}' (use a number 0-255 or a name such as {KnownProtocols})"));
                    return false;
                }

                result.Numbers.Add(new NumberRange(protocol, protocol));
                return true;

            case FilterValueKind.Dscp when char.IsAsciiLetter(item[0]):
                if (!ProtocolNames.TryDscp(item, out var dscp))
                {
                    errors.Add(new RuleError(position, $"unknown DSCP name '{item}' (use a number 0-63 or a name such as EF, AF41, CS1)"));
                    return false;
                }

                result.Numbers.Add(new NumberRange(dscp, dscp));
                text = item.ToUpperInvariant();
                return true;

            case FilterValueKind.Country:
                var country = Enrichment.CountryCode.Pack(item);
                if (country == 0)
                {
                    errors.Add(new RuleError(position, $"'{item}' is not a country code for {fieldName} (expected two letters such as US, DE, RU)"));
                    return false;
                }

                result.Numbers.Add(new NumberRange(country, country));
                text = item.ToUpperInvariant();
                return true;

            default:
                return TryParseNumberRange(field, fieldName, item, position, errors, result, out text);
        }
    }

    private static bool TryParseNumberRange(FilterFieldInfo field, string fieldName, string item, int position, List<RuleError> errors, ConditionValues result, out string text)
    {
        text = item;
        var dash = item.IndexOf('-', StringComparison.Ordinal);
        var firstRaw = dash < 0 ? item : item[..dash];
        var lastRaw = dash < 0 ? item : item[(dash + 1)..];
        var lastPosition = dash < 0 ? position : position + dash + 1 + (lastRaw.Length - lastRaw.TrimStart().Length);
        if (dash >= 0 && (firstRaw.Trim().Length == 0 || lastRaw.Trim().Length == 0))
        {
            return TryParseNumber(field, fieldName, item, position, errors, out _);
        }

        var firstOk = TryParseNumber(field, fieldName, firstRaw.Trim(), position, errors, out var first);
        var last = first;
        var lastOk = dash < 0 || TryParseNumber(field, fieldName, lastRaw.Trim(), lastPosition, errors, out last);
        if (!firstOk || !lastOk)
        {
            return false;
        }

        if (first > last)
        {
            errors.Add(new RuleError(position, $"range {item} is reversed: the start is greater than the end"));
            return false;
        }

        result.Numbers.Add(new NumberRange(first, last));
        text = first == last
            ? first.ToString(CultureInfo.InvariantCulture)
            : $"{first.ToString(CultureInfo.InvariantCulture)}-{last.ToString(CultureInfo.InvariantCulture)}";
        return true;
    }

    private static bool TryParseNumber(FilterFieldInfo field, string fieldName, string text, int position, List<RuleError> errors, out ulong value)
    {
        value = 0;
        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            var expected = field.Kind switch
            {
                FilterValueKind.Protocol => $"a protocol number or a name such as {KnownProtocols}",
                FilterValueKind.Dscp => "a number 0-63 or a name such as EF, AF41, CS1",
                _ => "a number or a range like 80-88",
            };
            errors.Add(new RuleError(position, $"'{text}' is not valid for {fieldName} (expected {expected})"));
            return false;
        }

        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value > field.Max)
        {
            errors.Add(new RuleError(position, $"value {text} is out of range for {fieldName} (0-{field.Max.ToString(CultureInfo.InvariantCulture)})"));
            return false;
        }

        return true;
    }

    /// <summary>Six hex pairs separated by ':' or '-' (one separator throughout), or Cisco's aabb.ccdd.eeff.</summary>
    private static bool TryParseMac(string text, out ulong value)
    {
        value = 0;
        string[] groups;
        if (text.Length == 17 && (text[2] == ':' || text[2] == '-'))
        {
            groups = text.Split(text[2]);
            if (groups.Length != 6 || groups.Any(g => g.Length != 2))
            {
                return false;
            }
        }
        else if (text.Length == 14 && text[4] == '.')
        {
            groups = text.Split('.');
            if (groups.Length != 3 || groups.Any(g => g.Length != 4))
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        foreach (var group in groups)
        {
            if (!ulong.TryParse(group, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var part))
            {
                return false;
            }

            value = (value << (group.Length * 4)) | part;
        }

        return true;
    }

    private static string FormatMac(ulong mac) => string.Create(17, mac, static (span, value) =>
    {
        for (var i = 0; i < 6; i++)
        {
            var octet = (byte)(value >> (40 - (8 * i)));
            octet.TryFormat(span[(i * 3)..], out _, "x2", CultureInfo.InvariantCulture);
            if (i < 5)
            {
                span[(i * 3) + 2] = ':';
            }
        }
    });
}

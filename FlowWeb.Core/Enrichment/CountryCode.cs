namespace FlowWeb.Core.Enrichment;

/// <summary>
/// An ISO 3166 alpha-2 country code packed into a number (first letter in the high byte), so that it fits the
/// 32-bit value of an <see cref="IpRangeTable"/>, a toplist key's number and a filter's number ranges. 0 = unknown.
/// </summary>
public static class CountryCode
{
    /// <summary>The packed code of two letters (either case); 0 when the text is not two ASCII letters.</summary>
    public static uint Pack(ReadOnlySpan<char> code)
    {
        if (code.Length != 2 || !char.IsAsciiLetter(code[0]) || !char.IsAsciiLetter(code[1]))
        {
            return 0;
        }

        return ((uint)char.ToUpperInvariant(code[0]) << 8) | char.ToUpperInvariant(code[1]);
    }

    /// <summary>The two letters of a packed code; null for 0 or anything that is not two letters.</summary>
    public static string? Unpack(uint packed)
    {
        char a = (char)(packed >> 8), b = (char)(packed & 0xFF);
        return packed <= 0xFFFF && char.IsAsciiLetterUpper(a) && char.IsAsciiLetterUpper(b) ? new string([a, b]) : null;
    }
}

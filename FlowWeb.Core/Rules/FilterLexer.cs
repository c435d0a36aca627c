namespace FlowWeb.Core.Rules;

internal enum FilterTokenKind : byte
{
    End,
    Word,
    Value,
    OpenParen,
    CloseParen,
    Invalid,
}

/// <summary>
/// A token of a rule. A <see cref="FilterTokenKind.Value"/> spans from its '[' up to and including its ']'
/// (<see cref="Closed"/>) or, when the ']' is missing, up to the next '[' or the end of the rule. A value may span
/// lines (a long list wrapped in a channel definition).
/// </summary>
internal readonly record struct FilterToken(FilterTokenKind Kind, int Start, int Length, bool Closed = true);

/// <summary>Splits rule text into words, bracketed values, parentheses and anything else (reported by the parser).</summary>
internal static class FilterLexer
{
    public static List<FilterToken> Tokenize(string text, int start, int end)
    {
        var tokens = new List<FilterToken>();
        var i = start;
        while (true)
        {
            while (i < end && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= end)
            {
                tokens.Add(new FilterToken(FilterTokenKind.End, end, 0));
                return tokens;
            }

            var c = text[i];
            var tokenStart = i;
            switch (c)
            {
                case '(':
                    tokens.Add(new FilterToken(FilterTokenKind.OpenParen, i++, 1));
                    break;
                case ')':
                    tokens.Add(new FilterToken(FilterTokenKind.CloseParen, i++, 1));
                    break;
                case '[':
                    i++;
                    while (i < end && text[i] is not (']' or '['))
                    {
                        i++;
                    }

                    var closed = i < end && text[i] == ']';
                    if (closed)
                    {
                        i++;
                    }

                    tokens.Add(new FilterToken(FilterTokenKind.Value, tokenStart, i - tokenStart, closed));
                    break;
                default:
                    var kind = char.IsAsciiLetter(c) || c == '_' ? FilterTokenKind.Word : FilterTokenKind.Invalid;
                    while (i < end && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or '[' or ']')
                        && (kind == FilterTokenKind.Invalid || char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                    {
                        i++;
                    }

                    if (i == tokenStart)
                    {
                        i++; // a stray ']'
                    }

                    tokens.Add(new FilterToken(kind, tokenStart, i - tokenStart));
                    break;
            }
        }
    }
}

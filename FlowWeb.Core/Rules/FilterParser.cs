namespace FlowWeb.Core.Rules;

/// <summary>
/// Recursive descent over the tokens of a rule (prtg-sensors.md §1.3):
/// <code>
/// rule      := or-expr | (nothing: match everything)
/// or-expr   := and-expr { "or" and-expr }
/// and-expr  := unary { "and" unary }
/// unary     := "not" unary | "(" or-expr ")" | Field "[" values "]"
/// </code>
/// Keywords and field names are case-insensitive. After an error the parser carries on (a missing operator is read
/// as <c>and</c>, a bad condition becomes a placeholder) so that one pass reports every problem it can.
/// Positions are 1-based offsets into the text given.
/// </summary>
internal sealed class FilterParser
{
    /// <summary>Bounds the recursion on parentheses and <c>not</c>; nobody writes rules this deep by hand.</summary>
    public const int MaxDepth = 64;

    private readonly string _text;
    private readonly List<FilterToken> _tokens;
    private readonly List<RuleError> _errors;
    private int _next;
    private int _depth;
    private bool _abandoned;

    private FilterParser(string text, List<FilterToken> tokens, List<RuleError> errors)
    {
        _text = text;
        _tokens = tokens;
        _errors = errors;
    }

    /// <summary>Parses <c>text[start..end]</c>; null with no errors means an empty rule.</summary>
    public static FilterNode? Parse(string text, int start, int end, List<RuleError> errors)
    {
        var tokens = FilterLexer.Tokenize(text, start, end);
        if (tokens.Count == 1)
        {
            return null;
        }

        var parser = new FilterParser(text, tokens, errors);
        var root = parser.ParseOr();
        while (parser.Peek.Kind != FilterTokenKind.End)
        {
            // or-expr stops only at ')' or the end.
            parser.Error(parser.Peek, "unbalanced parenthesis: ')' has no matching '('");
            parser._next++;
            if (parser.IsKeyword(parser.Peek, "and") || parser.IsKeyword(parser.Peek, "or"))
            {
                parser._next++;
            }

            if (parser.Peek.Kind != FilterTokenKind.End)
            {
                parser.ParseOr();
            }
        }

        return root;
    }

    private FilterToken Peek => _tokens[_next];

    private FilterToken Previous => _tokens[Math.Max(_next - 1, 0)];

    private FilterNode ParseOr()
    {
        var children = new List<FilterNode> { ParseAnd() };
        while (IsKeyword(Peek, "or"))
        {
            _next++;
            children.Add(ParseAnd());
        }

        return Join(children, isAnd: false);
    }

    private FilterNode ParseAnd()
    {
        var children = new List<FilterNode> { ParseUnary() };
        while (true)
        {
            var token = Peek;
            if (IsKeyword(token, "and"))
            {
                _next++;
            }
            else if (token.Kind == FilterTokenKind.Invalid)
            {
                Error(token, $"unexpected '{Text(token)}' (combine conditions with and, or, not)");
                _next++;
                if (!StartsCondition(Peek))
                {
                    continue;
                }
            }
            else if (StartsCondition(token))
            {
                Error(token, $"expected 'and' or 'or' before '{Text(token)}'");
            }
            else
            {
                break;
            }

            children.Add(ParseUnary());
        }

        return Join(children, isAnd: true);
    }

    private FilterNode ParseUnary()
    {
        var token = Peek;
        var nests = IsKeyword(token, "not") || token.Kind == FilterTokenKind.OpenParen;
        if (nests && ++_depth > MaxDepth)
        {
            Error(token, $"the rule is nested too deeply (more than {MaxDepth} levels of parentheses and not)");
            _abandoned = true;
            _next = _tokens.Count - 1;
            return ErrorNode.Instance;
        }

        try
        {
            if (IsKeyword(token, "not"))
            {
                _next++;
                var operand = ParseUnary();
                return operand is ErrorNode ? operand : new NotNode(operand);
            }

            return token.Kind == FilterTokenKind.OpenParen ? ParseParenthesised() : ParseCondition();
        }
        finally
        {
            if (nests)
            {
                _depth--;
            }
        }
    }

    private FilterNode ParseParenthesised()
    {
        var open = Peek;
        _next++;
        if (Peek.Kind == FilterTokenKind.CloseParen)
        {
            Error(Peek, "empty parentheses: expected a condition");
            _next++;
            return ErrorNode.Instance;
        }

        var inner = ParseOr();
        if (Peek.Kind == FilterTokenKind.CloseParen)
        {
            _next++;
        }
        else
        {
            Error(open, "unbalanced parenthesis: '(' is never closed");
        }

        return inner;
    }

    private FilterNode ParseCondition()
    {
        var token = Peek;
        switch (token.Kind)
        {
            case FilterTokenKind.Word when IsKeyword(token, "and") || IsKeyword(token, "or"):
            case FilterTokenKind.CloseParen:
            case FilterTokenKind.End:
                Error(token, ExpectedCondition(token));
                return ErrorNode.Instance;
            case FilterTokenKind.Value:
                Error(token, $"'{Text(token)}' has no field name before it");
                _next++;
                return ErrorNode.Instance;
            case FilterTokenKind.Invalid:
                Error(token, $"unexpected '{Text(token)}' (a condition is written Field[value], e.g. Protocol[TCP])");
                _next++;
                return ErrorNode.Instance;
        }

        var name = Text(token);
        _next++;
        var known = FilterFieldInfo.TryFind(name, out var field);
        var value = Peek;
        if (value.Kind != FilterTokenKind.Value)
        {
            Error(known ? value : token, known ? $"expected '[' after {field.Name}" : $"unknown field '{name}'");
            if (known && value.Kind == FilterTokenKind.Invalid)
            {
                _next++; // most likely the value without its brackets: one error is enough
            }

            return ErrorNode.Instance;
        }

        _next++;
        if (!known)
        {
            Error(token, $"unknown field '{name}'");
            return ErrorNode.Instance;
        }

        if (field.NotSupported is not null)
        {
            Error(token, field.NotSupported);
            return ErrorNode.Instance;
        }

        if (!value.Closed)
        {
            // Point at the '[' like an unclosed '(': where the value was cut off is only a guess.
            Error(value, $"missing ']' to close {field.Name}[");

            // "Port[80 and IP[10.0.0.1]": the value ran into the next '['; what follows belongs to the same slip.
            while (Peek.Kind == FilterTokenKind.Value)
            {
                _next++;
            }

            return ErrorNode.Instance;
        }

        var content = _text.Substring(value.Start + 1, value.Length - 2);
        var values = FilterValueParser.Parse(field, field.Name, content, value.Start + 2, _errors);
        return values is null ? ErrorNode.Instance : new ConditionNode(field.Name, field, values);
    }

    private string ExpectedCondition(FilterToken token)
    {
        var previous = Previous;
        var after = _next > 0 && (previous.Kind == FilterTokenKind.OpenParen || IsKeyword(previous, "and") || IsKeyword(previous, "or") || IsKeyword(previous, "not"))
            ? $" after '{Text(previous)}'"
            : "";
        return token.Kind == FilterTokenKind.End
            ? $"expected a condition{after} at the end of the rule"
            : $"expected a condition{after} before '{Text(token)}'";
    }

    private bool StartsCondition(FilterToken token) =>
        token.Kind is FilterTokenKind.OpenParen or FilterTokenKind.Value
        || (token.Kind == FilterTokenKind.Word && !IsKeyword(token, "and") && !IsKeyword(token, "or"));

    /// <summary>Builds an n-ary node; <c>(a and b) and c</c> becomes <c>a and b and c</c> whatever the parentheses.</summary>
    private static FilterNode Join(List<FilterNode> parts, bool isAnd)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var flat = new List<FilterNode>(parts.Count);
        foreach (var part in parts)
        {
            if (isAnd && part is AndNode and)
            {
                flat.AddRange(and.Children);
            }
            else if (!isAnd && part is OrNode or)
            {
                flat.AddRange(or.Children);
            }
            else
            {
                flat.Add(part);
            }
        }

        return isAnd ? new AndNode(flat) : new OrNode(flat);
    }

    private bool IsKeyword(FilterToken token, string keyword) =>
        token.Kind == FilterTokenKind.Word && _text.AsSpan(token.Start, token.Length).Equals(keyword, StringComparison.OrdinalIgnoreCase);

    private string Text(FilterToken token) => _text.Substring(token.Start, token.Length);

    private void Error(FilterToken token, string message)
    {
        // After giving up on a too-deep rule, the unwinding would only add noise (every '(' unclosed).
        if (!_abandoned)
        {
            _errors.Add(new RuleError(token.Start + 1, message));
        }
    }
}

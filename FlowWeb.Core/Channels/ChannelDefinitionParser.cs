using System.Globalization;
using System.Text;
using FlowWeb.Core.Rules;

namespace FlowWeb.Core.Channels;

/// <summary>A problem in a channel definition, by 1-based line and column.</summary>
public sealed record ChannelDefinitionError(int Line, int Column, string Message)
{
    public override string ToString() => $"line {Line}, column {Column}: {Message}";
}

/// <summary>The outcome of <see cref="ChannelSet.FromDefinition"/>: a channel set, or every error found.</summary>
public sealed class ChannelDefinitionResult
{
    internal ChannelDefinitionResult(ChannelSet? set, IReadOnlyList<ChannelDefinitionError> errors)
    {
        Set = set;
        Errors = errors;
    }

    public bool Success => Set is not null;

    public ChannelSet? Set { get; }

    public IReadOnlyList<ChannelDefinitionError> Errors { get; }
}

/// <summary>
/// Reads PRTG's channel definition (prtg-sensors.md §1.3): each channel starts with a header line
/// <c>#&lt;id&gt;:&lt;Name&gt;[optional unit]</c>, followed by its rule on one or more lines up to the next line that
/// starts with '#'. Ids are 1 to 2^31-1 and unique (they key the channel's history). Rules are tried top to bottom;
/// Other is added automatically. Unlike PRTG, which drops invalid rules on save, a definition with any error is
/// refused as a whole, with every error listed.
/// </summary>
internal static class ChannelDefinitionParser
{
    public static ChannelDefinitionResult Parse(string? text, FilterLimits limits)
    {
        text ??= "";
        if (limits.CheckLength(text.Length, "channel definition") is { } tooLong)
        {
            return new ChannelDefinitionResult(null, [new(1, 1, tooLong)]);
        }

        var lines = new LineMap(text);
        var errors = new List<ChannelDefinitionError>();
        var headers = new List<Header>();
        var firstLineOfId = new Dictionary<int, int>();
        var strayReported = false;
        for (var line = 1; line <= lines.Count; line++)
        {
            var (start, end) = lines.Range(line);
            var content = start;
            while (content < end && char.IsWhiteSpace(text[content]))
            {
                content++;
            }

            if (content < end && text[content] == '#')
            {
                if (headers.Count > 0)
                {
                    headers[^1].RuleEnd = start;
                }

                var header = ParseHeader(text, line, content, end, start, errors);
                if (header.Id > 0 && !firstLineOfId.TryAdd(header.Id, line))
                {
                    errors.Add(new(line, content - start + 2, $"channel id {header.Id} is already used on line {firstLineOfId[header.Id]}"));
                }

                header.RuleStart = end;
                header.RuleEnd = text.Length;
                headers.Add(header);
            }
            else if (content < end && headers.Count == 0 && !strayReported)
            {
                errors.Add(new(line, content - start + 1, "text before the first channel header (each channel starts with a line '#<id>:<name>')"));
                strayReported = true;
            }
        }

        if (headers.Count == 0 && errors.Count == 0)
        {
            errors.Add(new(1, 1, "the definition has no channels (each channel starts with a line '#<id>:<name>', followed by its rule)"));
        }

        var channels = new List<(ChannelInfo, FilterRule)>(headers.Count);
        foreach (var header in headers)
        {
            var ruleErrors = new List<RuleError>();
            var ruleEnd = header.RuleEnd;
            while (ruleEnd > header.RuleStart && char.IsWhiteSpace(text[ruleEnd - 1]))
            {
                ruleEnd--;
            }

            var rule = FilterRule.Parse(text, header.RuleStart, ruleEnd, ruleErrors);
            foreach (var error in ruleErrors)
            {
                var (line, column) = lines.Locate(error.Position - 1);
                errors.Add(new(line, column, error.Message));
            }

            if (rule is { IsMatchAll: true })
            {
                errors.Add(new(header.Line, 1, $"channel {header.Id} '{header.Name}' has no rule (the rule goes on the lines after the header)"));
            }
            else if (rule is not null && header.Id > 0)
            {
                channels.Add((new ChannelInfo(header.Id, header.Name, header.Unit, rule.ToString()), rule));
            }
        }

        if (errors.Count > 0)
        {
            return new ChannelDefinitionResult(null, errors);
        }

        // All rules run as one program, so the budget bounds the whole definition, not each rule.
        var set = ChannelSet.FromRules(channels);
        return limits.CheckCost(set.Cost, "channel definition") is { } tooCostly
            ? new ChannelDefinitionResult(null, [new(1, 1, tooCostly)])
            : new ChannelDefinitionResult(set, errors);
    }

    /// <summary>Writes a definition back in normalised form (one header line, one rule line per channel).</summary>
    public static string Format(ChannelSet set)
    {
        var text = new StringBuilder();
        for (var i = 1; i < set.OtherIndex; i++)
        {
            var channel = set.Channels[i];
            text.Append('#').Append(channel.Id.ToString(CultureInfo.InvariantCulture)).Append(':').Append(channel.Name);
            if (channel.Unit is not null)
            {
                text.Append('[').Append(channel.Unit).Append(']');
            }

            text.Append('\n').Append(channel.Description).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Reads <c>#id:name[unit]</c> from <c>text[hash..end]</c>; a header with a bad id gets id 0 (errors are reported).</summary>
    private static Header ParseHeader(string text, int line, int hash, int end, int lineStart, List<ChannelDefinitionError> errors)
    {
        int Column(int index) => index - lineStart + 1;
        var header = new Header { Line = line };
        var colon = text.IndexOf(':', hash, end - hash);
        if (colon < 0)
        {
            errors.Add(new(line, Column(end), "expected ':' after the channel id (a header is '#<id>:<name>')"));
            return header;
        }

        var idText = text[(hash + 1)..colon].Trim();
        if (idText.Length == 0)
        {
            errors.Add(new(line, Column(hash + 1), "missing channel id between '#' and ':'"));
        }
        else if (!idText.All(char.IsAsciiDigit))
        {
            errors.Add(new(line, Column(hash + 1), $"channel id '{idText}' is not a number"));
        }
        else if (!int.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
        {
            errors.Add(new(line, Column(hash + 1), $"channel id {idText} is out of range (1-{int.MaxValue.ToString(CultureInfo.InvariantCulture)})"));
        }
        else
        {
            header.Id = id;
        }

        var open = text.IndexOf('[', colon, end - colon);
        var nameEnd = open < 0 ? end : open;
        header.Name = text[(colon + 1)..nameEnd].Trim();
        if (header.Name.Length == 0)
        {
            errors.Add(new(line, Column(colon + 1), $"channel {idText} has no name"));
        }

        if (open >= 0)
        {
            var close = text.IndexOf(']', open, end - open);
            if (close < 0)
            {
                errors.Add(new(line, Column(end), $"missing ']' to close the unit opened at column {Column(open)}"));
            }
            else
            {
                var unit = text[(open + 1)..close].Trim();
                header.Unit = unit.Length == 0 ? null : unit;
                if (text.AsSpan(close + 1, end - close - 1).Trim().Length > 0)
                {
                    errors.Add(new(line, Column(close + 1), "unexpected text after the unit (the rule goes on the lines after the header)"));
                }
            }
        }

        return header;
    }

    private sealed class Header
    {
        public int Line { get; init; }

        public int Id { get; set; }

        public string Name { get; set; } = "";

        public string? Unit { get; set; }

        public int RuleStart { get; set; }

        public int RuleEnd { get; set; }
    }

    /// <summary>Line starts of a text, for turning offsets into 1-based line and column ('\n', '\r\n' or '\r' end a line).</summary>
    private sealed class LineMap
    {
        private readonly string _text;
        private readonly List<int> _starts = [0];

        public LineMap(string text)
        {
            _text = text;
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                if (text[i] is '\n' or '\r')
                {
                    _starts.Add(i + 1);
                }
            }
        }

        public int Count => _starts.Count;

        /// <summary>The line's text range without its line break.</summary>
        public (int Start, int End) Range(int line)
        {
            var start = _starts[line - 1];
            var end = line < _starts.Count ? _starts[line] : _text.Length;
            while (end > start && _text[end - 1] is '\n' or '\r')
            {
                end--;
            }

            return (start, end);
        }

        public (int Line, int Column) Locate(int offset)
        {
            var index = _starts.BinarySearch(offset);
            var line = index >= 0 ? index : ~index - 1;
            return (line + 1, offset - _starts[line] + 1);
        }
    }
}

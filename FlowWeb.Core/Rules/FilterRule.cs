using System.Text;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Rules;

/// <summary>
/// A compiled filter rule in PRTG's syntax (prtg-sensors.md §1.3), e.g.
/// <c>Protocol[TCP] and not (DestinationIP[10.0.0.1] or SourceIP[10.0.0.120-130])</c>.
/// <see cref="Matches"/> runs on the ingest path: it allocates nothing and evaluates a flat branching program
/// (see <see cref="FilterCompiler"/>). Instances are immutable and safe to share between threads.
/// </summary>
public sealed class FilterRule
{
    private readonly FilterProgram _program;
    private readonly string _text;

    private FilterRule(FilterNode? root)
    {
        Root = root;
        _program = FilterCompiler.Compile(root);
        if (root is null)
        {
            _text = "";
        }
        else
        {
            var text = new StringBuilder();
            root.Write(text);
            _text = text.ToString();
        }
    }

    /// <summary>The empty rule: matches every record.</summary>
    public static FilterRule MatchAll { get; } = new(null);

    /// <summary>True for the empty rule.</summary>
    public bool IsMatchAll => Root is null;

    /// <summary>The number of conditions (field tests) in the compiled rule, after a field's conditions were merged.</summary>
    public int ConditionCount => _program.Length;

    /// <summary>The most comparisons the rule can take for one flow record (see <see cref="FilterLimits"/>).</summary>
    public int Cost => _program.Cost;

    /// <summary>The syntax tree, kept so that channel rules can be compiled together (null for the empty rule).</summary>
    internal FilterNode? Root { get; }

    /// <summary>
    /// Parses and compiles a rule. Empty or whitespace text is <see cref="MatchAll"/>. On failure every error found
    /// is returned with its 1-based position.
    /// </summary>
    public static FilterParseResult Parse(string? text) => Parse(text, FilterLimits.None);

    /// <summary>
    /// Parses and compiles a rule within <paramref name="limits"/>: a rule longer than the limit is not parsed, and
    /// one whose cost exceeds the budget is refused, each with an error naming the limit.
    /// </summary>
    public static FilterParseResult Parse(string? text, FilterLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new FilterParseResult(MatchAll, []);
        }

        if (limits.CheckLength(text.Length, "rule") is { } tooLong)
        {
            return new FilterParseResult(null, [new RuleError(limits.MaxLength + 1, tooLong)]);
        }

        var errors = new List<RuleError>();
        var rule = Parse(text, 0, text.Length, errors);
        if (rule is not null && limits.CheckCost(rule.Cost, "rule") is { } tooCostly)
        {
            return new FilterParseResult(null, [new RuleError(1, tooCostly)]);
        }

        return new FilterParseResult(rule, errors);
    }

    /// <summary>Parses <c>text[start..end]</c>, reporting positions as 1-based offsets into the whole text.</summary>
    internal static FilterRule? Parse(string text, int start, int end, List<RuleError> errors)
    {
        var before = errors.Count;
        var root = FilterParser.Parse(text, start, end, errors);
        return errors.Count != before ? null : root is null ? MatchAll : new FilterRule(root);
    }

    /// <summary>
    /// Whether the record (sent by <paramref name="exporter"/>, for SenderIP) satisfies the rule. AS and country fields
    /// look up in <paramref name="enrichment"/>; without it only the exporter's AS numbers are known and no country.
    /// </summary>
    public bool Matches(in FlowRecord record, FlowAddress exporter, IpEnrichment? enrichment = null) =>
        _program.Run(in record, in exporter, enrichment ?? IpEnrichment.None) != 0;

    /// <summary>The rule in normalised form: canonical field names, lower-case keywords, minimal parentheses.</summary>
    public override string ToString() => _text;
}

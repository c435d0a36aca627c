namespace FlowWeb.Core.Rules;

/// <summary>A problem in a filter rule: <paramref name="Position"/> is the 1-based character position in the rule text (its column when the rule is one line).</summary>
public sealed record RuleError(int Position, string Message)
{
    public override string ToString() => $"column {Position}: {Message}";
}

/// <summary>The outcome of <see cref="FilterRule.Parse"/>: a rule, or every error found.</summary>
public sealed class FilterParseResult
{
    internal FilterParseResult(FilterRule? rule, IReadOnlyList<RuleError> errors)
    {
        Rule = rule;
        Errors = errors;
    }

    public bool Success => Rule is not null;

    public FilterRule? Rule { get; }

    public IReadOnlyList<RuleError> Errors { get; }
}

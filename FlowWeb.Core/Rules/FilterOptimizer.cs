namespace FlowWeb.Core.Rules;

/// <summary>
/// Rewrites a rule's tree into an equivalent one that is cheaper to evaluate, before it is compiled:
/// <list type="bullet">
/// <item><c>X[a] or X[b]</c> becomes <c>X[a,b]</c>: one binary search instead of a chain of tests. This holds for
/// the "either side" fields too (source or destination in a, or in b = source or destination in a ∪ b).</item>
/// <item><c>not X[a] and not X[b]</c> becomes <c>not X[a,b]</c> (De Morgan, then the rule above).</item>
/// <item>A condition repeated in the same <c>and</c> or <c>or</c> is kept once; <c>not not x</c> is <c>x</c>;
/// nested chains of the same operator are flattened (the parser already does this for parentheses).</item>
/// </list>
/// So a list written the long way (<c>IP[10.0.0.1] or IP[10.0.0.2] or ...</c>) costs what the short way costs.
/// The tree the rule prints (<see cref="FilterRule.ToString"/>) is the one the user wrote, not this one.
/// </summary>
internal static class FilterOptimizer
{
    public static FilterNode Optimize(FilterNode node) => node switch
    {
        NotNode { Operand: NotNode inner } => Optimize(inner.Operand),
        NotNode not => new NotNode(Optimize(not.Operand)),
        AndNode and => Combine(and.Children, isAnd: true),
        OrNode or => Combine(or.Children, isAnd: false),
        _ => node,
    };

    private static FilterNode Combine(List<FilterNode> children, bool isAnd)
    {
        var flat = new List<FilterNode>(children.Count);
        foreach (var child in children)
        {
            var optimized = Optimize(child);
            if (isAnd && optimized is AndNode and)
            {
                flat.AddRange(and.Children);
            }
            else if (!isAnd && optimized is OrNode or)
            {
                flat.AddRange(or.Children);
            }
            else
            {
                flat.Add(optimized);
            }
        }

        // In an 'or' the positive conditions of one field merge; in an 'and' the negated ones do. The merged
        // condition takes the place of the field's first one.
        var result = new List<FilterNode?>(flat.Count);
        var byField = new Dictionary<FilterField, (int Index, List<ConditionNode> Parts)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in flat)
        {
            var condition = isAnd ? (node as NotNode)?.Operand as ConditionNode : node as ConditionNode;
            if (condition is not null)
            {
                if (byField.TryGetValue(condition.Field.Field, out var group))
                {
                    group.Parts.Add(condition);
                }
                else
                {
                    byField[condition.Field.Field] = (result.Count, [condition]);
                    result.Add(null);
                }
            }
            else if (seen.Add(Text(node)))
            {
                // Anything else repeated verbatim (same canonical text) adds nothing to an 'and' or an 'or'.
                result.Add(node);
            }
        }

        foreach (var (index, parts) in byField.Values)
        {
            var merged = parts.Count == 1 ? parts[0] : Union(parts);
            result[index] = isAnd ? new NotNode(merged) : merged;
        }

        var nodes = result.ConvertAll(n => n!);
        return nodes.Count == 1 ? nodes[0] : isAnd ? new AndNode(nodes) : new OrNode(nodes);
    }

    private static ConditionNode Union(List<ConditionNode> parts)
    {
        var values = new ConditionValues { Text = string.Join(',', parts.Select(p => p.Values.Text)) };
        foreach (var part in parts)
        {
            values.Numbers.AddRange(part.Values.Numbers);
            values.Addresses.AddRange(part.Values.Addresses);
        }

        return new ConditionNode(parts[0].FieldName, parts[0].Field, values);
    }

    private static string Text(FilterNode node)
    {
        var text = new System.Text.StringBuilder();
        node.Write(text);
        return text.ToString();
    }
}

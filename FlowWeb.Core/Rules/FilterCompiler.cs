namespace FlowWeb.Core.Rules;

/// <summary>
/// One condition of a compiled program: its values are <c>Count</c> entries from <c>Start</c> in the program's number
/// range table or address group table; evaluation continues at <c>OnTrue</c> or <c>OnFalse</c>, or ends on a negative target, which
/// encodes the outcome as its complement (<see cref="FilterCompiler.Outcome"/>).
/// </summary>
internal readonly record struct FilterInstruction(FilterField Field, int Start, int Count, int OnTrue, int OnFalse);

/// <summary>
/// Turns the syntax tree into a branching program, as BPF does: each condition is emitted once and
/// <c>and</c>/<c>or</c>/<c>not</c> become jump targets, so evaluation is a loop with short-circuiting, no recursion
/// and no allocation. The tree is first simplified (<see cref="FilterOptimizer"/>: a field's values listed in
/// separate conditions become one list) and each condition's values become sorted interval tables
/// (<see cref="FilterValueSets"/>); the program's <see cref="FilterProgram.Cost"/> is the sum of its conditions'
/// search costs, the most comparisons one record can take.
/// For <c>a and b</c>, a jumps to b when true and to the false target when false; <c>or</c> is the mirror image;
/// <c>not</c> swaps the targets of its operand. Several rules tried in order (a channel definition)
/// become one program: each rule's false target is the next rule's first condition.
/// </summary>
internal sealed class FilterCompiler
{

    /// <summary>Comparisons charged for one AS or country lookup (see <see cref="Enrichment.IpRangeTable"/>).</summary>
    public const int LookupCost = 20;

    private readonly List<FilterInstruction> _code = [];
    private readonly List<NumberRange> _numbers = [];
    private readonly List<AddressGroup> _groups = [];
    private readonly List<AddressInterval> _intervals = [];
    private long _cost;

    private FilterCompiler()
    {
    }

    /// <summary>The jump target that ends evaluation with <paramref name="outcome"/> (0 or more).</summary>
    public static int Outcome(int outcome) => ~outcome;

    /// <summary>One rule: outcome 1 when it matches, 0 when not (a null root matches everything).</summary>
    public static FilterProgram Compile(FilterNode? root)
    {
        var compiler = new FilterCompiler();
        var entry = root is null ? Outcome(1) : compiler.Emit(FilterOptimizer.Optimize(root), Outcome(1), Outcome(0));
        return compiler.Build(entry);
    }

    /// <summary>Rules tried in order: outcome i + 1 for the first rule i that matches, <paramref name="noMatch"/> when none does.</summary>
    public static FilterProgram CompileFirstMatch(IReadOnlyList<FilterNode?> roots, int noMatch)
    {
        var compiler = new FilterCompiler();
        var next = Outcome(noMatch);
        for (var i = roots.Count - 1; i >= 0; i--)
        {
            next = roots[i] is { } root ? compiler.Emit(FilterOptimizer.Optimize(root), Outcome(i + 1), next) : Outcome(i + 1);
        }

        return compiler.Build(next);
    }

    private FilterProgram Build(int entry) =>
        new([.. _code], entry, [.. _numbers], [.. _groups], [.. _intervals], (int)Math.Min(_cost, int.MaxValue));

    private int Emit(FilterNode node, int onTrue, int onFalse)
    {
        switch (node)
        {
            case ConditionNode condition:
                _code.Add(EmitValues(condition, onTrue, onFalse));
                return _code.Count - 1;

            case NotNode not:
                return Emit(not.Operand, onFalse, onTrue);

            case AndNode and:
                // Emitted last to first so that each part knows where its successor starts.
                var next = onTrue;
                for (var i = and.Children.Count - 1; i >= 0; i--)
                {
                    next = Emit(and.Children[i], next, onFalse);
                }

                return next;

            case OrNode or:
                var alternative = onFalse;
                for (var i = or.Children.Count - 1; i >= 0; i--)
                {
                    alternative = Emit(or.Children[i], onTrue, alternative);
                }

                return alternative;

            default:
                throw new InvalidOperationException($"A rule with errors cannot be compiled ({node.GetType().Name}).");
        }
    }

    private FilterInstruction EmitValues(ConditionNode condition, int onTrue, int onFalse)
    {
        var field = condition.Field.Field;
        var sides = field is FilterField.Ip or FilterField.Port or FilterField.Interface or FilterField.Asi or FilterField.Mac
            or FilterField.As or FilterField.Country ? 2 : 1;
        if (condition.Field.IsEnriched)
        {
            // A database lookup per side: a binary search of up to about a million ranges.
            _cost += sides * LookupCost;
        }

        if (condition.Field.Kind != FilterValueKind.Address)
        {
            var ranges = FilterValueSets.Normalize(condition.Values.Numbers);
            var start = _numbers.Count;
            _numbers.AddRange(ranges);
            _cost += sides * FilterValueSets.SearchCost(ranges.Count);
            return new FilterInstruction(field, start, ranges.Count, onTrue, onFalse);
        }

        var groups = FilterValueSets.Group(condition.Values.Addresses);
        var first = _groups.Count;
        foreach (var (mask, intervals) in groups)
        {
            _groups.Add(new AddressGroup(mask, _intervals.Count, intervals.Count));
            _intervals.AddRange(intervals);
            _cost += sides * FilterValueSets.SearchCost(intervals.Count);
        }

        return new FilterInstruction(field, first, groups.Count, onTrue, onFalse);
    }
}

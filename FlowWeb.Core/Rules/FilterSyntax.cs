using System.Text;

namespace FlowWeb.Core.Rules;

/// <summary>
/// The parsed form of a rule. <c>and</c>/<c>or</c> chains are n-ary, so a long chain of conditions stays one level
/// deep and only parentheses and <c>not</c> add depth (which the parser bounds).
/// </summary>
internal abstract class FilterNode
{
    /// <summary>Binding strength when printed: or = 1, and = 2, not and conditions = 3.</summary>
    public abstract int Precedence { get; }

    public abstract void Write(StringBuilder text);
}

internal sealed class OrNode(List<FilterNode> children) : FilterNode
{
    public List<FilterNode> Children { get; } = children;

    public override int Precedence => 1;

    public override void Write(StringBuilder text) => WriteJoined(this, text, " or ");

    internal static void WriteJoined(FilterNode parent, StringBuilder text, string separator)
    {
        var children = parent is OrNode or ? or.Children : ((AndNode)parent).Children;
        for (var i = 0; i < children.Count; i++)
        {
            if (i > 0)
            {
                text.Append(separator);
            }

            var child = children[i];
            if (child.Precedence < parent.Precedence)
            {
                text.Append('(');
                child.Write(text);
                text.Append(')');
            }
            else
            {
                child.Write(text);
            }
        }
    }
}

internal sealed class AndNode(List<FilterNode> children) : FilterNode
{
    public List<FilterNode> Children { get; } = children;

    public override int Precedence => 2;

    public override void Write(StringBuilder text) => OrNode.WriteJoined(this, text, " and ");
}

internal sealed class NotNode(FilterNode operand) : FilterNode
{
    public FilterNode Operand { get; } = operand;

    public override int Precedence => 3;

    public override void Write(StringBuilder text)
    {
        text.Append("not ");
        if (Operand is AndNode or OrNode)
        {
            text.Append('(');
            Operand.Write(text);
            text.Append(')');
        }
        else
        {
            Operand.Write(text);
        }
    }
}

internal sealed class ConditionNode(string fieldName, FilterFieldInfo field, ConditionValues values) : FilterNode
{
    public string FieldName { get; } = fieldName;

    public FilterFieldInfo Field { get; } = field;

    public ConditionValues Values { get; } = values;

    public override int Precedence => 3;

    public override void Write(StringBuilder text) => text.Append(FieldName).Append('[').Append(Values.Text).Append(']');
}

/// <summary>Stands in for a part that did not parse, so that parsing can go on and report later errors.</summary>
internal sealed class ErrorNode : FilterNode
{
    public static readonly ErrorNode Instance = new();

    public override int Precedence => 3;

    public override void Write(StringBuilder text) => text.Append('?');
}

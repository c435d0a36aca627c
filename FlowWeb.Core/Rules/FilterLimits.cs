using System.Globalization;

namespace FlowWeb.Core.Rules;

/// <summary>
/// Bounds on a filter rule or channel definition, so that no rule anyone can save costs more than a known amount per
/// flow: its length in characters (which bounds parsing and memory) and its <see cref="FilterRule.Cost"/>, the most
/// comparisons one flow record can take. Set by <c>Limits:MaxFilterLength</c> and <c>Limits:MaxFilterCost</c>.
/// </summary>
public sealed record FilterLimits(int MaxLength, int MaxCost)
{
    public const string MaxLengthKey = "Limits:MaxFilterLength";
    public const string MaxCostKey = "Limits:MaxFilterCost";

    /// <summary>No bounds: for rules already accepted (a sensor being started) and for measurements.</summary>
    public static FilterLimits None { get; } = new(int.MaxValue, int.MaxValue);

    internal string? CheckLength(int length, string what) =>
        length <= MaxLength
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"the {what} is {length:N0} characters long, more than the limit of {MaxLength:N0} ({MaxLengthKey})");

    internal string? CheckCost(int cost, string what) =>
        cost <= MaxCost
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"the {what} can take {cost:N0} comparisons per flow, more than the budget of {MaxCost:N0} ({MaxCostKey}); {Advice}");

    private const string Advice = "list a field's values in one condition, e.g. IP[10.0.0.0/8,192.168.0.0/16], rather than many conditions";
}

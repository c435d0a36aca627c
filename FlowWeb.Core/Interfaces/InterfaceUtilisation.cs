using System.Globalization;
using System.Text.RegularExpressions;

namespace FlowWeb.Core.Interfaces;

/// <summary>Which way a sensor pinned to one interface counts it.</summary>
public enum InterfaceDirection
{
    Inbound,
    Outbound,

    /// <summary>Both ways together (<c>Interface[n]</c>): a full-duplex link can carry its speed each way, so up to 200 %.</summary>
    Both,
}

/// <summary>
/// A sensor that counts exactly one interface (its include filter is <c>InboundInterface[n]</c>,
/// <c>OutboundInterface[n]</c> or <c>Interface[n]</c> and nothing else) can show its traffic as a share of that
/// interface's speed, as an SNMP traffic sensor would.
/// </summary>
public static partial class InterfaceUtilisation
{
    /// <summary>The interface a filter pins, or null when it says anything else.</summary>
    public static (InterfaceDirection Direction, uint IfIndex)? PinnedBy(string? includeFilter)
    {
        if (string.IsNullOrWhiteSpace(includeFilter) || includeFilter.Length > 64)
        {
            return null;
        }

        var match = SingleInterface().Match(includeFilter);
        if (!match.Success || !uint.TryParse(match.Groups["index"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return null;
        }

        var direction = match.Groups["field"].Value.ToUpperInvariant() switch
        {
            "INBOUNDINTERFACE" => InterfaceDirection.Inbound,
            "OUTBOUNDINTERFACE" => InterfaceDirection.Outbound,
            _ => InterfaceDirection.Both,
        };
        return (direction, index);
    }

    [GeneratedRegex(@"^\s*(?<field>InboundInterface|OutboundInterface|Interface)\s*\[\s*(?<index>[0-9]{1,10})\s*\]\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 100)]
    private static partial Regex SingleInterface();
}

using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;

namespace FlowWeb.Core.Channels;

/// <summary>
/// The channels of one sensor and the classifier that picks a record's channel. Channel 0 is always Total
/// (every accepted record counts there as well), the last is always Other; <see cref="Classify"/> returns the index
/// of the one other channel a record belongs to. Built from the standard groups (<see cref="FromStandardGroups"/>) or
/// from a channel definition in PRTG's syntax (<see cref="FromDefinition"/>). Immutable and thread-safe.
/// </summary>
public sealed class ChannelSet
{
    public const int TotalIndex = 0;

    private const byte TcpProtocol = 6;
    private const byte UdpProtocol = 17;

    private readonly FilterProgram? _rules;
    private readonly int[] _channelOfEntry = [];
    private readonly int _otherTcpIndex;
    private readonly int _otherUdpIndex;

    private ChannelSet(List<ChannelInfo> channels, FilterProgram rules)
    {
        Channels = channels;
        OtherIndex = channels.Count - 1;
        _rules = rules;
    }

    private ChannelSet(List<ChannelInfo> channels, int[] channelOfEntry, int otherTcpIndex, int otherUdpIndex)
    {
        Channels = channels;
        OtherIndex = channels.Count - 1;
        _channelOfEntry = channelOfEntry;
        _otherTcpIndex = otherTcpIndex;
        _otherUdpIndex = otherUdpIndex;
    }

    /// <summary>Total, then the configured channels in order, then Other.</summary>
    public IReadOnlyList<ChannelInfo> Channels { get; }

    public int OtherIndex { get; }

    /// <summary>True for a set built from a channel definition.</summary>
    public bool IsCustom => _rules is not null;

    /// <summary>
    /// The standard groups: No accounts a group's traffic to Other, Yes gives it one channel, Detail one channel per
    /// protocol (see <see cref="StandardChannelMap"/>). Other Protocols takes TCP and UDP traffic that no group lists.
    /// </summary>
    public static ChannelSet FromStandardGroups(StandardGroupSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var channels = new List<ChannelInfo> { TotalChannel };
        var channelOfEntry = new int[StandardChannelMap.Protocols.Count + 1];
        int otherTcp = -1, otherUdp = -1;
        foreach (var group in StandardChannelMap.Groups)
        {
            var members = StandardChannelMap.Protocols.Where(p => p.Group == group.Group).ToList();
            var mode = selection[group.Group];
            var groupIndex = channels.Count;
            if (mode == ChannelGroupMode.Yes)
            {
                var description = group.Group == StandardChannelGroup.OtherProtocols
                    ? "TCP and UDP traffic on ports no group lists"
                    : string.Join("; ", members.Select(m => $"{m.Name} ({m.Description})"));
                channels.Add(new ChannelInfo(group.ChannelId, group.Name, null, description));
            }

            for (var i = 0; i < StandardChannelMap.Protocols.Count; i++)
            {
                var protocol = StandardChannelMap.Protocols[i];
                if (protocol.Group != group.Group || mode == ChannelGroupMode.No)
                {
                    continue;
                }

                if (mode == ChannelGroupMode.Detail)
                {
                    channelOfEntry[i + 1] = channels.Count;
                    channels.Add(new ChannelInfo(protocol.ChannelId, protocol.Name, null, protocol.Description));
                }
                else
                {
                    channelOfEntry[i + 1] = groupIndex;
                }
            }

            if (group.Group == StandardChannelGroup.OtherProtocols && mode != ChannelGroupMode.No)
            {
                otherTcp = groupIndex;
                otherUdp = groupIndex;
                if (mode == ChannelGroupMode.Detail)
                {
                    channels.Add(new ChannelInfo(StandardChannelMap.OtherTcpChannelId, "Other TCP", null, "TCP traffic on ports no group lists"));
                    channels.Add(new ChannelInfo(StandardChannelMap.OtherUdpChannelId, "Other UDP", null, "UDP traffic on ports no group lists"));
                    otherUdp = groupIndex + 1;
                }
            }
        }

        var other = channels.Count;
        channels.Add(OtherChannel);
        for (var i = 1; i < channelOfEntry.Length; i++)
        {
            if (channelOfEntry[i] == 0)
            {
                channelOfEntry[i] = other;
            }
        }

        channelOfEntry[0] = other;
        return new ChannelSet(channels, channelOfEntry, otherTcp < 0 ? other : otherTcp, otherUdp < 0 ? other : otherUdp);
    }

    /// <summary>Parses a channel definition (see <see cref="ChannelDefinitionParser"/>); on failure every error found, by line and column.</summary>
    public static ChannelDefinitionResult FromDefinition(string? text) => ChannelDefinitionParser.Parse(text, FilterLimits.None);

    /// <summary>Parses a channel definition within <paramref name="limits"/> (length, and the cost of all its rules together).</summary>
    public static ChannelDefinitionResult FromDefinition(string? text, FilterLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return ChannelDefinitionParser.Parse(text, limits);
    }

    /// <summary>The most comparisons classifying one record can take (a table lookup, 1, for the standard groups).</summary>
    public int Cost => _rules?.Cost ?? 1;

    internal static ChannelSet FromRules(IReadOnlyList<(ChannelInfo Channel, FilterRule Rule)> definitions)
    {
        var channels = new List<ChannelInfo>(definitions.Count + 2) { TotalChannel };
        var roots = new FilterNode?[definitions.Count];
        for (var i = 0; i < definitions.Count; i++)
        {
            channels.Add(definitions[i].Channel);
            roots[i] = definitions[i].Rule.Root;
        }

        channels.Add(OtherChannel);

        // One program for all rules: rule i matching ends on channel i + 1, failing jumps to rule i + 1's first test.
        return new ChannelSet(channels, FilterCompiler.CompileFirstMatch(roots, channels.Count - 1));
    }

    /// <summary>
    /// The index in <see cref="Channels"/> of the channel the record is accounted to (besides Total):
    /// for a custom set the first rule that matches (all rules run as one compiled program), for standard groups a table lookup by protocol and port;
    /// <see cref="OtherIndex"/> when nothing matches. Allocates nothing. AS and country conditions look up in <paramref name="enrichment"/>.
    /// </summary>
    public int Classify(in FlowRecord record, FlowAddress exporter, IpEnrichment? enrichment = null)
    {
        if (_rules is { } rules)
        {
            return rules.Run(in record, in exporter, enrichment ?? IpEnrichment.None);
        }

        int entry;
        var protocol = record.Protocol;
        if (protocol is TcpProtocol or UdpProtocol)
        {
            var ports = protocol == TcpProtocol ? StandardChannelMap.TcpPortEntry : StandardChannelMap.UdpPortEntry;
            int low = record.SrcPort, high = record.DstPort;
            if (low > high)
            {
                (low, high) = (high, low);
            }

            entry = ports[low];
            if (entry == 0)
            {
                entry = ports[high];
                if (entry == 0)
                {
                    return protocol == TcpProtocol ? _otherTcpIndex : _otherUdpIndex;
                }
            }
        }
        else
        {
            entry = StandardChannelMap.IpProtocolEntry[protocol];
        }

        return _channelOfEntry[entry];
    }

    /// <summary>A custom set's definition in normalised form (one header and one rule line per channel).</summary>
    public string ToDefinitionText() =>
        IsCustom ? ChannelDefinitionParser.Format(this) : throw new InvalidOperationException("A standard channel set has no channel definition.");

    /// <summary>The index of the channel with this id, or -1.</summary>
    public int IndexOf(int channelId)
    {
        for (var i = 0; i < Channels.Count; i++)
        {
            if (Channels[i].Id == channelId)
            {
                return i;
            }
        }

        return -1;
    }

    private static ChannelInfo TotalChannel { get; } = new(ChannelIds.Total, "Total", null, "all traffic the sensor accepts");

    private static ChannelInfo OtherChannel { get; } = new(ChannelIds.Other, "Other", null, "traffic no other channel takes");
}

using System.Globalization;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Api;

/// <summary>
/// Turns toplist keys back into the columns of their toplist type. The key packs its parts positionally (see
/// <see cref="ToplistKeys"/>): which part holds what depends on the type and, for custom toplists, on the order of
/// the fields, so this mirrors that packing. Each address comes with its host name when reverse DNS knows it (both
/// switches on: global and the toplist's); rows within the toplist's top count queue a lookup for a missing name,
/// so that a later call has it, as a page showing them would.
/// </summary>
internal static class ToplistRows
{
    public static ToplistResponse Response(Guid sensorId, ToplistDefinition toplist, ToplistPeriodResult period, bool running, int count, ReverseDnsResolver? resolver = null,
        IpEnrichment? enrichment = null)
    {
        ArgumentNullException.ThrowIfNull(toplist);
        ArgumentNullException.ThrowIfNull(period);
        var resolve = resolver.Resolves(toplist);
        return new(
            sensorId, toplist.Id, toplist.Name, toplist.Type, period.Start, period.End, running, period.TotalBytes, period.TotalPackets, period.TotalFlows,
            period.DistinctKeys, period.Approximate, period.ErrorBound,
            [.. period.Rows.Take(count).Select((row, i) => Row(toplist, row, i + 1, period.TotalBytes,
                resolve ? resolver!.Names(row.Key, request: i < toplist.Count) : default, enrichment))]);
    }

    /// <param name="enrichment">When given, each address gets its AS and country beside it (looked up now, for the rows returned only).</param>
    public static ToplistRowResponse Row(ToplistDefinition toplist, ToplistRow row, int rank, long totalBytes, HostNamePair names = default, IpEnrichment? enrichment = null)
    {
        ArgumentNullException.ThrowIfNull(toplist);
        var key = row.Key;
        var counts = new ToplistRowResponse
        {
            Rank = rank,
            Bytes = row.Bytes,
            Packets = row.Packets,
            Flows = row.Flows,
            Share = totalBytes > 0 ? (double)row.Bytes / totalBytes : 0,
            Approximate = row.ErrorBytes > 0,
            ErrorBytes = row.ErrorBytes,
        };

        var (ownerA, ownerB) = (enrichment ?? IpEnrichment.None).OwnersOf(toplist, key, names);
        return toplist.Type switch
        {
            ToplistType.TopConnections => counts with
            {
                SourceOwner = AddressOwnerResponse.From(ownerA),
                DestinationOwner = AddressOwnerResponse.From(ownerB),
                SourceAddress = Text(key.A),
                SourceHostName = names.A,
                DestinationAddress = Text(key.B),
                DestinationHostName = names.B,
                SourcePort = key.Port1,
                DestinationPort = key.Port2,
                Protocol = key.Protocol,
                ProtocolName = IpProtocols.Name(key.Protocol),
                Label = $"{Endpoint(key.A, key.Port1)} -> {Endpoint(key.B, key.Port2)} {IpProtocols.Name(key.Protocol)}",
            },
            ToplistType.TopTalkers => counts with
            {
                Address = Text(key.A),
                HostName = names.A,
                Owner = AddressOwnerResponse.From(ownerA),
                PeerOwner = AddressOwnerResponse.From(ownerB),
                PeerAddress = Text(key.B),
                PeerHostName = names.B,
                Label = $"{Text(key.A)} <-> {Text(key.B)}",
            },
            ToplistType.TopProtocols => counts with
            {
                Protocol = key.Protocol,
                ProtocolName = IpProtocols.Name(key.Protocol),
                Port = key.Port1 == 0 ? null : key.Port1,
                Label = key.Port1 == 0 ? IpProtocols.Name(key.Protocol) : $"{IpProtocols.Name(key.Protocol)}/{key.Port1}",
            },
            ToplistType.TopSourceIp => counts with { SourceAddress = Text(key.A), SourceHostName = names.A, SourceOwner = AddressOwnerResponse.From(ownerA), Label = Text(key.A) },
            ToplistType.TopDestinationIp => counts with { DestinationAddress = Text(key.A), DestinationHostName = names.A, DestinationOwner = AddressOwnerResponse.From(ownerA), Label = Text(key.A) },
            ToplistType.TopIp => counts with { Address = Text(key.A), HostName = names.A, Owner = AddressOwnerResponse.From(ownerA), Label = Text(key.A) },
            ToplistType.TopSourceAs => counts with { SourceAs = key.Number1, SourceAsName = ownerA?.AsName, Label = AsLabel(ownerA?.AsName, key.Number1) },
            ToplistType.TopDestinationAs => counts with { DestinationAs = key.Number1, DestinationAsName = ownerA?.AsName, Label = AsLabel(ownerA?.AsName, key.Number1) },
            ToplistType.TopCountries => counts with
            {
                Country = CountryCode.Unpack(key.Number1) ?? ToplistKeys.Unknown,
                CountryName = ownerA?.CountryName,
                Label = CountryCode.Unpack(key.Number1) is { } code && ownerA?.CountryName is { } name ? $"{code} {name}" : CountryCode.Unpack(key.Number1) ?? ToplistKeys.Unknown,
            },
            _ => Custom(toplist.Fields, key, counts, names, (ownerA, ownerB)),
        };
    }

    private static ToplistRowResponse Custom(IReadOnlyList<ToplistField> fields, ToplistKey key, ToplistRowResponse row, HostNamePair names,
        (AddressOwner? A, AddressOwner? B) owners)
    {
        int addresses = 0, ports = 0, numbers = 0;
        var label = new List<string>(fields.Count);
        foreach (var field in fields)
        {
            string text;
            switch (field)
            {
                case ToplistField.SourceIp or ToplistField.DestinationIp or ToplistField.NextHop:
                    var first = addresses++ == 0;
                    text = Text(first ? key.A : key.B);
                    var name = first ? names.A : names.B;
                    var owner = AddressOwnerResponse.From(first ? owners.A : owners.B);
                    row = field switch
                    {
                        ToplistField.SourceIp => row with { SourceAddress = text, SourceHostName = name, SourceOwner = owner },
                        ToplistField.DestinationIp => row with { DestinationAddress = text, DestinationHostName = name, DestinationOwner = owner },
                        _ => row with { NextHop = text, NextHopHostName = name },
                    };
                    break;
                case ToplistField.SourcePort or ToplistField.DestinationPort:
                    var port = ports++ == 0 ? key.Port1 : key.Port2;
                    text = port.ToString(CultureInfo.InvariantCulture);
                    row = field == ToplistField.SourcePort ? row with { SourcePort = port } : row with { DestinationPort = port };
                    break;
                case ToplistField.Protocol:
                    text = IpProtocols.Name(key.Protocol);
                    row = row with { Protocol = key.Protocol, ProtocolName = text };
                    break;
                default:
                    var number = numbers++ == 0 ? key.Number1 : key.Number2;
                    text = number.ToString(CultureInfo.InvariantCulture);
                    row = field switch
                    {
                        ToplistField.InboundInterface => row with { InboundInterface = number },
                        ToplistField.OutboundInterface => row with { OutboundInterface = number },
                        ToplistField.SourceAs => row with { SourceAs = number },
                        ToplistField.DestinationAs => row with { DestinationAs = number },
                        ToplistField.Dscp => row with { Dscp = number },
                        _ => row with { Vlan = number },
                    };
                    break;
            }

            label.Add($"{field}={text}");
        }

        return row with { Label = string.Join(' ', label) };
    }

    private static string Text(FlowAddress address) => address.ToString();

    private static string AsLabel(string? name, uint asn) => name is { } n ? $"{ToplistKeys.AsText(asn)} {n}" : ToplistKeys.AsText(asn);

    private static string Endpoint(FlowAddress address, ushort port) =>
        address.IsIPv4 ? $"{address}:{port}" : $"[{address}]:{port}";
}

using System.Globalization;
using System.Net;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Detection;

/// <summary>
/// An IPv4 or IPv6 network (<c>203.0.113.0/24</c>, <c>2001:db8::/32</c>, or a bare address as a host route) over
/// <see cref="FlowAddress"/>'s 128 bits: an IPv4 prefix of length n is the IPv4-mapped prefix of length 96 + n, so
/// one comparison serves both families.
/// </summary>
public readonly record struct IpPrefix(FlowAddress Network, int Length)
{
    /// <summary>Length in the address family's own terms (0-32 for IPv4, 0-128 for IPv6).</summary>
    public int FamilyLength => Network.IsIPv4 ? Length - 96 : Length;

    public bool IsIPv4 => Network.IsIPv4;

    public bool Contains(FlowAddress address) => Mask(address, Length) == Network;

    /// <summary>The address with every bit after <paramref name="length"/> (of 128) cleared.</summary>
    public static FlowAddress Mask(FlowAddress address, int length) => length switch
    {
        <= 0 => default,
        >= 128 => address,
        <= 64 => new FlowAddress(address.High & (~0UL << (64 - length)), 0),
        _ => new FlowAddress(address.High, address.Low & (~0UL << (128 - length))),
    };

    /// <summary>The IPv4 /<paramref name="v4Length"/> or IPv6 /<paramref name="v6Length"/> holding the address.</summary>
    public static IpPrefix Of(FlowAddress address, int v4Length, int v6Length)
    {
        var length = address.IsIPv4 ? 96 + v4Length : v6Length;
        return new IpPrefix(Mask(address, length), length);
    }

    public static bool TryParse(string? text, out IpPrefix prefix, out string? error)
    {
        prefix = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "an address or prefix is required";
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var ip) || addressText.Contains('%', StringComparison.Ordinal))
        {
            error = $"'{text}' is not an IPv4 or IPv6 address or prefix";
            return false;
        }

        var address = FlowAddress.FromIPAddress(ip);
        var familyMax = address.IsIPv4 ? 32 : 128;
        var length = familyMax;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > familyMax))
        {
            error = $"'{text}': the prefix length must be 0 to {familyMax}";
            return false;
        }

        var full = address.IsIPv4 ? 96 + length : length;
        var network = Mask(address, full);
        if (network != address)
        {
            error = $"'{text}' has host bits set (the network is {new IpPrefix(network, full)})";
            return false;
        }

        prefix = new IpPrefix(network, full);
        error = null;
        return true;
    }

    public static IpPrefix Parse(string text) =>
        TryParse(text, out var prefix, out var error) ? prefix : throw new FormatException(error);

    public override string ToString() => $"{Network}/{FamilyLength.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The address alone for a host route (/32, /128), else the prefix.</summary>
    public string ToHostOrPrefixString() => Length == 128 ? Network.ToString() : ToString();
}

/// <summary>
/// A set of prefixes with a value each, answering "which is the longest prefix holding this address" with one
/// hash probe per distinct prefix length (a handful in practice), without allocating. Immutable once built.
/// </summary>
public sealed class PrefixTable<T>
{
    private readonly int[] _lengths;
    private readonly Dictionary<FlowAddress, T>[] _byLength;

    public PrefixTable(IEnumerable<(IpPrefix Prefix, T Value)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var groups = new SortedDictionary<int, Dictionary<FlowAddress, T>>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
        foreach (var (prefix, value) in entries)
        {
            if (!groups.TryGetValue(prefix.Length, out var map))
            {
                groups[prefix.Length] = map = [];
            }

            // The first entry for a network wins: earlier lists (a sensor's) come before later ones (the global).
            map.TryAdd(prefix.Network, value);
            Count++;
        }

        _lengths = [.. groups.Keys];
        _byLength = [.. groups.Values];
    }

    public int Count { get; }

    public bool IsEmpty => _lengths.Length == 0;

    public bool TryMatch(FlowAddress address, out T value)
    {
        for (var i = 0; i < _lengths.Length; i++)
        {
            if (_byLength[i].TryGetValue(IpPrefix.Mask(address, _lengths[i]), out value!))
            {
                return true;
            }
        }

        value = default!;
        return false;
    }

    public bool Contains(FlowAddress address) => TryMatch(address, out _);
}

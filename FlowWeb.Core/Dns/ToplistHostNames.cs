using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Dns;

/// <summary>The names of a toplist key's two address parts (<see cref="ToplistKey.A"/> and <see cref="ToplistKey.B"/>); null where none is known.</summary>
public readonly record struct HostNamePair(string? A, string? B)
{
    public bool IsEmpty => A is null && B is null && !OwnersRecorded;

    /// <summary>
    /// Whether <see cref="OwnerA"/> and <see cref="OwnerB"/> are what the AS and country databases said when a stored
    /// period closed (then they are shown as they are, also when null); false: look the owners up now.
    /// </summary>
    public bool OwnersRecorded { get; init; }

    /// <summary>Of the A address (or, in an AS or country toplist, of the key's AS or country).</summary>
    public Enrichment.AddressOwner? OwnerA { get; init; }

    public Enrichment.AddressOwner? OwnerB { get; init; }
}

/// <summary>
/// Reverse DNS for toplist rows. A toplist's rows get names only while both switches are on: the global one
/// (<c>ReverseDns:Enabled</c>, a DNS server known) and the toplist's own (<see cref="ToplistDefinition.ReverseDns"/>).
/// Only the address parts of a key are looked up (a Top Protocols key has none). Nothing here waits for DNS.
/// </summary>
public static class ToplistHostNames
{
    /// <summary>Whether rows of <paramref name="toplist"/> get names.</summary>
    public static bool Resolves(this ReverseDnsResolver? resolver, ToplistDefinition toplist)
    {
        ArgumentNullException.ThrowIfNull(toplist);
        return resolver is { IsEnabled: true } && toplist.ReverseDns;
    }

    /// <summary>
    /// The cached names of the key's addresses; with <paramref name="request"/> a lookup is queued for each address
    /// that has no cached answer yet, so that a later call (or a subscriber) gets it.
    /// </summary>
    public static HostNamePair Names(this ReverseDnsResolver resolver, in ToplistKey key, bool request)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return new HostNamePair(Name(resolver, key.A, request), Name(resolver, key.B, request));
    }

    /// <summary>
    /// Names for the rows of a period as they are known now (the cache only), or null when the toplist does not
    /// resolve or no row has a name. With <paramref name="request"/> missing names are queued for lookup.
    /// </summary>
    public static HostNamePair[]? NamesOf(this ReverseDnsResolver? resolver, ToplistDefinition toplist, IReadOnlyList<ToplistRow> rows, bool request)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (!resolver.Resolves(toplist))
        {
            return null;
        }

        var names = new HostNamePair[rows.Count];
        var any = false;
        for (var i = 0; i < rows.Count; i++)
        {
            names[i] = resolver!.Names(rows[i].Key, request);
            any |= !names[i].IsEmpty;
        }

        return any ? names : null;
    }

    private static string? Name(ReverseDnsResolver resolver, Flows.FlowAddress address, bool request) =>
        address.IsNone ? null : request ? resolver.NameOrRequest(address) : resolver.NameOrNull(address);
}

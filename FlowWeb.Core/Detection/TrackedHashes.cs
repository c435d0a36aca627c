namespace FlowWeb.Core.Detection;

/// <summary>
/// A detector's tracked keys as its receive threads look them up (<see cref="SecondTable.HashOf"/>): hosts (destinations
/// and protected sources), which a shard adds to its filter of keys that take their own slot at once, and destination
/// prefixes, whose light counts it starts at their slot's gate (see <see cref="DetectionShard"/>). At most
/// <see cref="MaxHosts"/> and <see cref="MaxPrefixes"/>, keys under attack first: more would make most light keys
/// answer "maybe" (hundreds of thousands can be tracked); a tracked key beyond them takes its slot once its second
/// reaches the gate, as any other.
/// </summary>
internal sealed class TrackedHashes(ulong[] hosts, ulong[] prefixes)
{
    /// <summary>With the heavy hosts (as many), about 5 % of light hosts answer "maybe" (see <see cref="KeyFilter"/>).</summary>
    public const int MaxHosts = 4096;

    /// <summary>Two of the 32,768 light counters each: about 0.4 % of light prefixes share both counters with one of them.</summary>
    public const int MaxPrefixes = 1024;

    public static readonly TrackedHashes None = new([], []);

    public ulong[] Hosts { get; } = hosts;

    public ulong[] Prefixes { get; } = prefixes;

    public static TrackedHashes Of(IReadOnlyCollection<KeyState> states)
    {
        var hosts = new List<ulong>();
        var prefixes = new List<ulong>();
        void Take(DetectionKey key)
        {
            var (list, max) = key.Kind == KeyKind.IncomingPrefix ? (prefixes, MaxPrefixes) : (hosts, MaxHosts);
            if (list.Count < max)
            {
                list.Add(SecondTable.HashOf(key.Address, key.Kind));
            }
        }

        foreach (var state in states.Where(s => s.Attack is not null))
        {
            Take(state.Key);
        }

        foreach (var state in states.Where(s => s.Attack is null))
        {
            Take(state.Key);
        }

        return new TrackedHashes([.. hosts], [.. prefixes]);
    }
}

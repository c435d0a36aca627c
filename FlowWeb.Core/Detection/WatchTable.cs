namespace FlowWeb.Core.Detection;

/// <summary>
/// The watched keys (candidates, attacks) with their index in a second's evidence, replaced whole when they change.
/// A sealed class over a <see cref="Dictionary{TKey, TValue}"/> rather than an interface: a receive thread asks for
/// <see cref="Count"/> on every record, and an interface call on a dictionary that is sometimes the empty frozen one and
/// sometimes another type went through the runtime's polymorphic dispatch stub each time.
/// </summary>
internal sealed class WatchTable
{
    public static readonly WatchTable Empty = new([]);

    private readonly Dictionary<DetectionKey, int> _indexes;

    public WatchTable(Dictionary<DetectionKey, int> indexes)
    {
        _indexes = indexes;
        Count = indexes.Count;
        foreach (var key in indexes.Keys)
        {
            if (key.Kind == KeyKind.IncomingPrefix)
            {
                Prefixes.Add(SecondTable.HashOf(key.Address, key.Kind));
            }
        }
    }

    public int Count { get; }

    /// <summary>
    /// The watched destination prefixes by hash (filled before the table is published, read-only after): a receive thread
    /// tells that a prefix is surely not watched with one read, without looking it up (see <see cref="DetectionShard"/>'s
    /// estimated prefix counts).
    /// </summary>
    public KeyFilter Prefixes { get; } = new();

    public bool TryGetValue(in DetectionKey key, out int index) => _indexes.TryGetValue(key, out index);
}

namespace FlowWeb.Core.Detection.Evidence;

/// <summary>
/// The heaviest keys of a stream in fixed memory (Metwally et al.'s Space-Saving, by packets): a key not counted
/// takes the place of the lightest and inherits its count as its error. Small capacities (tens) only: lookups are
/// a linear scan, which for 16-64 entries beats hashing. Used for an attack's top sources and ports.
/// </summary>
internal sealed class SpaceSaving<TKey>(int capacity)
    where TKey : struct, IEquatable<TKey>
{
    private readonly TKey[] _keys = new TKey[capacity];
    private readonly double[] _packets = new double[capacity];
    private readonly double[] _bytes = new double[capacity];
    private readonly double[] _error = new double[capacity];

    public int Count { get; private set; }

    public int Capacity => capacity;

    public void Add(TKey key, double packets, double bytes, double error = 0)
    {
        for (var i = 0; i < Count; i++)
        {
            if (_keys[i].Equals(key))
            {
                _packets[i] += packets;
                _bytes[i] += bytes;
                _error[i] += error;
                return;
            }
        }

        if (Count < capacity)
        {
            _keys[Count] = key;
            _packets[Count] = packets;
            _bytes[Count] = bytes;
            _error[Count] = error;
            Count++;
            return;
        }

        var min = 0;
        for (var i = 1; i < Count; i++)
        {
            if (_packets[i] < _packets[min])
            {
                min = i;
            }
        }

        // The newcomer may have had up to the evicted count before: that is its error bound.
        var inherited = _packets[min];
        _keys[min] = key;
        _packets[min] = inherited + packets;
        _bytes[min] = bytes;
        _error[min] = inherited + error;
    }

    /// <summary>Adds every entry of another summary (for merging seconds and receive threads).</summary>
    public void Merge(SpaceSaving<TKey> other, double scale = 1)
    {
        for (var i = 0; i < other.Count; i++)
        {
            Add(other._keys[i], other._packets[i] * scale, other._bytes[i] * scale, other._error[i] * scale);
        }
    }

    public void Clear() => Count = 0;

    /// <summary>The entries by packets, heaviest first.</summary>
    public List<(TKey Key, double Packets, double Bytes, double Error)> Top(int count)
    {
        var list = new List<(TKey, double, double, double)>(Count);
        for (var i = 0; i < Count; i++)
        {
            list.Add((_keys[i], _packets[i], _bytes[i], _error[i]));
        }

        list.Sort((a, b) => b.Item2.CompareTo(a.Item2));
        return list.Count > count ? list[..count] : list;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FlowWeb.Core.Aggregation;

/// <summary>One ranked entry of a toplist; with <see cref="ErrorBytes"/> &gt; 0 the counters are upper bounds.</summary>
public readonly record struct ToplistRow(ToplistKey Key, long Bytes, long Packets, long Flows, long ErrorBytes);

/// <summary>
/// Traffic per key for one toplist period, ranked by bytes. Exact while the distinct keys fit
/// <c>capacity</c>; beyond it the Space-Saving algorithm (Metwally, Agrawal, El Abbadi 2005) takes over with
/// the same memory: a new key replaces the smallest entry and inherits its count as its error. Every
/// reported count then overestimates the truth by at most <see cref="ErrorBound"/>, which itself is at most
/// total bytes / capacity, and every key with more than that much traffic is in the list. Not thread-safe.
/// </summary>
public sealed class TopList
{
    private struct Entry
    {
        public ToplistKey Key;
        public long Bytes;
        public long Packets;
        public long Flows;
        public long Error;
    }

    private readonly int _capacity;

    // Exact mode: the counters live next to their key in an open-addressing table (one cache miss per update).
    // Space-Saving mode: slots in an array, indexed by key, with a heap.
    private ExactCounters? _exact;
    private readonly Dictionary<ToplistKey, int> _index;
    private Entry[] _entries;
    private int _count;

    // Space-Saving: a min-heap of entry slots by bytes, and each slot's position in it.
    private int[]? _heap;
    private int[]? _heapPos;

    public TopList(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _exact = new ExactCounters(capacity);
        _index = [];
        _entries = [];
    }

    public int Capacity => _capacity;

    public int Count => _exact?.Count ?? _count;

    public bool IsApproximate => _exact is null;

    /// <summary>Largest overestimate any entry can carry (0 while exact).</summary>
    public long ErrorBound => _heap is null || _count == 0 ? 0 : _entries[_heap[0]].Bytes;

    public long TotalBytes { get; private set; }

    public long TotalPackets { get; private set; }

    public long TotalFlows { get; private set; }

    public void Add(in ToplistKey key, long bytes, long packets, long flows = 1)
    {
        TotalBytes += bytes;
        TotalPackets += packets;
        TotalFlows += flows;

        if (_exact is not null)
        {
            ref var c = ref _exact.Find(key, _capacity);
            if (!Unsafe.IsNullRef(ref c))
            {
                c.Bytes += bytes;
                c.Packets += packets;
                c.Flows += flows;
                return;
            }

            SwitchToSpaceSaving();
        }

        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_index, key, out var exists);
        if (exists)
        {
            ref var e = ref _entries[slot];
            e.Bytes += bytes;
            e.Packets += packets;
            e.Flows += flows;
            SiftDown(_heapPos![slot]);
            return;
        }

        // Replace the smallest entry: the newcomer inherits its counts as error (Space-Saving).
        var victim = _heap![0];
        ref var v = ref _entries[victim];
        _index.Remove(v.Key);
        _index[key] = victim;
        v.Key = key;
        v.Error = v.Bytes;
        v.Bytes += bytes;
        v.Packets += packets;
        v.Flows += flows;
        SiftDown(0);
    }

    /// <summary>The <paramref name="n"/> entries with the most bytes, largest first.</summary>
    public List<ToplistRow> Top(int n)
    {
        n = Math.Min(n, Count);
        var result = new List<ToplistRow>(n);
        if (n == 0)
        {
            return result;
        }

        if (_exact is not null)
        {
            var slots = _exact.Slots;
            var bestExact = new PriorityQueue<int, long>(n + 1);
            for (var i = 0; i < slots.Length; i++)
            {
                ref readonly var c = ref slots[i];
                if (c.Hash == 0)
                {
                    continue;
                }

                if (bestExact.Count < n)
                {
                    bestExact.Enqueue(i, c.Bytes);
                }
                else if (bestExact.TryPeek(out _, out var smallest) && c.Bytes > smallest)
                {
                    bestExact.DequeueEnqueue(i, c.Bytes);
                }
            }

            while (bestExact.TryDequeue(out var i, out _))
            {
                ref readonly var c = ref slots[i];
                result.Add(new ToplistRow(c.Key, c.Bytes, c.Packets, c.Flows, 0));
            }

            result.Reverse();
            return result;
        }

        // A min-heap of the best n slots seen so far: O(count log n).
        var best = new PriorityQueue<int, long>(n + 1);
        for (var i = 0; i < _count; i++)
        {
            if (best.Count < n)
            {
                best.Enqueue(i, _entries[i].Bytes);
            }
            else if (best.TryPeek(out _, out var smallest) && _entries[i].Bytes > smallest)
            {
                best.DequeueEnqueue(i, _entries[i].Bytes);
            }
        }

        while (best.TryDequeue(out var slot, out _))
        {
            ref var e = ref _entries[slot];
            result.Add(new ToplistRow(e.Key, e.Bytes, e.Packets, e.Flows, e.Error));
        }

        result.Reverse();
        return result;
    }

    /// <summary>Every entry, unordered (for merging shards' tables).</summary>
    internal IEnumerable<ToplistRow> All()
    {
        if (_exact is not null)
        {
            for (var i = 0; i < _exact.Slots.Length; i++)
            {
                var c = _exact.Slots[i];
                if (c.Hash != 0)
                {
                    yield return new ToplistRow(c.Key, c.Bytes, c.Packets, c.Flows, 0);
                }
            }

            yield break;
        }

        for (var i = 0; i < _count; i++)
        {
            var e = _entries[i];
            yield return new ToplistRow(e.Key, e.Bytes, e.Packets, e.Flows, e.Error);
        }
    }

    /// <summary>Empties the list for a new period, keeping its arrays (trimmed when a period left them very large).</summary>
    public void Clear()
    {
        if (_exact is null || !_exact.Clear())
        {
            _exact = new ExactCounters(_capacity);
        }

        _index.Clear();
        _index.TrimExcess();
        _entries = [];
        _count = 0;
        _heap = null;
        _heapPos = null;
        TotalBytes = TotalPackets = TotalFlows = 0;
    }

    /// <summary>The list is full: move the exact counters into slots with an index and a min-heap, and free the dictionary.</summary>
    private void SwitchToSpaceSaving()
    {
        _entries = new Entry[_capacity];
        _index.EnsureCapacity(_capacity + 1);
        foreach (ref readonly var c in _exact!.Slots)
        {
            if (c.Hash != 0)
            {
                _entries[_count] = new Entry { Key = c.Key, Bytes = c.Bytes, Packets = c.Packets, Flows = c.Flows };
                _index[c.Key] = _count++;
            }
        }

        _exact = null;
        BuildHeap();
    }

    private void BuildHeap()
    {
        _heap = new int[_count];
        _heapPos = new int[_count];
        for (var i = 0; i < _count; i++)
        {
            _heap[i] = i;
            _heapPos[i] = i;
        }

        for (var i = (_count / 2) - 1; i >= 0; i--)
        {
            SiftDown(i);
        }
    }

    private void SiftDown(int position)
    {
        var heap = _heap!;
        var count = heap.Length;
        while (true)
        {
            var left = (2 * position) + 1;
            if (left >= count)
            {
                return;
            }

            var smallest = left;
            var right = left + 1;
            if (right < count && _entries[heap[right]].Bytes < _entries[heap[left]].Bytes)
            {
                smallest = right;
            }

            if (_entries[heap[smallest]].Bytes >= _entries[heap[position]].Bytes)
            {
                return;
            }

            (heap[position], heap[smallest]) = (heap[smallest], heap[position]);
            _heapPos![heap[position]] = position;
            _heapPos[heap[smallest]] = smallest;
            position = smallest;
        }
    }
}

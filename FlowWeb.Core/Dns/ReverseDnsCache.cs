using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Dns;

/// <summary>
/// Answers by address, each until its own expiry, at most <c>maxEntries</c> of them: when full, the least recently
/// read or written entry goes first. An expired entry is dropped when it is next read (or when it reaches the
/// tail), so <see cref="Count"/> may include a few stale entries until then. Pages read it from many threads, the
/// lookup worker writes it; one short lock covers both.
/// </summary>
internal sealed class ReverseDnsCache(int maxEntries, TimeProvider time)
{
    private readonly Dictionary<FlowAddress, LinkedListNode<ReverseDnsName>> _entries = [];

    // Most recently used first.
    private readonly LinkedList<ReverseDnsName> _recency = new();
    private readonly Lock _lock = new();
    private long _evictions;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Entries pushed out to make room for newer ones (expired entries dropped on read are not counted).</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>The unexpired answer for <paramref name="address"/>, which becomes the most recently used.</summary>
    public bool TryGet(FlowAddress address, out ReverseDnsName entry)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(address, out var node))
            {
                if (node.Value.ExpiresAt > now)
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    entry = node.Value;
                    return true;
                }

                _recency.Remove(node);
                _entries.Remove(address);
            }
        }

        entry = default;
        return false;
    }

    /// <summary>Stores (or replaces) the answer for its address, evicting the least recently used beyond the bound.</summary>
    public void Set(ReverseDnsName entry)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(entry.Address, out var node))
            {
                node.Value = entry;
                _recency.Remove(node);
                _recency.AddFirst(node);
                return;
            }

            while (_entries.Count >= maxEntries && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Address);
                Interlocked.Increment(ref _evictions);
            }

            _entries.Add(entry.Address, _recency.AddFirst(entry));
        }
    }
}

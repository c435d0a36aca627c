using System.Buffers;
using FlowWeb.Core.Decoding.Templates;

namespace FlowWeb.Core.Decoding;

/// <summary>
/// Data sets that arrived before their template (RouterOS resends templates only every 20 packets or 30
/// minutes), held with their packet's time context and released when the template arrives. Bounded in sets,
/// bytes, sets per template and age; whatever is dropped is reported to the caller to be counted.
/// </summary>
internal sealed class PendingDataStore
{
    internal sealed class PendingSet
    {
        public required byte[] Buffer { get; init; }
        public required int Length { get; init; }
        public required PacketContext Context { get; init; }
        public required long ArrivedMs { get; init; }

        public ReadOnlySpan<byte> Data => Buffer.AsSpan(0, Length);
    }

    private readonly Dictionary<TemplateKey, Queue<PendingSet>> _sets = [];
    private readonly DecoderOptions _options;

    public PendingDataStore(DecoderOptions options) => _options = options;

    public int SetCount { get; private set; }

    public long ByteCount { get; private set; }

    /// <summary>Holds a copy of a data set, evicting the oldest sets of the same template to make room. Returns whether it was held and how many older sets were evicted.</summary>
    public (bool Held, int Evicted) Hold(in TemplateKey key, ReadOnlySpan<byte> data, in PacketContext context, long nowMs)
    {
        if (_options.MaxPendingSets == 0 || data.Length > _options.MaxPendingBytes)
        {
            return (false, 0);
        }

        if (!_sets.TryGetValue(key, out var queue))
        {
            if (SetCount >= _options.MaxPendingSets)
            {
                return (false, 0);
            }

            queue = new Queue<PendingSet>();
            _sets[key] = queue;
        }

        var evicted = 0;
        while (queue.Count > 0 && (queue.Count >= _options.MaxPendingSetsPerTemplate || SetCount >= _options.MaxPendingSets ||
                                   ByteCount + data.Length > _options.MaxPendingBytes))
        {
            Return(Dequeue(queue));
            evicted++;
        }

        if (SetCount >= _options.MaxPendingSets || ByteCount + data.Length > _options.MaxPendingBytes)
        {
            if (queue.Count == 0)
            {
                _sets.Remove(key);
            }

            return (false, evicted);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(buffer);
        queue.Enqueue(new PendingSet { Buffer = buffer, Length = data.Length, Context = context, ArrivedMs = nowMs });
        SetCount++;
        ByteCount += data.Length;
        return (true, evicted);
    }

    /// <summary>Takes every set held for a key, oldest first. The caller returns each buffer with <see cref="Return"/>.</summary>
    public bool TryTake(in TemplateKey key, out Queue<PendingSet> sets)
    {
        if (_sets.Remove(key, out sets!))
        {
            foreach (var s in sets)
            {
                SetCount--;
                ByteCount -= s.Length;
            }

            return true;
        }

        return false;
    }

    public static void Return(PendingSet set) => ArrayPool<byte>.Shared.Return(set.Buffer);

    /// <summary>Drops sets older than the pending lifetime, reporting each.</summary>
    public void Expire(long nowMs, Action<TemplateKey, PendingSet> onExpired)
    {
        if (SetCount == 0)
        {
            return;
        }

        var limit = (long)_options.PendingLifetime.TotalMilliseconds;
        List<TemplateKey>? empty = null;
        foreach (var (key, queue) in _sets)
        {
            while (queue.Count > 0 && nowMs - queue.Peek().ArrivedMs > limit)
            {
                onExpired(key, Dequeue(queue));
            }

            if (queue.Count == 0)
            {
                (empty ??= []).Add(key);
            }
        }

        if (empty is not null)
        {
            foreach (var key in empty)
            {
                _sets.Remove(key);
            }
        }
    }

    /// <summary>Sets and bytes held for one exporter.</summary>
    public (int Sets, long Bytes) For(Flows.FlowAddress exporter)
    {
        var sets = 0;
        long bytes = 0;
        foreach (var (key, queue) in _sets)
        {
            if (key.Exporter == exporter)
            {
                sets += queue.Count;
                foreach (var s in queue)
                {
                    bytes += s.Length;
                }
            }
        }

        return (sets, bytes);
    }

    private PendingSet Dequeue(Queue<PendingSet> queue)
    {
        var set = queue.Dequeue();
        SetCount--;
        ByteCount -= set.Length;
        return set;
    }
}

using System.Buffers;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding;

/// <summary>
/// Data sets that arrived before their template (RouterOS resends templates only every 20 packets or 30
/// minutes), held with their packet's time context and released when the template arrives. Bounded in sets and bytes
/// (in total, shared with the other decoders, and per exporter), in sets per template, and in age; whatever is dropped
/// is reported to the caller to be counted. Per-exporter totals are kept as they change, so reading them is O(1).
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

    private sealed class ExporterHold
    {
        public int Sets;
        public long Bytes;
        public readonly HashSet<TemplateKey> Keys = [];
    }

    private readonly Dictionary<TemplateKey, Queue<PendingSet>> _sets = [];
    private readonly Dictionary<FlowAddress, ExporterHold> _exporters = [];
    private readonly DecoderOptions _options;
    private readonly DecoderLimits _limits;

    public PendingDataStore(DecoderLimits limits)
    {
        _limits = limits;
        _options = limits.Options;
    }

    public int SetCount { get; private set; }

    public long ByteCount { get; private set; }

    /// <summary>Holds a copy of a data set, evicting the oldest sets of the same template to make room. Returns whether it was held and how many older sets were evicted.</summary>
    public (bool Held, int Evicted) Hold(in TemplateKey key, ReadOnlySpan<byte> data, in PacketContext context, long nowMs)
    {
        if (_options.MaxPendingSets == 0 || data.Length > _options.MaxPendingBytes || data.Length > _options.MaxPendingBytesPerExporter)
        {
            return (false, 0);
        }

        _sets.TryGetValue(key, out var queue);
        _exporters.TryGetValue(key.Exporter, out var hold);
        var evicted = 0;

        // Make room from this template's own queue first: its oldest sets are the least useful.
        while (queue is { Count: > 0 } && (queue.Count >= _options.MaxPendingSetsPerTemplate || hold!.Bytes + data.Length > _options.MaxPendingBytesPerExporter))
        {
            Return(Dequeue(key, queue));
            evicted++;
        }

        if ((hold?.Bytes ?? 0) + data.Length > _options.MaxPendingBytesPerExporter)
        {
            return (false, evicted);
        }

        while (!TakeBudget(data.Length))
        {
            if (queue is not { Count: > 0 })
            {
                return (false, evicted);
            }

            Return(Dequeue(key, queue));
            evicted++;
        }

        if (!_sets.TryGetValue(key, out queue))
        {
            queue = new Queue<PendingSet>();
            _sets[key] = queue;
        }

        if (!_exporters.TryGetValue(key.Exporter, out hold))
        {
            hold = new ExporterHold();
            _exporters[key.Exporter] = hold;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(buffer);
        queue.Enqueue(new PendingSet { Buffer = buffer, Length = data.Length, Context = context, ArrivedMs = nowMs });
        SetCount++;
        ByteCount += data.Length;
        hold.Sets++;
        hold.Bytes += data.Length;
        hold.Keys.Add(key);
        return (true, evicted);
    }

    /// <summary>Whether sets are held for a key.</summary>
    public bool Has(in TemplateKey key) => _sets.ContainsKey(key);

    /// <summary>The length of the oldest set held for a key.</summary>
    public bool TryPeekLength(in TemplateKey key, out int length)
    {
        if (_sets.TryGetValue(key, out var queue) && queue.Count > 0)
        {
            length = queue.Peek().Length;
            return true;
        }

        length = 0;
        return false;
    }

    /// <summary>Takes the oldest set held for a key. The caller returns its buffer with <see cref="Return"/>.</summary>
    public bool TryDequeue(in TemplateKey key, out PendingSet set)
    {
        if (_sets.TryGetValue(key, out var queue) && queue.Count > 0)
        {
            set = Dequeue(key, queue);
            return true;
        }

        set = null!;
        return false;
    }

    public static void Return(PendingSet set) => ArrayPool<byte>.Shared.Return(set.Buffer);

    /// <summary>Drops every set held for an exporter (evicted or expired); returns how many.</summary>
    public int RemoveExporter(FlowAddress exporter)
    {
        if (!_exporters.TryGetValue(exporter, out var hold))
        {
            return 0;
        }

        var removed = 0;
        foreach (var key in hold.Keys.ToArray())
        {
            while (TryDequeue(key, out var set))
            {
                Return(set);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Drops sets older than the pending lifetime, reporting each.</summary>
    public void Expire(long nowMs, Action<TemplateKey, PendingSet> onExpired)
    {
        if (SetCount == 0)
        {
            return;
        }

        var limit = (long)_options.PendingLifetime.TotalMilliseconds;
        List<(TemplateKey, PendingSet)>? expired = null;
        foreach (var (key, queue) in _sets)
        {
            foreach (var set in queue)
            {
                if (nowMs - set.ArrivedMs <= limit)
                {
                    break;
                }

                (expired ??= []).Add((key, set));
            }
        }

        if (expired is not null)
        {
            foreach (var (key, _) in expired)
            {
                TryDequeue(key, out var set);
                onExpired(key, set);
            }
        }
    }

    /// <summary>Sets and bytes held for one exporter.</summary>
    public (int Sets, long Bytes) For(FlowAddress exporter) =>
        _exporters.TryGetValue(exporter, out var hold) ? (hold.Sets, hold.Bytes) : (0, 0);

    private bool TakeBudget(int bytes)
    {
        if (!_limits.PendingSets.TryTake(1, SetCount))
        {
            return false;
        }

        if (!_limits.PendingBytes.TryTake(bytes, ByteCount))
        {
            _limits.PendingSets.Give(1);
            return false;
        }

        return true;
    }

    private PendingSet Dequeue(in TemplateKey key, Queue<PendingSet> queue)
    {
        var set = queue.Dequeue();
        SetCount--;
        ByteCount -= set.Length;
        _limits.PendingSets.Give(1);
        _limits.PendingBytes.Give(set.Length);
        var hold = _exporters[key.Exporter];
        hold.Sets--;
        hold.Bytes -= set.Length;
        if (queue.Count == 0)
        {
            _sets.Remove(key);
            hold.Keys.Remove(key);
            if (hold.Keys.Count == 0)
            {
                _exporters.Remove(key.Exporter);
            }
        }

        return set;
    }
}

using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding;

/// <summary>
/// The exporters one decoder knows, in two recency lists: on probation (new, not yet heard again after
/// <see cref="DecoderOptions.ExporterProtectAfter"/>) and protected. A newcomer, when the shared exporter budget is
/// used up, evicts the least recently heard exporter on probation; protected exporters leave only by
/// <see cref="DecoderOptions.ExporterIdleLifetime"/> of silence. So a flood of forged sources, each heard once, only
/// ever evicts other forged sources and never locks out a router that keeps sending. The receive loop is the only
/// writer; readers (pages, persistence) copy under the lock.
/// </summary>
internal sealed class ExporterTable(DecoderLimits limits)
{
    private readonly Dictionary<FlowAddress, ExporterState> _byAddress = [];
    private readonly LinkedList<ExporterState> _probation = new();
    private readonly LinkedList<ExporterState> _protected = new();
    private readonly Lock _sync = new();

    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _byAddress.Count;
            }
        }
    }

    public ExporterState? Find(FlowAddress address)
    {
        lock (_sync)
        {
            return _byAddress.GetValueOrDefault(address);
        }
    }

    /// <summary>Moves an exporter to the recent end of its list after a datagram that passed its header checks; promotes it when due.</summary>
    public void Heard(ExporterState state, DateTimeOffset now)
    {
        lock (_sync)
        {
            state.Node.List!.Remove(state.Node);
            if (!state.Protected && ((state.Stats.Datagrams >= 2 && now - state.Stats.FirstSeen >= limits.Options.ExporterProtectAfter) ||
                                     limits.IsExpected(state.Stats.Address)))
            {
                state.Protected = true;
            }

            (state.Protected ? _protected : _probation).AddLast(state.Node);
        }
    }

    /// <summary>
    /// Adds a new exporter, evicting the least recently heard one on probation when the budget is used up (reported to
    /// <paramref name="evicted"/> to drop its templates and held data). Null when every exporter is protected.
    /// </summary>
    public ExporterState? Admit(FlowAddress address, Func<ExporterState> create, Action<ExporterState> evicted, bool startProtected)
    {
        lock (_sync)
        {
            if (!limits.Exporters.TryTake(1, _byAddress.Count))
            {
                // The victim's unit of the budget passes to the newcomer.
                if (_probation.First?.Value is not { } victim)
                {
                    return null;
                }

                RemoveLocked(victim);
                limits.CountEvicted();
                evicted(victim);
            }

            var state = create();
            startProtected |= limits.Options.ExporterProtectAfter == TimeSpan.Zero || limits.IsExpected(address);
            state.Protected = startProtected;
            _byAddress[address] = state;
            (startProtected ? _protected : _probation).AddLast(state.Node);
            return state;
        }
    }

    /// <summary>Evicts the least recently heard exporter on probation other than <paramref name="except"/>; false when there is none.</summary>
    public bool EvictOneOnProbation(FlowAddress except, Action<ExporterState> evicted)
    {
        lock (_sync)
        {
            for (var node = _probation.First; node is not null; node = node.Next)
            {
                if (node.Value.Stats.Address != except)
                {
                    var victim = node.Value;
                    RemoveLocked(victim);
                    limits.Exporters.Give(1);
                    limits.CountEvicted();
                    evicted(victim);
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Forgets exporters silent for longer than the idle lifetime (least recently heard first, so this stops at the first fresh one).</summary>
    public void Expire(DateTimeOffset now, Action<ExporterState> expired)
    {
        var limit = limits.Options.ExporterIdleLifetime;
        lock (_sync)
        {
            foreach (var list in new[] { _probation, _protected })
            {
                while (list.First?.Value is { } oldest && now - oldest.Stats.LastSeen > limit)
                {
                    RemoveLocked(oldest);
                    limits.Exporters.Give(1);
                    limits.CountExpired();
                    expired(oldest);
                }
            }
        }
    }

    public bool IsProtected(FlowAddress address)
    {
        lock (_sync)
        {
            return _byAddress.TryGetValue(address, out var state) && state.Protected;
        }
    }

    /// <summary>Runs <paramref name="read"/> over every exporter under the table's lock (copy what you need).</summary>
    public void ForEach(Action<ExporterState> read)
    {
        lock (_sync)
        {
            foreach (var state in _byAddress.Values)
            {
                read(state);
            }
        }
    }

    /// <summary>Gives the budget back when the decoder is discarded.</summary>
    public void Clear()
    {
        lock (_sync)
        {
            limits.Exporters.Give(_byAddress.Count);
            _byAddress.Clear();
            _probation.Clear();
            _protected.Clear();
        }
    }

    private void RemoveLocked(ExporterState state)
    {
        _byAddress.Remove(state.Stats.Address);
        state.Node.List?.Remove(state.Node);
    }
}

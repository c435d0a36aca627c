using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>
/// The sFlow agents one exporter address sends for (usually one; a relay such as sflowtool's forwarder or a stack of
/// switches may carry several agents and sub-agents). Capped at <see cref="MaxAgents"/>: datagrams for more are
/// refused and counted (<see cref="DecodeStatus.SflowAgentLimit"/>).
/// </summary>
public sealed class SFlowExporter
{
    public const int MaxAgents = 64;

    private readonly Dictionary<(FlowAddress Address, uint SubAgent), SFlowAgent> _agents = [];
    private readonly Lock _sync = new();
    private SFlowAgent? _last;

    /// <summary>Every agent seen, in no particular order; safe from any thread.</summary>
    public IReadOnlyList<SFlowAgent> Agents
    {
        get
        {
            lock (_sync)
            {
                return [.. _agents.Values];
            }
        }
    }

    /// <summary>The agent's state, or null when the exporter already has <see cref="MaxAgents"/> of them. The receive loop is the only caller.</summary>
    internal SFlowAgent? Agent(FlowAddress address, uint subAgent, DateTimeOffset now)
    {
        var last = _last;
        if (last is not null && last.SubAgent == subAgent && last.Address == address)
        {
            return last;
        }

        if (!_agents.TryGetValue((address, subAgent), out var agent))
        {
            if (_agents.Count >= MaxAgents)
            {
                return null;
            }

            agent = new SFlowAgent(address, subAgent, now);
            lock (_sync)
            {
                _agents[(address, subAgent)] = agent;
            }
        }

        _last = agent;
        return agent;
    }

    internal long LostSamples() => Sum(a => a.LostSamples);

    internal long Late() => Sum(a => a.LateDatagrams);

    internal long Restarts() => Sum(a => a.Restarts);

    internal SFlowDrops Drops()
    {
        var total = default(SFlowDrops);
        foreach (var a in _agents.Values)
        {
            total += SFlowDrops.Of(a);
        }

        return total;
    }

    private long Sum(Func<SFlowAgent, long> value)
    {
        long total = 0;
        foreach (var a in _agents.Values)
        {
            total += value(a);
        }

        return total;
    }
}

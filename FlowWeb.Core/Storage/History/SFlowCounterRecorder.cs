using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowWeb.Core.Storage.History;

/// <summary>
/// Stores sFlow interface counters as per-minute history (<see cref="Entities.SFlowCounterMinuteRow"/>). Every
/// <see cref="Every"/> it reads the live frame's interface readings (built by the collector's tick, so the receive
/// loop does no work for history), takes each interface's increase of <see cref="SFlowCounterTotals"/> since its last
/// visit, and adds it to the minute the latest sample arrived in, upserted into SQLite. Outsiders can send sFlow, so
/// what is stored is capped: at most <see cref="MaxAgents"/> agents, of which at most <see cref="MaxUnconfiguredAgents"/>
/// sent from an address that is no sensor's sender IP, and <see cref="MaxInterfacesPerAgent"/> interfaces each; an
/// agent not heard for <see cref="AgentExpiry"/> gives its place back. Refusals are counted (<see cref="Status"/>).
/// A pass that fails keeps its minutes for the next one and never ends the loop (the host would stop with it).
/// </summary>
public sealed partial class SFlowCounterRecorder(IServiceProvider services, SFlowCounterStore store, TimeProvider time, ILogger<SFlowCounterRecorder> logger)
    : BackgroundService
{
    public const int MaxAgents = 64;

    public const int MaxUnconfiguredAgents = 8;

    public const int MaxInterfacesPerAgent = 512;

    /// <summary>Minutes not yet written when SQLite is unavailable are kept up to this many rows, then dropped and counted.</summary>
    public const int MaxPendingRows = 100_000;

    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan AgentExpiry = TimeSpan.FromHours(1);

    /// <summary>Failed passes are logged at most this often (SQLite down would otherwise log every <see cref="Every"/>).</summary>
    public static readonly TimeSpan FailureLogInterval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<(FlowAddress Agent, uint SubAgent), AgentState> _agents = [];
    private readonly Dictionary<SFlowCounterStore.MinuteKey, SFlowCounterStore.MinuteDelta> _pending = [];
    private readonly Lock _sync = new();
    private long _interfacesOfRefusedAgents;
    private long _interfacesRefused;
    private long _rowsDropped;
    private long _rowsWritten;
    private long _failedPasses;
    private long _failuresNotLogged;
    private DateTimeOffset _failureLogged = DateTimeOffset.MinValue;

    /// <summary>What is stored and what was refused, for the API and the device page.</summary>
    public SFlowCounterRecorderStatus Status
    {
        get
        {
            lock (_sync)
            {
                return new(_agents.Count, _agents.Values.Sum(a => a.Last.Count), Interlocked.Read(ref _interfacesOfRefusedAgents), Interlocked.Read(ref _interfacesRefused),
                    Interlocked.Read(ref _rowsWritten), Interlocked.Read(ref _rowsDropped), MaxAgents, MaxUnconfiguredAgents, MaxInterfacesPerAgent);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var publisher = services.GetService<LivePublisher>();
        if (publisher is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(Every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RecordAsync(publisher.Current, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the last frame's increases are written below.
        }

        await RecordAsync(publisher.Current, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Passes that failed (a write, or reading the frame); their minutes stay pending for the next pass.</summary>
    public long FailedPasses => Interlocked.Read(ref _failedPasses);

    /// <summary>
    /// Takes the frame's increases and writes every pending minute. Any failure is caught here, per pass: a failed
    /// write keeps the minutes for the next pass, and the failure is logged at most once per <see cref="FailureLogInterval"/>.
    /// </summary>
    internal async Task RecordAsync(LiveFrame frame, CancellationToken cancellationToken)
    {
        try
        {
            List<(SFlowCounterStore.MinuteKey, SFlowCounterStore.MinuteDelta)> rows;
            lock (_sync)
            {
                Collect(frame);
                if (_pending.Count == 0)
                {
                    return;
                }

                rows = [.. _pending.Select(p => (p.Key, p.Value))];
            }

            await store.AddAsync(rows, cancellationToken).ConfigureAwait(false);
            lock (_sync)
            {
                _pending.Clear();
            }

            Interlocked.Add(ref _rowsWritten, rows.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failedPasses);
            var now = time.GetUtcNow();
            if (now - _failureLogged >= FailureLogInterval)
            {
                _failureLogged = now;
                LogPassFailed(logger, PendingRows, Interlocked.Exchange(ref _failuresNotLogged, 0), e);
            }
            else
            {
                Interlocked.Increment(ref _failuresNotLogged);
            }
        }
    }

    private int PendingRows
    {
        get
        {
            lock (_sync)
            {
                return _pending.Count;
            }
        }
    }

    private void Collect(LiveFrame frame)
    {
        var senders = new HashSet<FlowAddress>();
        foreach (var sensor in frame.Sensors.Values)
        {
            if (FlowAddress.TryParse(sensor.Snapshot.Definition.SenderIp, out var sender))
            {
                senders.Add(sender);
            }
        }

        long interfacesOfRefusedAgents = 0;
        foreach (var exporter in frame.Exporters)
        {
            if (exporter.SFlowInterfaces is not { Count: > 0 } readings)
            {
                continue;
            }

            var configured = senders.Contains(exporter.Address);
            foreach (var reading in readings)
            {
                var agent = Admit((reading.Agent, reading.SubAgent), configured, frame.At);
                if (agent is null)
                {
                    interfacesOfRefusedAgents++;
                    continue;
                }

                agent.Seen = frame.At;
                Take(agent, reading);
            }
        }

        foreach (var gone in _agents.Where(a => frame.At - a.Value.Seen > AgentExpiry).Select(a => a.Key).ToList())
        {
            _agents.Remove(gone);
        }

        // Interface readings refused in this pass (a gauge: an agent is refused again every pass, so a running sum would say nothing).
        Interlocked.Exchange(ref _interfacesOfRefusedAgents, interfacesOfRefusedAgents);
    }

    private AgentState? Admit((FlowAddress Agent, uint SubAgent) key, bool configured, DateTimeOffset now)
    {
        if (_agents.TryGetValue(key, out var agent))
        {
            agent.Configured |= configured;
            return agent;
        }

        if (_agents.Count >= MaxAgents || (!configured && _agents.Values.Count(a => !a.Configured) >= MaxUnconfiguredAgents))
        {
            return null;
        }

        agent = new AgentState { Configured = configured, Seen = now };
        _agents[key] = agent;
        return agent;
    }

    private void Take(AgentState agent, SFlowInterfaceReading reading)
    {
        SFlowCounterTotals increase;
        if (agent.Last.TryGetValue(reading.IfIndex, out var last))
        {
            increase = reading.Totals.Since(last);
        }
        else if (agent.Last.Count >= MaxInterfacesPerAgent)
        {
            Interlocked.Increment(ref _interfacesRefused);
            return;
        }
        else
        {
            // First visit: the totals since the agent was first heard have never been stored. They go to this minute
            // only when they span no more than one usable interval's worth of time; an agent admitted late (a place
            // freed under the cap) would otherwise put hours of octets into one minute, so it starts from here.
            increase = reading.Totals.CoveredMs <= SFlowCounterTotals.MaxIntervalMs ? reading.Totals : default;
        }

        agent.Last[reading.IfIndex] = reading.Totals;
        if (increase == default)
        {
            return;
        }

        var minute = reading.ReceivedAt.ToUnixTimeSeconds() / 60 * 60;
        var key = new SFlowCounterStore.MinuteKey(reading.Agent.ToString(), reading.SubAgent, reading.IfIndex, minute);
        if (_pending.TryGetValue(key, out var pending))
        {
            _pending[key] = pending.Add(increase, reading.IfSpeed);
        }
        else if (_pending.Count < MaxPendingRows)
        {
            _pending[key] = new SFlowCounterStore.MinuteDelta(increase, reading.IfSpeed);
        }
        else
        {
            Interlocked.Increment(ref _rowsDropped);
        }
    }

    private sealed class AgentState
    {
        public readonly Dictionary<uint, SFlowCounterTotals> Last = [];
        public bool Configured;
        public DateTimeOffset Seen;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "sFlow counters history: a pass failed with {Rows} minute row(s) pending, kept for the next pass (every 5 s); {NotLogged} failed pass(es) since the last such message were not logged")]
    private static partial void LogPassFailed(ILogger logger, int rows, long notLogged, Exception exception);
}

/// <summary>The counters history's caps and counts (see <see cref="SFlowCounterRecorder"/>).</summary>
public sealed record SFlowCounterRecorderStatus(
    int AgentsStored,
    int InterfacesStored,
    long InterfacesOfRefusedAgents,
    long InterfacesRefused,
    long RowsWritten,
    long RowsDropped,
    int MaxAgents,
    int MaxUnconfiguredAgents,
    int MaxInterfacesPerAgent);

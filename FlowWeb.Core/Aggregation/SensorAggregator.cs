using FlowWeb.Core.Aggregation.Tables;
using System.Diagnostics;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// A running sensor: its compiled filters and channels, and one <see cref="SensorShard"/> per receive thread that
/// feeds it (per-second series, minute rollups, toplists, flow tail, counters; a shard is made by its thread on
/// its first datagram). The collector's tick (<see cref="Tick"/>) merges the shards into an immutable
/// <see cref="SensorReading"/> for the live frames, and hands closed minutes and toplist periods to history.
/// </summary>
public sealed partial class SensorAggregator
{
    private readonly FilterRule? _include;
    private readonly FilterRule? _exclude;
    private readonly long _activeTimeoutSeconds;
    private readonly uint _fixedRate;
    private readonly AggregationOptions _options;
    private readonly IReadOnlyList<IFlowObserverFactory> _observerFactories;
    private readonly SensorShard?[] _shards;
    private FlowAddress? _sender;

    // Whether the flow tail is being read (set by StartTail and each tick), for shards made between ticks.
    private volatile bool _tailWanted;

    public SensorAggregator(SensorDefinition definition, AggregationOptions options, long nowSecond, int shards = 1,
        IReadOnlyList<IFlowObserverFactory>? observers = null, IpEnrichment? enrichment = null, TableBudget? memory = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        Definition = definition;
        _options = options;
        _observerFactories = observers ?? [];
        Enrichment = enrichment ?? IpEnrichment.None;
        Memory = memory ?? TableBudget.Unlimited;
        _include = CompileFilter(definition.IncludeFilter, nameof(definition.IncludeFilter));
        _exclude = CompileFilter(definition.ExcludeFilter, nameof(definition.ExcludeFilter));
        Channels = BuildChannels(definition);
        _activeTimeoutSeconds = definition.ActiveFlowTimeoutMinutes * 60L;
        _fixedRate = definition.SamplingMode == SamplingMode.Fixed ? (uint)Math.Max(1, definition.SamplingRate) : 0;
        _sender = FlowAddress.TryParse(definition.SenderIp?.Trim(), out var sender) ? sender : null;
        _shards = new SensorShard?[shards];
        _shardSeries = new ChannelSeries?[shards];
        _completed = [.. definition.Toplists.Select(_ => new List<ToplistPeriodResult>())];
        _createdSecond = nowSecond;

        // The first shard exists from the start, so that a sensor without data still has a clock and empty periods.
        _shards[0] = NewShard(0, nowSecond);
    }

    public SensorDefinition Definition { get; private set; }

    /// <summary>AS and country lookups for this sensor's AS/country toplists and filters.</summary>
    public IpEnrichment Enrichment { get; }

    /// <summary>The toplist memory this sensor shares with the others (<c>Aggregation:MemoryBudgetBytes</c>).</summary>
    public TableBudget Memory { get; }

    public Guid Id => Definition.Id;

    public ChannelSet Channels { get; }

    public FlowAddress? Sender => _sender;

    /// <summary>How many receive threads may feed this sensor (one shard each).</summary>
    public int ShardCount => _shards.Length;

    /// <summary>Raised on the collector's tick when a toplist period closed (all shards merged); history persists these.</summary>
    public event Action<SensorAggregator, ToplistDefinition, ToplistPeriodResult>? ToplistPeriodClosed;

    /// <summary>Raised on the collector's tick with the minutes handed over to history (all shards merged), every channel of each.</summary>
    public event Action<SensorAggregator, IReadOnlyList<ChannelMinute>>? MinutesClosed;

    /// <summary>
    /// Takes new settings that do not change what is counted (name, tags, priority, device, port, sender,
    /// receive addresses): the live data stays. The collector recreates the sensor for any other change.
    /// </summary>
    public void Redefine(SensorDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!SensorShape.SameAggregation(Definition, definition))
        {
            throw new ArgumentException("The new settings change what the sensor counts; create a new runtime.", nameof(definition));
        }

        Definition = definition;
        _sender = FlowAddress.TryParse(definition.SenderIp?.Trim(), out var sender) ? sender : null;
    }

    /// <summary>
    /// Books the data records of one decoded datagram into the shard of receive thread <paramref name="shard"/>
    /// (only that thread may pass that number). Returns the time it waited for the shard's lock, in
    /// <see cref="Stopwatch"/> ticks (0 when the lock was free, which it is unless the tick holds it).
    /// </summary>
    public long Ingest(FlowBatch batch, DateTimeOffset now, int shard = 0)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var target = Volatile.Read(ref _shards[shard]);
        if (target is null)
        {
            target = NewShard(shard, now.ToUnixTimeSeconds());
            Volatile.Write(ref _shards[shard], target);
        }

        long waited = 0;
        if (!target.Sync.TryEnter())
        {
            var start = Stopwatch.GetTimestamp();
            target.Sync.Enter();
            waited = Stopwatch.GetTimestamp() - start;
        }

        try
        {
            target.Ingest(batch, now);
        }
        finally
        {
            target.Sync.Exit();
        }

        return waited;
    }

    /// <summary>
    /// Starts recording the flow tail in every shard now (a page just opened it); the tick keeps it on while the tail is
    /// read and turns it off after. Takes each shard's lock once.
    /// </summary>
    public void StartTail()
    {
        _tailWanted = true;
        for (var i = 0; i < _shards.Length; i++)
        {
            if (Volatile.Read(ref _shards[i]) is { } s)
            {
                lock (s.Sync)
                {
                    s.StartTail();
                }
            }
        }
    }

    /// <summary>The locks of every shard made so far (tests hold them all to play a busy tick, whichever thread receives).</summary>
    internal IReadOnlyList<Lock> ShardLocks() => [.. _shards.Select(s => Volatile.Read(ref s)).OfType<SensorShard>().Select(s => s.Sync)];

    private SensorShard NewShard(int index, long nowSecond)
    {
        var observers = _observerFactories.Select(f => f.Create(Definition, index)).OfType<IFlowObserver>().ToArray();
        var shard = new SensorShard(this, _options, observers, nowSecond);

        // A receive thread's first datagram makes its shard: it records the tail at once if a page is reading it.
        if (_tailWanted)
        {
            shard.StartTail();
        }

        return shard;
    }

    /// <summary>Whether a record passes the sensor's include and exclude filters.</summary>
    internal bool Accepts(in FlowRecord r, FlowAddress exporter) =>
        (_include is null || _include.Matches(r, exporter, Enrichment)) && (_exclude is null || !_exclude.Matches(r, exporter, Enrichment));

    /// <summary>The sampling rate a record's counters are scaled by: the sensor's fixed rate, else the record's own.</summary>
    internal uint SamplingRateOf(in FlowRecord r) => _fixedRate != 0 ? _fixedRate : Math.Max(1u, r.SamplingRate);

    /// <summary>
    /// The seconds to book a record over. With an active flow timeout of 0 everything is booked at arrival, as
    /// PRTG does. Otherwise over the record's own [start, end], but an exporter clock that is clearly off (end in the
    /// future, or further back than the timeout plus ten minutes) is not trusted: the interval keeps its length and
    /// ends at arrival.
    /// </summary>
    internal (long Start, long End) Interval(in FlowRecord r, long nowSecond)
    {
        if (_activeTimeoutSeconds == 0)
        {
            return (nowSecond, nowSecond);
        }

        var start = r.StartMs / 1000;
        var end = r.EndMs / 1000;
        var length = Math.Clamp(end - start, 0, _activeTimeoutSeconds + 600);
        if (end > nowSecond + 5 || end < nowSecond - _activeTimeoutSeconds - 600)
        {
            end = nowSecond;
        }

        end = Math.Min(end, nowSecond);
        return (end - length, end);
    }

    private static FilterRule? CompileFilter(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parsed = FilterRule.Parse(text);
        return parsed.Success ? parsed.Rule : throw new ArgumentException($"{field} is not a valid rule; validate sensors with SensorValidator first.", field);
    }

    /// <summary>The sensor's channels: its custom definition, or the standard groups as selected (a group not listed is Yes).</summary>
    public static ChannelSet BuildChannels(SensorDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!string.IsNullOrWhiteSpace(definition.CustomChannels))
        {
            var parsed = ChannelSet.FromDefinition(definition.CustomChannels);
            return parsed.Success ? parsed.Set! : throw new ArgumentException("CustomChannels is not a valid channel definition.", nameof(definition));
        }

        var selection = new StandardGroupSelection();
        foreach (var (group, mode) in definition.ChannelGroups)
        {
            selection[group] = mode;
        }

        return ChannelSet.FromStandardGroups(selection);
    }
}

using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// A running sensor: its compiled filters and channels, and the state its receive thread counts into (a
/// <see cref="SensorShard"/>: per-second channel series, minute rollups, toplists, flow tail). Fed by the receive
/// loops (one lock per datagram, not per record); closed minutes and toplist periods go to history as events.
/// </summary>
public sealed class SensorAggregator
{
    private readonly FilterRule? _include;
    private readonly FilterRule? _exclude;
    private readonly long _activeTimeoutSeconds;
    private readonly uint _fixedRate;
    private readonly SensorShard _shard;
    private FlowAddress? _sender;

    public SensorAggregator(SensorDefinition definition, AggregationOptions options, long nowSecond)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        Definition = definition;
        _include = CompileFilter(definition.IncludeFilter, nameof(definition.IncludeFilter));
        _exclude = CompileFilter(definition.ExcludeFilter, nameof(definition.ExcludeFilter));
        Channels = BuildChannels(definition);
        _activeTimeoutSeconds = definition.ActiveFlowTimeoutMinutes * 60L;
        _fixedRate = definition.SamplingMode == SamplingMode.Fixed ? (uint)Math.Max(1, definition.SamplingRate) : 0;
        _sender = FlowAddress.TryParse(definition.SenderIp?.Trim(), out var sender) ? sender : null;
        _shard = new SensorShard(this, options, nowSecond);
    }

    public SensorDefinition Definition { get; private set; }

    public Guid Id => Definition.Id;

    public ChannelSet Channels { get; }

    public FlowAddress? Sender => _sender;

    public long FlowsAccepted => Locked(s => s.FlowsAccepted);

    public long FlowsFiltered => Locked(s => s.FlowsFiltered);

    public long Datagrams => Locked(s => s.Datagrams);

    /// <summary>Bytes and packets after sampling scaling.</summary>
    public double Bytes => Locked(s => s.Bytes);

    public double Packets => Locked(s => s.Packets);

    public DateTimeOffset? LastDataAt => Locked(s => s.LastDataAt);

    /// <summary>Versions received, as bits (1 &lt;&lt; version).</summary>
    public int VersionsSeen => Locked(s => s.VersionsSeen);

    /// <summary>Raised (outside the lock) when a toplist period closes; history persists these.</summary>
    public event Action<SensorAggregator, ToplistDefinition, ToplistPeriodResult>? ToplistPeriodClosed;

    /// <summary>Raised (outside the lock) with the minutes handed over to history, every channel of each.</summary>
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

    /// <summary>Books the data records of one decoded datagram.</summary>
    public void Ingest(FlowBatch batch, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Closed? closed;
        lock (_shard.Sync)
        {
            closed = _shard.Ingest(batch, now);
        }

        RaiseClosed(closed);
    }

    /// <summary>Moves the live window and toplist periods on without data (called by the collector's tick).</summary>
    public void Tick(DateTimeOffset now)
    {
        Closed? closed;
        lock (_shard.Sync)
        {
            closed = _shard.Advance(now.ToUnixTimeSeconds());
        }

        RaiseClosed(closed);
    }

    /// <summary>Per-second values of every channel for the last <paramref name="seconds"/> seconds (oldest first), in bytes/s, packets/s and flows/s.</summary>
    public ChannelSnapshot ReadChannels(int seconds, DateTimeOffset now)
    {
        Tick(now);
        lock (_shard.Sync)
        {
            var series = _shard.Series;
            seconds = Math.Clamp(seconds, 1, series.WindowSeconds);
            var count = Channels.Channels.Count;
            var bytes = new double[count][];
            var packets = new double[count][];
            var flows = new double[count][];
            for (var c = 0; c < count; c++)
            {
                bytes[c] = new double[seconds];
                packets[c] = new double[seconds];
                flows[c] = new double[seconds];
                series.Read(c, seconds, bytes[c], packets[c], flows[c]);
            }

            return new ChannelSnapshot(DateTimeOffset.FromUnixTimeSeconds(series.NewestSecond - seconds + 1), bytes, packets, flows);
        }
    }

    /// <summary>Starts keeping the last records this sensor accepts (for a live flow tail); dispose to stop.</summary>
    public IDisposable WatchTail() => _shard.Tail.Watch();

    /// <summary>The newest accepted records first (kept only while watched).</summary>
    public List<TailedFlow> Tail(int count)
    {
        lock (_shard.Sync)
        {
            return _shard.Tail.Latest(count);
        }
    }

    /// <summary>The running period of a toplist so far, and its completed periods (newest first).</summary>
    public (ToplistPeriodResult Running, IReadOnlyList<ToplistPeriodResult> Completed)? ReadToplist(int toplistId, int? count = null)
    {
        lock (_shard.Sync)
        {
            return _shard.ReadToplist(toplistId, count);
        }
    }

    /// <summary>Whether a record passes the sensor's include and exclude filters.</summary>
    internal bool Accepts(in FlowRecord r, FlowAddress exporter) =>
        (_include is null || _include.Matches(r, exporter)) && (_exclude is null || !_exclude.Matches(r, exporter));

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

    /// <summary>What moving the clock closed: toplist periods and minutes for history.</summary>
    internal sealed class Closed
    {
        public List<(ToplistDefinition Definition, ToplistPeriodResult Result)>? Periods;
        public List<ChannelMinute>? Minutes;
    }

    /// <summary>
    /// Hands over every open minute and the running toplist periods as they are (graceful shutdown), and empties them:
    /// what was handed over is not handed over again, by a second drain (a host may stop twice) or at the period's end.
    /// Periods that counted nothing are left out.
    /// </summary>
    public (IReadOnlyList<ChannelMinute> Minutes, IReadOnlyList<(ToplistDefinition Definition, ToplistPeriodResult Result)> Periods) Drain(DateTimeOffset now)
    {
        lock (_shard.Sync)
        {
            return _shard.Drain(now.ToUnixTimeSeconds());
        }
    }

    private T Locked<T>(Func<SensorShard, T> read)
    {
        lock (_shard.Sync)
        {
            return read(_shard);
        }
    }

    private void RaiseClosed(Closed? closed)
    {
        if (closed is null)
        {
            return;
        }

        foreach (var (definition, result) in closed.Periods ?? [])
        {
            ToplistPeriodClosed?.Invoke(this, definition, result);
        }

        if (closed.Minutes is { Count: > 0 } minutes)
        {
            MinutesClosed?.Invoke(this, minutes);
        }
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

/// <summary>Per-second channel values: [channel][second], oldest second first.</summary>
public sealed record ChannelSnapshot(DateTimeOffset FirstSecond, double[][] BytesPerSecond, double[][] PacketsPerSecond, double[][] FlowsPerSecond);

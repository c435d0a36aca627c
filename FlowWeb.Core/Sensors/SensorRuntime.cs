using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;

namespace FlowWeb.Core.Sensors;

/// <summary>
/// A running sensor: its compiled filters and channels, its live per-second channel series and its toplists.
/// Fed by the receive loops (one lock per datagram, not per record) and read by the live-state service.
/// </summary>
public sealed class SensorRuntime
{
    private readonly FilterRule? _include;
    private readonly FilterRule? _exclude;
    private readonly ChannelSeries _series;
    private readonly MinuteRollup _minutes;
    private readonly long _minuteGraceSeconds;
    private readonly (ToplistDefinition Definition, ToplistKeys Keys, ToplistPeriods Periods)[] _toplists;
    private readonly Lock _sync = new();
    private readonly FlowTail _tail = new(500);
    private readonly long _activeTimeoutSeconds;
    private readonly uint _fixedRate;
    private readonly DetectionShard? _detection;
    private FlowAddress? _sender;
    private int _versionsSeen;

    /// <param name="detection">Attack detection's part on this sensor's receive path (null = no detection).</param>
    public SensorRuntime(SensorDefinition definition, SensorRuntimeOptions options, long nowSecond, DetectionShard? detection = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        Definition = definition;
        _include = CompileFilter(definition.IncludeFilter, nameof(definition.IncludeFilter));
        _exclude = CompileFilter(definition.ExcludeFilter, nameof(definition.ExcludeFilter));
        Channels = BuildChannels(definition);
        _series = new ChannelSeries(Channels.Channels.Count, options.LiveWindowSeconds, nowSecond);
        _minutes = new MinuteRollup(Channels.Channels.Count);
        _minuteGraceSeconds = options.MinuteGraceSeconds;
        _toplists = [.. definition.Toplists.Select(t => (t, new ToplistKeys(t.Type, t.Fields),
            new ToplistPeriods(t.PeriodMinutes, t.Count, options.ToplistCapacity, nowSecond)))];
        _activeTimeoutSeconds = definition.ActiveFlowTimeoutMinutes * 60L;
        _fixedRate = definition.SamplingMode == SamplingMode.Fixed ? (uint)Math.Max(1, definition.SamplingRate) : 0;
        _sender = FlowAddress.TryParse(definition.SenderIp?.Trim(), out var sender) ? sender : null;
        _detection = detection;
    }

    public SensorDefinition Definition { get; private set; }

    public Guid Id => Definition.Id;

    public ChannelSet Channels { get; }

    public FlowAddress? Sender => _sender;

    public long FlowsAccepted { get; private set; }

    public long FlowsFiltered { get; private set; }

    public long Datagrams { get; private set; }

    /// <summary>Bytes and packets after sampling scaling.</summary>
    public double Bytes { get; private set; }

    public double Packets { get; private set; }

    public DateTimeOffset? LastDataAt { get; private set; }

    /// <summary>Versions received, as bits (1 &lt;&lt; version).</summary>
    public int VersionsSeen => Volatile.Read(ref _versionsSeen);

    /// <summary>Raised (on the receive thread, outside the lock) when a toplist period closes; history persists these.</summary>
    public event Action<SensorRuntime, ToplistDefinition, ToplistPeriodResult>? ToplistPeriodClosed;

    /// <summary>Raised (outside the lock) with the minutes handed over to history, every channel of each.</summary>
    public event Action<SensorRuntime, IReadOnlyList<ChannelMinute>>? MinutesClosed;

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
        var nowSecond = now.ToUnixTimeSeconds();
        var exporter = batch.Exporter;
        Closed? closed;
        Span<ToplistKey> keys = stackalloc ToplistKey[2];
        lock (_sync)
        {
            closed = Advance(nowSecond);
            Datagrams++;
            var records = batch.Records;
            for (var i = 0; i < records.Length; i++)
            {
                ref readonly var r = ref records[i];
                if (r.IsOptions)
                {
                    continue;
                }

                _versionsSeen |= 1 << (r.Version & 31);
                if ((_include is not null && !_include.Matches(r, exporter)) || (_exclude is not null && _exclude.Matches(r, exporter)))
                {
                    FlowsFiltered++;
                    continue;
                }

                var rate = _fixedRate != 0 ? _fixedRate : Math.Max(1u, r.SamplingRate);
                var bytes = (double)r.Bytes * rate;
                var packets = (double)r.Packets * rate;
                var (start, end) = Interval(r, nowSecond);
                var channel = Channels.Classify(r, exporter);
                _series.Add(ChannelSet.TotalIndex, start, end, bytes, packets);
                _series.Add(channel, start, end, bytes, packets);
                _minutes.Add(ChannelSet.TotalIndex, start, end, bytes, packets);
                _minutes.Add(channel, start, end, bytes, packets);
                _detection?.Add(r, rate, nowSecond);

                foreach (var (_, keyMaker, periods) in _toplists)
                {
                    var n = keyMaker.KeysOf(r, keys);
                    for (var k = 0; k < n; k++)
                    {
                        periods.Running.Add(keys[k], (long)bytes, (long)packets);
                    }
                }

                if (_tail.Active)
                {
                    _tail.Add(r, exporter, now, rate);
                }

                FlowsAccepted++;
                Bytes += bytes;
                Packets += packets;
            }

            LastDataAt = now;
        }

        RaiseClosed(closed);
    }

    /// <summary>Moves the live window and toplist periods on without data (called by the live-state timer).</summary>
    public void Tick(DateTimeOffset now)
    {
        Closed? closed;
        lock (_sync)
        {
            closed = Advance(now.ToUnixTimeSeconds());
        }

        RaiseClosed(closed);
    }

    /// <summary>Per-second values of every channel for the last <paramref name="seconds"/> seconds (oldest first), in bytes/s, packets/s and flows/s.</summary>
    public ChannelSnapshot ReadChannels(int seconds, DateTimeOffset now)
    {
        Tick(now);
        lock (_sync)
        {
            seconds = Math.Clamp(seconds, 1, _series.WindowSeconds);
            var count = Channels.Channels.Count;
            var bytes = new double[count][];
            var packets = new double[count][];
            var flows = new double[count][];
            for (var c = 0; c < count; c++)
            {
                bytes[c] = new double[seconds];
                packets[c] = new double[seconds];
                flows[c] = new double[seconds];
                _series.Read(c, seconds, bytes[c], packets[c], flows[c]);
            }

            return new ChannelSnapshot(DateTimeOffset.FromUnixTimeSeconds(_series.NewestSecond - seconds + 1), bytes, packets, flows);
        }
    }

    /// <summary>Starts keeping the last records this sensor accepts (for a live flow tail); dispose to stop.</summary>
    public IDisposable WatchTail() => _tail.Watch();

    /// <summary>The newest accepted records first (kept only while watched).</summary>
    public List<TailedFlow> Tail(int count)
    {
        lock (_sync)
        {
            return _tail.Latest(count);
        }
    }

    /// <summary>The running period of a toplist so far, and its completed periods (newest first).</summary>
    public (ToplistPeriodResult Running, IReadOnlyList<ToplistPeriodResult> Completed)? ReadToplist(int toplistId, int? count = null)
    {
        lock (_sync)
        {
            foreach (var (definition, _, periods) in _toplists)
            {
                if (definition.Id == toplistId)
                {
                    return (periods.Snapshot(count ?? definition.Count), periods.Completed);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The seconds to book a record over. With an active flow timeout of 0 everything is booked at arrival, as
    /// PRTG does. Otherwise over the record's own [start, end], but an exporter clock that is clearly off (end in the
    /// future, or further back than the timeout plus ten minutes) is not trusted: the interval keeps its length and
    /// ends at arrival.
    /// </summary>
    private (long Start, long End) Interval(in FlowRecord r, long nowSecond)
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
    private sealed class Closed
    {
        public List<(ToplistDefinition Definition, ToplistPeriodResult Result)>? Periods;
        public List<ChannelMinute>? Minutes;
    }

    /// <summary>Moves the window, the toplist periods and the minute rollups to <paramref name="nowSecond"/>; returns what closed, if anything.</summary>
    private Closed? Advance(long nowSecond)
    {
        _series.Advance(nowSecond);
        _detection?.Roll(nowSecond);
        Closed? closed = null;
        foreach (var (definition, _, periods) in _toplists)
        {
            if (periods.Roll(nowSecond) is { } result)
            {
                ((closed ??= new()).Periods ??= []).Add((definition, result));
            }
        }

        if (nowSecond != _lastMinuteCheck && _minutes.Close(nowSecond, _minuteGraceSeconds) is { } minutes)
        {
            (closed ??= new()).Minutes = ToRows(minutes);
        }

        _lastMinuteCheck = nowSecond;
        return closed;
    }

    private long _lastMinuteCheck;

    private List<ChannelMinute> ToRows(List<(long Minute, double[] Values)> minutes)
    {
        var rows = new List<ChannelMinute>(minutes.Count * Channels.Channels.Count);
        foreach (var (minute, values) in minutes)
        {
            var start = DateTimeOffset.FromUnixTimeSeconds(minute);
            for (var c = 0; c < Channels.Channels.Count; c++)
            {
                rows.Add(new ChannelMinute(Id, Channels.Channels[c].Id, start, MinuteRollup.Bytes(values, c), MinuteRollup.Packets(values, c),
                    MinuteRollup.Flows(values, c), _series.PeakBytesPerSecond(c, minute, minute + 59)));
            }
        }

        return rows;
    }

    /// <summary>
    /// Hands over every open minute and the running toplist periods as they are (graceful shutdown), and empties them:
    /// what was handed over is not handed over again, by a second drain (a host may stop twice) or at the period's end.
    /// Periods that counted nothing are left out.
    /// </summary>
    public (IReadOnlyList<ChannelMinute> Minutes, IReadOnlyList<(ToplistDefinition Definition, ToplistPeriodResult Result)> Periods) Drain(DateTimeOffset now)
    {
        lock (_sync)
        {
            _series.Advance(now.ToUnixTimeSeconds());
            var minutes = ToRows(_minutes.CloseAll());
            var periods = new List<(ToplistDefinition, ToplistPeriodResult)>();
            foreach (var (definition, _, running) in _toplists)
            {
                if (running.Running.TotalFlows > 0)
                {
                    periods.Add((definition, running.Snapshot(definition.Count)));
                    running.Running.Clear();
                }
            }

            return (minutes, periods);
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

/// <summary>Bounds for running sensors (configuration section <c>Aggregation</c>).</summary>
public sealed class SensorRuntimeOptions
{
    public const string SectionName = "Aggregation";

    /// <summary>Seconds of per-second channel data kept in memory for live graphs.</summary>
    public int LiveWindowSeconds { get; set; } = 3600;

    /// <summary>Distinct keys a toplist period counts exactly; beyond it the list is approximate (Space-Saving) in the same memory.</summary>
    public int ToplistCapacity { get; set; } = 200_000;

    /// <summary>
    /// Seconds after a minute's end before it goes to history. Short by default, so a hard kill loses little more
    /// than the running minute: flows that arrive later for a minute already handed over (routers export long
    /// flows up to the active timeout late) are added to its stored row by a further write, not lost.
    /// </summary>
    public int MinuteGraceSeconds { get; set; } = 5;

    public IEnumerable<string> Validate()
    {
        if (LiveWindowSeconds is < 600 or > 86_400)
        {
            yield return $"{SectionName}:{nameof(LiveWindowSeconds)} must be 600 to 86400 (was {LiveWindowSeconds}).";
        }

        if (ToplistCapacity is < 100 or > 50_000_000)
        {
            yield return $"{SectionName}:{nameof(ToplistCapacity)} must be 100 to 50,000,000 (was {ToplistCapacity}).";
        }

        if (MinuteGraceSeconds is < 0 or > 600)
        {
            yield return $"{SectionName}:{nameof(MinuteGraceSeconds)} must be 0 to 600 (was {MinuteGraceSeconds}).";
        }
    }
}

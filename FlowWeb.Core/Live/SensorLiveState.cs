using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Live;

/// <summary>
/// The live view of the collector for pages and the API, read from the frame <see cref="LivePublisher"/> publishes
/// once a second (never from the receive path): sensors' state and current values, their per-second series, toplists
/// and flow tails, and the exporters. Each read also tells the publisher what to keep reading (<see cref="LiveInterest"/>),
/// so a series, tail or toplist costs the collector something only while a page or an API client asks for it.
/// </summary>
public sealed class SensorLiveState(LivePublisher publisher, LiveInterest interest, SensorService sensors, FlowCollector collector, TimeProvider time,
    IEnumerable<ISensorStatusOverlay> overlays)
{
    /// <summary>Seconds averaged for a channel's current value (complete seconds only).</summary>
    public const int CurrentValueSeconds = LivePublisher.CurrentValueSeconds;

    /// <summary>The longest an API call waits for a frame with what it asked for.</summary>
    private static readonly TimeSpan FrameWait = TimeSpan.FromSeconds(3);

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The latest frame.</summary>
    public LiveFrame Frame => publisher.Current;

    /// <summary>Calls <paramref name="onChange"/> (on the tick's thread) after a frame in which anything moved, at most once a second. Dispose to stop.</summary>
    public IDisposable Subscribe(Action onChange) => publisher.Subscribe(onChange);

    public int SubscriberCount => publisher.SubscriberCount;

    /// <summary>The UDP port the collector always listens on (where unknown exporters are discovered).</summary>
    public int DefaultPort => collector.DefaultPort;

    /// <summary>The UDP port kept open for sFlow agents (0 = none).</summary>
    public int SFlowPort => collector.SFlowPort;

    public async Task<IReadOnlyList<SensorLiveSnapshot>> SnapshotsAsync(CancellationToken cancellationToken = default)
    {
        var definitions = await sensors.ListSensorsAsync(cancellationToken).ConfigureAwait(false);
        var frame = Frame;
        return [.. definitions.Select(d => Snapshot(d, frame))];
    }

    public async Task<SensorLiveSnapshot?> SnapshotAsync(Guid id, CancellationToken cancellationToken = default) =>
        await sensors.GetSensorAsync(id, cancellationToken).ConfigureAwait(false) is { } d ? Snapshot(d, Frame) : null;

    public SensorLiveSnapshot Snapshot(SensorDefinition definition) => Snapshot(definition, Frame);

    /// <summary>
    /// Per-second channel values of a running sensor for the last <paramref name="seconds"/> seconds (fewer until the
    /// next frame when longer than anyone asked for before); null when the sensor is not running.
    /// </summary>
    public ChannelSnapshot? Series(Guid id, int seconds)
    {
        interest.WatchSeries(id, seconds);
        return Frame.Sensor(id)?.Series.Tail(seconds);
    }

    /// <summary>Per-second series for every running sensor of the last <paramref name="seconds"/> seconds (the devices page).</summary>
    public void WatchAllSeries(int seconds) => interest.WatchAllSeries(seconds);

    /// <summary>As <see cref="Series"/>, waiting (briefly) for a frame that has all the seconds asked for (the API).</summary>
    public async Task<ChannelSnapshot?> SeriesAsync(Guid id, int seconds, CancellationToken cancellationToken = default)
    {
        interest.WatchSeries(id, seconds);
        var frame = await FrameWithAsync(id, cancellationToken).ConfigureAwait(false);
        if (frame.Sensor(id) is { } sensor && sensor.Series.Seconds < seconds && sensor.Series.Seconds < collector.LiveWindowSeconds)
        {
            frame = await publisher.NextFrameAsync(FrameWait, cancellationToken).ConfigureAwait(false);
        }

        return frame.Sensor(id)?.Series.Tail(seconds);
    }

    /// <summary>A toplist's running period (rows at most a few seconds old) and its completed periods in memory.</summary>
    public (ToplistPeriodResult Running, IReadOnlyList<ToplistPeriodResult> Completed)? Toplist(Guid id, int toplistId, int? count = null)
    {
        var toplist = Frame.Sensor(id)?.Toplist(toplistId);
        var rows = count ?? toplist?.Definition.Count ?? 0;
        if (rows > 0)
        {
            interest.WatchToplists(id, rows);
        }

        return toplist is null ? null : (Trim(toplist.Running, rows), toplist.Completed);
    }

    /// <summary>As <see cref="Toplist"/>, waiting (briefly) for a frame with rows read for at least <paramref name="count"/> (the API).</summary>
    public async Task<(ToplistPeriodResult Running, IReadOnlyList<ToplistPeriodResult> Completed)?> ToplistAsync(Guid id, int toplistId, int count,
        CancellationToken cancellationToken = default)
    {
        interest.WatchToplists(id, count);
        await FrameWithAsync(id, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < 2 && Frame.Sensor(id)?.Toplist(toplistId) is { } t && t.RowsRead < count; attempt++)
        {
            await publisher.NextFrameAsync(FrameWait, cancellationToken).ConfigureAwait(false);
        }

        return Toplist(id, toplistId, count);
    }

    /// <summary>As <see cref="Toplist"/> without rows (period starts and totals), waiting (briefly) for the first frame of a sensor that just started.</summary>
    public async Task<(ToplistPeriodResult Running, IReadOnlyList<ToplistPeriodResult> Completed)?> ToplistPeriodsAsync(Guid id, int toplistId,
        CancellationToken cancellationToken = default)
    {
        await FrameWithAsync(id, cancellationToken).ConfigureAwait(false);
        return Toplist(id, toplistId, count: 0);
    }

    /// <summary>The newest records a sensor accepted, newest first; a sensor's tail is kept only while someone reads it.</summary>
    public IReadOnlyList<TailedFlow> Tail(Guid id, int count)
    {
        if (interest.WatchTail(id))
        {
            // Record from now on, not from the next tick: flows of the first second after the tab opened belong in it.
            collector.Sensor(id)?.StartTail();
        }

        return Frame.Sensor(id) is { } sensor ? [.. sensor.Tail.Take(count)] : [];
    }

    /// <summary>Decoding health of one exporter, or null when it never sent anything.</summary>
    public ExporterFrame? Exporter(FlowAddress address) => Frame.Exporter(address);

    /// <summary>Every exporter heard from, by address.</summary>
    public IReadOnlyList<ExporterFrame> Exporters() => Frame.Exporters;

    /// <summary>The latest frame, or the next one when the collector runs the sensor but the latest frame was built before it started.</summary>
    private async Task<LiveFrame> FrameWithAsync(Guid id, CancellationToken cancellationToken)
    {
        var frame = Frame;
        return frame.Sensor(id) is null && collector.Sensor(id) is not null
            ? await publisher.NextFrameAsync(FrameWait, cancellationToken).ConfigureAwait(false)
            : frame;
    }

    private SensorLiveSnapshot Snapshot(SensorDefinition definition, LiveFrame frame)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var snapshot = TechnicalSnapshot(definition, frame);
        var status = _overlays.Aggregate(snapshot.Status, (current, overlay) => overlay.Apply(definition, current));
        return status == snapshot.Status ? snapshot : snapshot with { Status = status };
    }

    // What other subsystems add to a sensor's state (channel limits): they read published state only, never wait.
    private readonly ISensorStatusOverlay[] _overlays = [.. overlays];

    private SensorLiveSnapshot TechnicalSnapshot(SensorDefinition definition, LiveFrame frame)
    {
        if (!definition.Paused && frame.Sensor(definition.Id) is { } running)
        {
            return running.Snapshot.Definition == definition ? running.Snapshot : running.Snapshot with { Definition = definition };
        }

        // Not running (paused, or started after the last frame): its state needs no live data.
        var status = SensorStatusEvaluator.Evaluate(definition, null, 0, collector.PortError(definition.Port), 0, 0, time.GetUtcNow());
        return new SensorLiveSnapshot(definition, status, [], null, 0, 0, 0, 0);
    }

    private static ToplistPeriodResult Trim(ToplistPeriodResult running, int rows) =>
        running.Rows.Count <= rows ? running : running with { Rows = [.. running.Rows.Take(rows)] };
}

using FlowWeb.Core.Channels;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// What the collector's tick reads of a sensor beyond its counters: how many seconds of per-second series, whether
/// the flow tail is kept and read, and how many rows of each toplist's running period (0: none this tick).
/// Decided by whoever publishes the readings (the live frames), from what pages and the API watch.
/// </summary>
/// <param name="ToplistRowsWatched">
/// The rows readers watch: read every tick from a toplist whose table is small enough to cost next to nothing
/// (a new key shows at once instead of at the next refresh), when <paramref name="ToplistRows"/> is 0.
/// </param>
public readonly record struct SensorInterest(int SeriesSeconds, bool Tail, int ToplistRows, int ToplistRowsWatched = 0)
{
    /// <summary>Enough series for a current value (a few complete seconds), no tail, no toplist rows.</summary>
    public static SensorInterest Minimal { get; } = new(8, false, 0);
}

/// <summary>Decides per tick what to read of each running sensor.</summary>
public interface ISensorInterest
{
    SensorInterest For(SensorAggregator sensor, long nowSecond);
}

/// <summary>A sensor's counters at one moment, consistent with each other (read under the lock, summed over shards).</summary>
public readonly record struct SensorCounters(
    long FlowsAccepted,
    long FlowsFiltered,
    long Datagrams,
    double Bytes,
    double Packets,
    DateTimeOffset? LastDataAt,
    int VersionsSeen,
    long LateRecords)
{
    public SensorCounters Add(in SensorCounters other) => new(
        FlowsAccepted + other.FlowsAccepted,
        FlowsFiltered + other.FlowsFiltered,
        Datagrams + other.Datagrams,
        Bytes + other.Bytes,
        Packets + other.Packets,
        LastDataAt is null || (other.LastDataAt is { } o && o > LastDataAt) ? other.LastDataAt : LastDataAt,
        VersionsSeen | other.VersionsSeen,
        LateRecords + other.LateRecords);
}

/// <summary>
/// A toplist as read by a tick: the running period (its rows only when read: <see cref="RowsRead"/> is how many were
/// asked for, 0 when none, and then its <see cref="ToplistPeriodResult.DistinctKeys"/> is 0 too) and the completed
/// periods kept in memory, newest first.
/// </summary>
public sealed record ToplistReading(ToplistDefinition Definition, ToplistPeriodResult Running, int RowsRead, IReadOnlyList<ToplistPeriodResult> Completed);

/// <summary>One tick's reading of a running sensor: immutable, safe to keep and hand to any thread.</summary>
public sealed record SensorReading(
    SensorDefinition Definition,
    ChannelSet Channels,
    DateTimeOffset At,
    SensorCounters Counters,
    ChannelSnapshot Series,
    IReadOnlyList<TailedFlow>? Tail,
    IReadOnlyList<ToplistReading> Toplists)
{
    /// <summary>What arrived over the last seconds, per channel: the sensor's current rate (see <see cref="ArrivalWindow"/>).</summary>
    public ArrivalTotals? Arrivals { get; init; }
}

/// <summary>Per-second channel values: [channel][second], oldest second first.</summary>
public sealed record ChannelSnapshot(DateTimeOffset FirstSecond, double[][] BytesPerSecond, double[][] PacketsPerSecond, double[][] FlowsPerSecond)
{
    public int Seconds => BytesPerSecond.Length == 0 ? 0 : BytesPerSecond[0].Length;

    /// <summary>The last <paramref name="seconds"/> seconds (all of them when fewer are kept).</summary>
    public ChannelSnapshot Tail(int seconds)
    {
        if (seconds >= Seconds)
        {
            return this;
        }

        var skip = Seconds - seconds;
        return new ChannelSnapshot(FirstSecond.AddSeconds(skip),
            [.. BytesPerSecond.Select(c => c[skip..])], [.. PacketsPerSecond.Select(c => c[skip..])], [.. FlowsPerSecond.Select(c => c[skip..])]);
    }
}

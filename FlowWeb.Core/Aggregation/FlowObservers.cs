using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// The records of one decoded datagram that a sensor shard accepted, as an observer sees them: indexes into the
/// datagram's records, each with its effective sampling rate (1 = unsampled).
/// </summary>
public readonly ref struct ObservedBatch(ReadOnlySpan<FlowRecord> records, ReadOnlySpan<int> accepted, ReadOnlySpan<uint> samplingRates, FlowAddress exporter, long arrivalSecond)
{
    /// <summary>Every record of the datagram (options and filtered ones included): read only those <see cref="Accepted"/> names.</summary>
    public ReadOnlySpan<FlowRecord> Records { get; } = records;

    /// <summary>Indexes in <see cref="Records"/> of the records the sensor accepted, in datagram order.</summary>
    public ReadOnlySpan<int> Accepted { get; } = accepted;

    /// <summary>Per accepted record (same position as in <see cref="Accepted"/>), its effective sampling rate.</summary>
    public ReadOnlySpan<uint> SamplingRates { get; } = samplingRates;

    public FlowAddress Exporter { get; } = exporter;

    /// <summary>The second (Unix time) the datagram arrived.</summary>
    public long ArrivalSecond { get; } = arrivalSecond;
}

/// <summary>
/// Sees every record one shard of a sensor accepts (detection, alerts and the like hook in here instead of into the
/// per-record loop). One instance per sensor shard, never called concurrently with itself: <see cref="OnBatch"/> runs
/// on the shard's receive thread, <see cref="OnTick"/> on the collector's tick, both under the shard's lock. It must
/// be cheap and must never block; it shares what it found with its own service by publishing immutable snapshots.
/// </summary>
public interface IFlowObserver
{
    /// <summary>
    /// A datagram's accepted records, after the shard booked them. Once per datagram rather than per record: an
    /// observer's code and tables then stay in the caches for a run of records instead of alternating with the
    /// aggregation's at every record, and it can load a few records ahead.
    /// </summary>
    void OnBatch(in ObservedBatch batch);

    /// <summary>Once a second, with the clock of the tick; also when no data came.</summary>
    void OnTick(long nowSecond);
}

/// <summary>Makes the observers of a sensor's shards; register implementations as singletons in DI.</summary>
public interface IFlowObserverFactory
{
    /// <summary>An observer for one shard of <paramref name="sensor"/>, or null when not interested in this sensor.</summary>
    IFlowObserver? Create(SensorDefinition sensor, int shard);

    /// <summary>The sensors running after a change of the set (called once per change, after their shards were made).</summary>
    void Applied(IReadOnlyList<SensorDefinition> running)
    {
    }
}

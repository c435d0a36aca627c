using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Aggregation;

/// <summary>A record a sensor accepted, as an observer sees it: bytes and packets already scaled by sampling.</summary>
public readonly record struct ObservedFlow(FlowAddress Exporter, int Channel, double Bytes, double Packets, uint SamplingRate, long ArrivalSecond);

/// <summary>
/// Sees every record one shard of a sensor accepts (detection, alerts and the like hook in here instead of into the
/// per-record loop). One instance per sensor shard, never called concurrently with itself: <see cref="OnFlow"/> runs
/// on the shard's receive thread, <see cref="OnTick"/> on the collector's tick, both under the shard's lock. It must
/// be cheap and must never block; it shares what it found with its own service by publishing immutable snapshots.
/// </summary>
public interface IFlowObserver
{
    void OnFlow(in FlowRecord record, in ObservedFlow flow);

    /// <summary>
    /// The record <see cref="OnFlow"/> gets next: start loading what it will read into the cache (prefetch only, no
    /// state change). The shard calls it one record ahead, so the loads overlap the current record's aggregation.
    /// </summary>
    void Prefetch(in FlowRecord record)
    {
    }

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

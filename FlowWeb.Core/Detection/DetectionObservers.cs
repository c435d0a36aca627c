using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Detection;

/// <summary>
/// Attack detection's place on the receive path: each sensor shard gets a <see cref="DetectionShard"/> (its receive
/// thread alone writes it) fed with every record the sensor's filters accepted; the shard hands each finished second
/// to the sensor's detector, which merges the shards on the detection tick.
/// </summary>
internal sealed class DetectionObserverFactory(AttackDetection detection, TimeProvider time) : IFlowObserverFactory
{
    public IFlowObserver? Create(SensorDefinition sensor, int shard) =>
        detection.ShardFor(sensor, time.GetUtcNow().ToUnixTimeSeconds()) is { } target ? new DetectionObserver(target) : null;

    /// <summary>Detectors follow the running sensors: new settings applied, removed sensors' detectors dropped.</summary>
    public void Applied(IReadOnlyList<SensorDefinition> running) => detection.Apply(running);

    /// <summary>Observers for one detector of no sensor the service knows (the collector's warm-up): nothing it finds is reported.</summary>
    internal static IFlowObserverFactory Standalone(SensorDetector detector, long nowSecond) => new StandaloneFactory(detector, nowSecond);

    private sealed class StandaloneFactory(SensorDetector detector, long nowSecond) : IFlowObserverFactory
    {
        public IFlowObserver? Create(SensorDefinition sensor, int shard) => new DetectionObserver(detector.CreateShards(1, nowSecond)[0]);
    }

    private sealed class DetectionObserver(DetectionShard shard) : IFlowObserver
    {
        public void OnBatch(in ObservedBatch batch) => shard.Add(batch);

        public void OnTick(long nowSecond) => shard.Roll(nowSecond);
    }
}

using System.Collections.Concurrent;
using FlowWeb.Core.Detection.Evidence;

namespace FlowWeb.Core.Detection;

/// <summary>An attack started or ended on a detector's tick.</summary>
public sealed record AttackChange(AttackReport Report, bool Started, bool Ended);

/// <summary>
/// Attack detection for one sensor. Receive threads each own a <see cref="DetectionShard"/> and hand it their
/// finished seconds; <see cref="Tick"/> (once a second, on one thread) merges the shards' tables second by second,
/// holds the rates of long records, compares every key with its thresholds and starts and ends attacks. The tick
/// owns everything below; shards only read <see cref="Config"/> and <see cref="Watch"/>, which are replaced whole.
/// </summary>
public sealed partial class SensorDetector
{
    private const int MaxQueuedSeconds = 16;
    private const int MaxPooledTables = 8;

    /// <summary>A long record's rate is worth holding from this fraction of a threshold on.</summary>
    private const double HoldFloorFraction = 0.01;

    private readonly ConcurrentQueue<SecondTable> _closed = new();
    private readonly ConcurrentQueue<SecondTable> _pool = new();
    private readonly List<SecondTable> _pending = [];
    private readonly Dictionary<DetectionKey, KeyState> _tracked = [];
    private readonly List<KeyState> _states = [];
    private readonly List<KeyState?> _watched = [];
    private readonly HashSet<FlowWeb.Core.Flows.FlowAddress> _busyPrefixes = [];
    private readonly Func<long> _nextAttackId;
    private readonly TimeProvider _time;
    private readonly Random _random = new(7);
    private readonly double[] _values = new double[ThresholdSet.MetricCount];
    private readonly long[] _longestByMinute = new long[10];
    private DetectionConfig _config;
    private int _configVersion;
    private WatchTable _watch = WatchTable.Empty;
    private DetectionShard[] _shards = [];
    private readonly HoldWheel _wheel;
    private long _lastEvaluated = long.MinValue;
    private long _secondsDropped;
    private long _keysDropped;
    private long _trackRefused;
    private long _evictions;
    private long _evidenceRefused;

    public SensorDetector(Guid sensorId, string sensorName, DetectionConfig config, TimeProvider time, Func<long> nextAttackId)
    {
        ArgumentNullException.ThrowIfNull(config);
        SensorId = sensorId;
        SensorName = sensorName;
        _config = config;
        _time = time;
        _nextAttackId = nextAttackId;
        _wheel = new HoldWheel(config.MaxHoldSeconds, config.MaxHoldEntries);
    }

    public Guid SensorId { get; }

    public string SensorName { get; set; }

    /// <summary>The settings in force (receive threads read this per record).</summary>
    public DetectionConfig Config => Volatile.Read(ref _config);

    /// <summary>Keys whose evidence the receive threads collect, with their index in a table's evidence.</summary>
    internal WatchTable Watch => Volatile.Read(ref _watch);

    /// <summary>
    /// The keys this detector tracks (candidates, attacks, held rates): a receive thread gives these their own slot in a
    /// second however little they receive (see <see cref="DetectionShard"/>). Replaced whole after a tick that
    /// tracked or dropped a key.
    /// </summary>
    internal TrackedHashes Tracked => Volatile.Read(ref _trackedHashes);

    private TrackedHashes _trackedHashes = TrackedHashes.None;
    private bool _trackedChanged;

    /// <summary>Receive-thread seconds dropped because the detector did not take them in time.</summary>
    public long SecondsDropped => Interlocked.Read(ref _secondsDropped);

    /// <summary>Keys not counted because a second's table was full (<see cref="DetectionOptions.MaxKeysPerSecond"/>).</summary>
    public long KeysDropped => _keysDropped;

    /// <summary>Light long records that the sampled ones stand for at their destination (see <see cref="DetectionShard.EstimateBelow"/>).</summary>
    public long RecordsEstimated => _recordsEstimated;

    private long _recordsEstimated;

    /// <summary>Keys over a threshold that could not be tracked because <see cref="DetectionOptions.MaxTrackedKeys"/> were, and none could make room.</summary>
    public long TrackRefused => _trackRefused;

    /// <summary>Tracked keys dropped to make room for others.</summary>
    public long Evictions => _evictions;

    /// <summary>Long-record rates counted for one second only because the hold table was full.</summary>
    public long HoldsRefused => _wheel.Refused;

    /// <summary>Candidates and attacks without evidence because <see cref="DetectionOptions.MaxWatchedKeys"/> were watched.</summary>
    public long EvidenceRefused => _evidenceRefused;

    public int TrackedKeys => _states.Count;

    /// <summary>The longest flow record of the last ten minutes, in seconds: about the exporter's active timeout.</summary>
    public double LongestRecentRecordSeconds => _longestByMinute.Max() / 1000.0;

    /// <summary>Ongoing attacks (tick thread only; others use the service's published copies).</summary>
    internal IEnumerable<Attack> OngoingAttacks => _states.Where(s => s.Attack is not null).Select(s => s.Attack!);

    /// <summary>New settings: thresholds apply from the next second; shards see them at their next record.</summary>
    public void Reconfigure(DetectionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Interlocked.Increment(ref _configVersion);
        Volatile.Write(ref _config, config);
    }

    /// <summary>
    /// Shards for <paramref name="count"/> receive threads of a (re)built sensor, replacing any before: the detector's
    /// state (held rates, ongoing attacks) carries on. Each shard must be used by one thread only.
    /// </summary>
    public IReadOnlyList<DetectionShard> CreateShards(int count, long nowSecond)
    {
        var shards = new DetectionShard[count];
        for (var i = 0; i < count; i++)
        {
            shards[i] = new DetectionShard(this, nowSecond);
        }

        Volatile.Write(ref _shards, shards);
        return shards;
    }

    internal SecondTable RentTable(long second)
    {
        var table = _pool.TryDequeue(out var pooled) ? pooled : new SecondTable();
        table.Reset(second);
        return table;
    }

    internal void Publish(SecondTable table)
    {
        _closed.Enqueue(table);

        // Nobody is ticking (detection stopped, or a test without the service): never hold more than a few seconds.
        while (_closed.Count > MaxQueuedSeconds && _closed.TryDequeue(out var old))
        {
            Interlocked.Increment(ref _secondsDropped);
            Recycle(old);
        }
    }

    private void Recycle(SecondTable table)
    {
        if (_pool.Count < MaxPooledTables)
        {
            _pool.Enqueue(table);
        }
    }

    /// <summary>
    /// Evaluates every second the shards have finished (or, for a shard stuck more than two seconds behind, every
    /// second up to two before <paramref name="nowSecond"/>) and returns the attacks that started or ended.
    /// </summary>
    public IReadOnlyList<AttackChange> Tick(long nowSecond)
    {
        var ready = nowSecond - 1;
        foreach (var shard in Volatile.Read(ref _shards))
        {
            ready = Math.Min(ready, shard.RunningSecondEmpty ? nowSecond - 1 : shard.ClosedThrough);
        }

        ready = Math.Max(ready, nowSecond - 3);
        while (_closed.TryDequeue(out var table))
        {
            _pending.Add(table);
        }

        var changes = new List<AttackChange>();
        if (_lastEvaluated == long.MinValue)
        {
            _lastEvaluated = ready - 1;
        }

        // After a pause (a suspended host, a clock step) there is nothing to learn from evaluating empty seconds one by one.
        var catchUp = _config.MaxHoldSeconds + _config.EndAfterSeconds + 5;
        if (ready - _lastEvaluated > catchUp)
        {
            _lastEvaluated = ready - catchUp;
        }

        for (var second = _lastEvaluated + 1; second <= ready; second++)
        {
            EvaluateSecond(second, changes);
            _lastEvaluated = second;
        }

        if (_trackedChanged)
        {
            _trackedChanged = false;
            Volatile.Write(ref _trackedHashes, TrackedHashes.Of(_states));
        }

        return changes;
    }

    private void EvaluateSecond(long second, List<AttackChange> changes)
    {
        var config = Volatile.Read(ref _config);
        SecondTable? merged = null;
        var parts = 0;
        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            var table = _pending[i];
            if (table.Second > second)
            {
                continue;
            }

            _pending.RemoveAt(i);
            AbsorbEvidence(table);
            _keysDropped += table.Dropped;
            _recordsEstimated += table.RecordsEstimated;
            _flowsWithoutIdentity += table.FlowsWithoutIdentity;
            NoteLongest(second, table.LongestRecordMs);
            if (merged is null)
            {
                merged = table;
            }
            else
            {
                if (parts == 1)
                {
                    var sum = RentTable(second);
                    sum.MergeFrom(merged, config.MaxKeysPerSecond);
                    Recycle(merged);
                    merged = sum;
                }

                merged.MergeFrom(table, config.MaxKeysPerSecond);
                Recycle(table);
            }

            parts++;
        }

        if (merged is not null)
        {
            var dropped = merged.Dropped;
            merged.AddPrefixes(config);
            _keysDropped += merged.Dropped - dropped;
        }

        Evaluate(second, merged, config, changes);
        if (merged is not null)
        {
            Recycle(merged);
        }
    }

    private void AbsorbEvidence(SecondTable table)
    {
        for (var n = 0; n < table.EvidenceCount; n++)
        {
            var evidence = table.EvidenceAt(n);
            if (_tracked.TryGetValue(evidence.Key, out var state) && state.Evidence is not null)
            {
                state.Evidence.Add(evidence);
            }
        }
    }

    private void NoteLongest(long second, long longestMs)
    {
        var minute = (int)(second / 60 % _longestByMinute.Length);
        if (second % 60 == 0)
        {
            _longestByMinute[minute] = 0;
        }

        _longestByMinute[minute] = Math.Max(_longestByMinute[minute], longestMs);
    }

    /// <summary>Starts collecting evidence for a key (its first second over a threshold).</summary>
    private void WatchKey(KeyState state)
    {
        if (state.WatchIndex >= 0)
        {
            return;
        }

        state.Evidence ??= new AttackEvidence(_config.SampleFlows, _random.Next());
        var free = _watched.IndexOf(null);
        if (free < 0 && _watched.Count >= _config.MaxWatchedKeys)
        {
            _evidenceRefused++;
            return;
        }

        if (free < 0)
        {
            free = _watched.Count;
            _watched.Add(null);
        }

        _watched[free] = state;
        state.WatchIndex = free;
        PublishWatch();
    }

    private void UnwatchKey(KeyState state, bool keepEvidence)
    {
        if (state.WatchIndex >= 0)
        {
            _watched[state.WatchIndex] = null;
            state.WatchIndex = -1;
            PublishWatch();
        }

        if (!keepEvidence)
        {
            state.Evidence = null;
        }
    }

    private void PublishWatch() =>
        Volatile.Write(ref _watch, new WatchTable(_watched.Select((s, i) => (s, i)).Where(x => x.s is not null).ToDictionary(x => x.s!.Key, x => x.i)));
}

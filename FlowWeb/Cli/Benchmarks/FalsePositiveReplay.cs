using System.Diagnostics;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// Replays <see cref="NormalDay"/> through one sensor's detector in accelerated time: the detector is driven as the
/// collector drives it (records added to a receive shard under their arrival second, the shard rolled and the
/// detector ticked once a simulated second), on a clock that moves only when the replay says so. Nothing sleeps,
/// so a day takes as long as the CPU needs for its records. Optionally a real attack is injected into the same
/// replay, to show the detector is awake.
/// </summary>
internal static class FalsePositiveReplay
{
    /// <summary>Simulated midnight: 2025-06-15 00:00 UTC (any day works; fixed so runs compare).</summary>
    public const long Midnight = 1_749_945_600;

    public sealed record Options(int Seconds, int ActiveTimeoutSeconds, uint SamplingRate = 1, double Scale = 1, int StartAtSecondOfDay = 0,
        AttackTraffic.Scenario? Attack = null, int AttackAtSecondOfDay = 0, int AttackSeconds = 0);

    public sealed record Result(IReadOnlyList<AttackReport> Attacks, long Records, int Seconds, TimeSpan Elapsed, SensorDetector Detector);

    public static Result Run(Options options, DetectionOptions? detection = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var start = Midnight + options.StartAtSecondOfDay;
        var clock = new ManualClock(start);
        long nextId = 1;
        var sensor = new SensorDetectionSettings { ProtectedNetworks = NormalDay.ProtectedNetworks };
        var detector = new SensorDetector(Guid.NewGuid(), "replay", new DetectionConfig(detection ?? new DetectionOptions(), sensor), clock, () => nextId++);
        var shard = detector.CreateShards(1, start)[0];
        var day = new NormalDay(Midnight, options.ActiveTimeoutSeconds, options.SamplingRate, options.Scale);
        var records = new List<FlowRecord>(16_384);
        var attacks = new List<AttackReport>();
        long total = 0;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < options.Seconds; i++)
        {
            var second = start + i;
            records.Clear();
            day.Second(second, records);
            var attackSecond = (int)(second - Midnight - options.AttackAtSecondOfDay);
            if (options.Attack is { } attack && attackSecond >= 0 && attackSecond < options.AttackSeconds)
            {
                records.AddRange(attack.Records(attackSecond, second * 1000));
            }

            foreach (var r in records)
            {
                shard.Add(r, Math.Max(1, r.SamplingRate), second);
            }

            total += records.Count;

            // As the collector does: the next second begins, the shard hands this one over, the tick evaluates it.
            clock.Now = second + 1;
            shard.Roll(second + 1);
            foreach (var change in detector.Tick(second + 1))
            {
                if (change.Started)
                {
                    attacks.Add(change.Report);
                }
            }
        }

        return new Result(attacks, total, options.Seconds, watch.Elapsed, detector);
    }

    /// <summary>The detector's clock: whole simulated seconds, set by the replay.</summary>
    private sealed class ManualClock(long now) : TimeProvider
    {
        public long Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds(Now);
    }
}

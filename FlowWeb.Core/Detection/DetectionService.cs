using FlowWeb.Core.Live;
using System.Text;
using FlowWeb.Core.Collection;
using Microsoft.Extensions.Hosting;

namespace FlowWeb.Core.Detection;

/// <summary>
/// Ticks attack detection once a second, 200 ms after each second boundary: by then the receive threads have handed
/// over the second just ended (they do at their first record of the next one), so an attack is decided about a
/// fifth of a second after its Nth second, not up to a second later. Adds detection's counters to <c>/metrics</c>.
/// </summary>
public sealed class DetectionService(AttackDetection detection, TimeProvider time) : BackgroundService, IMetricsSource
{
    private static readonly TimeSpan Offset = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                var next = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + 1) + Offset;
                if (next - now > TimeSpan.FromSeconds(1))
                {
                    next -= TimeSpan.FromSeconds(1);
                }

                await Task.Delay(next - now, time, stoppingToken).ConfigureAwait(false);
                detection.Tick();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public void WriteMetrics(StringBuilder text)
    {
        ArgumentNullException.ThrowIfNull(text);
        PrometheusMetrics.Family(text, "flowweb_attacks_total", "counter", "Attacks detected, by event (started, ended).");
        PrometheusMetrics.Sample(text, "flowweb_attacks_total", detection.AttacksStarted, ("event", "started"));
        PrometheusMetrics.Sample(text, "flowweb_attacks_total", detection.AttacksEnded, ("event", "ended"));
        PrometheusMetrics.Family(text, "flowweb_attacks_ongoing", "gauge", "Attacks going on now.");
        PrometheusMetrics.Sample(text, "flowweb_attacks_ongoing", detection.Ongoing.Count);

        PrometheusMetrics.Family(text, "flowweb_detection_tick_seconds_total", "counter", "CPU time the detection tick took (merging the receive threads' seconds, judging keys, attack reports).");
        PrometheusMetrics.Sample(text, "flowweb_detection_tick_seconds_total", detection.TickTime.TotalSeconds);

        var detectors = detection.Detectors;
        PrometheusMetrics.Family(text, "flowweb_detection_tracked_keys", "gauge", "Hosts and prefixes whose state detection keeps (long-flow rates, candidates, attacks), per sensor.");
        foreach (var d in detectors)
        {
            PrometheusMetrics.Sample(text, "flowweb_detection_tracked_keys", d.TrackedKeys, ("sensor", d.SensorName));
        }

        PrometheusMetrics.Family(text, "flowweb_detection_estimated_records_total", "counter",
            "Light long records not counted for their destination, per sensor: the records sampled in their place, their counts scaled up, stand for them (threshold sampling; see the README's detection).");
        foreach (var d in detectors)
        {
            PrometheusMetrics.Sample(text, "flowweb_detection_estimated_records_total", d.RecordsEstimated, ("sensor", d.SensorName));
        }

        PrometheusMetrics.Family(text, "flowweb_detection_dropped_total", "counter",
            "What detection could not count for lack of room, per sensor and reason: keys (a second's table full), seconds (not taken in time), holds (long-record rates counted one second only), tracking (a key over a threshold not tracked), evidence (an attack without evidence), evictions (tracked keys dropped for others), identity (a flow-sized record counted without its flow's identity, so its flow's next record cannot replace its held rate).");
        foreach (var d in detectors)
        {
            foreach (var (reason, value) in new[]
                     {
                         ("keys", d.KeysDropped), ("seconds", d.SecondsDropped), ("holds", d.HoldsRefused), ("tracking", d.TrackRefused),
                         ("evidence", d.EvidenceRefused), ("evictions", d.Evictions), ("identity", d.FlowsWithoutIdentity),
                     })
            {
                PrometheusMetrics.Sample(text, "flowweb_detection_dropped_total", value, ("sensor", d.SensorName), ("reason", reason));
            }
        }
    }
}

using System.Globalization;
using FlowWeb.Core.Live;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Alerts;

/// <summary>
/// The collector's own health as events and alarms (limits in <see cref="CollectorHealthLimits"/>): an exporter
/// heard from for the first time (an event), an exporter gone silent, too many decode errors per minute or data sets
/// waiting for templates per exporter, kernel drops per minute on FlowWeb's sockets (alarms, each held for
/// <see cref="CollectorHealthLimits.HoldTime"/> before it opens, cleared as soon as it is back within its limit).
/// Exporters are the decoder's (capped by <c>Decoder:MaxExporters</c>); what is tracked here per exporter goes when
/// the decoder forgets it.
/// </summary>
public sealed class CollectorHealthMonitor(SensorLiveState live, IAlertSink alerts, IOptions<AlertsOptions> options)
{
    public const string Source = "collector";
    private static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(5);

    private readonly Dictionary<FlowAddress, Watch> _exporters = [];
    private readonly Watch _collector = new();
    private bool _seeded;

    private sealed class Watch
    {
        public readonly Queue<(DateTimeOffset At, long Count)> Samples = new();
        public readonly Held DecodeErrors = new();
        public readonly Held Pending = new();
        public readonly Held Drops = new();
        public bool Silent;
    }

    /// <summary>A condition that counts once it held for the hold time, and stops counting at once.</summary>
    private sealed class Held
    {
        public DateTimeOffset? Since;
        public bool Active;

        /// <summary>+1 when it starts counting, -1 when it stops, 0 otherwise.</summary>
        public int Step(bool condition, DateTimeOffset now, TimeSpan hold)
        {
            if (!condition)
            {
                Since = null;
                var was = Active;
                Active = false;
                return was ? -1 : 0;
            }

            Since ??= now;
            if (!Active && now - Since >= hold)
            {
                Active = true;
                return 1;
            }

            return 0;
        }
    }

    public void Evaluate(DateTimeOffset now)
    {
        var limits = options.Value.Collector;
        // Proven exporters only: a spoofed-source flood must not write an alert event per forged address (it wrote
        // 15,000 "first heard" rows in 20 s, 33 MB of database a minute, in bench hostile's exporter flood).
        var exporters = live.Exporters();
        foreach (var e in exporters.Where(e => e.Proven))
        {
            var name = e.Address.ToString();
            if (!_exporters.TryGetValue(e.Address, out var watch))
            {
                _exporters[e.Address] = watch = new Watch();
                if (_seeded)
                {
                    alerts.Raise(AlertSignal.Event($"exporter:{name}:first-seen", AlertKind.Exporter, AlertSeverity.Info, Source, name,
                        $"Exporter {name} heard from for the first time ({Sensors.SensorStatusEvaluator.VersionName(e.Version)})") with
                    {
                        Details = new Dictionary<string, string> { ["exporter"] = name, ["version"] = e.Version.ToString(CultureInfo.InvariantCulture) },
                    });
                }
            }

            var silentFor = now - e.LastSeen;
            var silent = silentFor > limits.ExporterSilentAfter;
            if (silent != watch.Silent)
            {
                watch.Silent = silent;
                alerts.Raise(silent
                    ? AlertSignal.Started($"exporter:{name}:silent", AlertKind.Exporter, AlertSeverity.Warning, Source, name,
                        $"Exporter {name} silent for {Age(silentFor)} (last datagram {e.LastSeen.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)")
                    : AlertSignal.Cleared($"exporter:{name}:silent", AlertKind.Exporter, Source, $"Exporter {name} is sending again"));
            }

            var errors = PerMinute(watch, now, e.DecodeErrors);
            Track(watch.DecodeErrors, limits.DecodeErrorsPerMinute >= 0 && errors > limits.DecodeErrorsPerMinute, now, limits.HoldTime,
                $"exporter:{name}:decode-errors", name,
                $"{errors} decode errors a minute from {name} (limit {limits.DecodeErrorsPerMinute}); see Discovered exporters for the reasons",
                $"Decode errors from {name} back within the limit", errors);
            Track(watch.Pending, limits.PendingSets >= 0 && e.PendingSets > limits.PendingSets, now, limits.HoldTime,
                $"exporter:{name}:templates-missing", name,
                $"{e.PendingSets} data sets from {name} waiting for their template (limit {limits.PendingSets}): the exporter has not sent it yet",
                $"Templates of {name} are known again", e.PendingSets);
        }

        if (!_seeded)
        {
            _seeded = true;
        }

        var present = exporters.Select(e => e.Address).ToHashSet();
        foreach (var (address, watch) in _exporters.Where(x => !present.Contains(x.Key)).ToList())
        {
            _exporters.Remove(address);
            foreach (var (held, suffix) in new[] { (watch.Silent, "silent"), (watch.DecodeErrors.Active, "decode-errors"), (watch.Pending.Active, "templates-missing") })
            {
                if (held)
                {
                    alerts.Raise(AlertSignal.Cleared($"exporter:{address}:{suffix}", AlertKind.Exporter, Source, $"Exporter {address} was forgotten by the decoder"));
                }
            }
        }

        // The published frame's count (refreshed every few seconds): reading /proc/self/fd and /proc/net/udp here, every
        // pass, was a tenth of what the idle process did after a load.
        var drops = PerMinute(_collector, now, live.Frame.KernelDrops.Values.Sum());
        Track(_collector.Drops, limits.KernelDropsPerMinute >= 0 && drops > limits.KernelDropsPerMinute, now, limits.HoldTime,
            "collector:kernel-drops", "collector",
            $"The kernel dropped {drops} datagrams in the last minute (limit {limits.KernelDropsPerMinute}): the receive buffer overflowed; raise Collector:ReceiveBufferBytes and net.core.rmem_max",
            "No more kernel drops above the limit", drops);
    }

    private void Track(Held held, bool condition, DateTimeOffset now, TimeSpan hold, string key, string subject, string started, string cleared, long value)
    {
        var values = new Dictionary<string, double> { ["value"] = value };
        switch (held.Step(condition, now, hold))
        {
            case 1:
                alerts.Raise(AlertSignal.Started(key, key.StartsWith("collector:", StringComparison.Ordinal) ? AlertKind.Collector : AlertKind.Exporter,
                    AlertSeverity.Warning, Source, subject, started) with { Values = values });
                break;
            case -1:
                alerts.Raise(AlertSignal.Cleared(key, AlertKind.Collector, Source, cleared) with { Values = values });
                break;
        }
    }

    /// <summary>How much a counter grew over about the last minute (from samples every few seconds).</summary>
    private static long PerMinute(Watch watch, DateTimeOffset now, long count)
    {
        var samples = watch.Samples;
        if (samples.Count == 0 || now - samples.Last().At >= SampleEvery)
        {
            samples.Enqueue((now, count));
        }

        while (samples.Count > 1 && now - samples.Peek().At > RateWindow)
        {
            samples.Dequeue();
        }

        return Math.Max(0, count - samples.Peek().Count);
    }

    private static string Age(TimeSpan age) => age.TotalHours >= 1 ? $"{age.TotalHours:0.#} h" : $"{age.TotalMinutes:0} min";
}

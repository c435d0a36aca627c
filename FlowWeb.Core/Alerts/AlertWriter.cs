using FlowWeb.Core.Live;
using FlowWeb.Core.Collection;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Alerts;

/// <summary>
/// Loads the active alarms at start-up, then writes the events and alarm changes the <see cref="AlertCenter"/>
/// queues, in batches, and deletes expired events. A failed batch is retried with back-off, then counted as failed
/// (and logged); it never stops the loop. Stops after the queue is written out.
/// </summary>
public sealed partial class AlertWriter(
    AlertCenter center, AlertStore store, IOptions<AlertsOptions> options, TimeProvider time, ILogger<AlertWriter> logger) : BackgroundService, IMetricsSource
{
    private const int BatchSize = 500;
    private long _written;
    private long _failed;
    private DateTimeOffset _lastRetention = DateTimeOffset.MinValue;

    public long Written => Interlocked.Read(ref _written);

    public long Failed => Interlocked.Read(ref _failed);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var (maxId, active) = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        center.Load(maxId, active);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = center.Writes;
        var batch = new List<AlertWrite>(BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (batch.Count < BatchSize && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                await WriteAsync(batch, stoppingToken).ConfigureAwait(false);
                batch.Clear();
                await RetentionAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is written below.
        }

        while (reader.TryRead(out var item))
        {
            batch.Add(item);
        }

        if (batch.Count > 0)
        {
            await WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(List<AlertWrite> batch, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Add(ref _written, batch.Count(b => b.Event is not null));
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (attempt >= 3)
                {
                    Interlocked.Add(ref _failed, batch.Count(b => b.Event is not null));
                    LogWriteFailed(logger, batch.Count, e);
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(attempt), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RetentionAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        if (now - _lastRetention < o.RetentionInterval)
        {
            return;
        }

        _lastRetention = now;
        try
        {
            await store.DeleteExpiredAsync(now - o.EventRetention, o.MaxEvents, 5000, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRetentionFailed(logger, e);
        }
    }

    public void WriteMetrics(StringBuilder text)
    {
        PrometheusMetrics.Family(text, "flowweb_alert_events_total", "counter", "Alert events by outcome: recorded, written, dropped (queue full), failed (write error).");
        PrometheusMetrics.Sample(text, "flowweb_alert_events_total", center.Recorded, ("outcome", "recorded"));
        PrometheusMetrics.Sample(text, "flowweb_alert_events_total", Written, ("outcome", "written"));
        PrometheusMetrics.Sample(text, "flowweb_alert_events_total", center.Dropped, ("outcome", "dropped"));
        PrometheusMetrics.Sample(text, "flowweb_alert_events_total", Failed, ("outcome", "failed"));
        var active = center.ActiveAlarms();
        PrometheusMetrics.Family(text, "flowweb_alarms_active", "gauge", "Active alarms, by severity and whether acknowledged.");
        foreach (var severity in Enum.GetValues<AlertSeverity>())
        {
            PrometheusMetrics.Sample(text, "flowweb_alarms_active", active.Count(a => a.Severity == severity && !a.IsAcknowledged),
                ("severity", severity.ToString().ToLowerInvariant()), ("acknowledged", "false"));
            PrometheusMetrics.Sample(text, "flowweb_alarms_active", active.Count(a => a.Severity == severity && a.IsAcknowledged),
                ("severity", severity.ToString().ToLowerInvariant()), ("acknowledged", "true"));
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Could not write {Count} alert events or alarm changes after 3 attempts; they are counted as failed")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Deleting expired alert events failed; retrying at the next interval")]
    private static partial void LogRetentionFailed(ILogger logger, Exception exception);
}

using System.Text;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowWeb.Core.Storage.History;

/// <summary>
/// Connects the collector to history: minutes and closed toplist periods go to the <see cref="HistoryWriter"/>'s
/// non-blocking queue (drops are counted there). Registered among storage's hosted services, so it is listening
/// before the collector starts and still listening when the collector drains its memory at shutdown.
/// Also puts the writer's counters into <c>/metrics</c>.
/// A closed period of a toplist that resolves names (<see cref="ToplistHostNames.Resolves"/>) goes with the names
/// its addresses have in the reverse DNS cache at that moment: the collector's thread reads the cache and never
/// waits for DNS. Addresses without a cached answer are queued for lookup, so that the next periods have them.
/// At a graceful stop it writes what the collector handed over while stopping and says so in the log (minutes,
/// toplist periods, anything that could not be written), so an operator can see that nothing was lost.
/// </summary>
public sealed partial class CollectorHistoryFeed(IServiceProvider services, HistoryWriter writer) : IHostedService, IMetricsSource
{
    private FlowCollector? _collector;
    private ReverseDnsResolver? _resolver;
    private IpEnrichment? _enrichment;
    private ILogger _logger = NullLogger.Instance;
    private volatile bool _stopping;
    private HistoryWriterCounters _atStop;
    private long _stopMinutes;
    private long _stopRows;
    private long _stopPeriods;
    private int _reported;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _collector = services.GetService<FlowCollector>();
        _resolver = services.GetService<ReverseDnsResolver>();
        _enrichment = services.GetService<IpEnrichment>();
        _logger = services.GetService<ILogger<CollectorHistoryFeed>>() ?? (ILogger)NullLogger.Instance;
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(() =>
        {
            _atStop = writer.Counters;
            _stopping = true;
        });
        if (_collector is not null)
        {
            _collector.MinutesClosed += OnMinutes;
            _collector.ToplistPeriodClosed += OnToplist;
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_collector is not null)
        {
            _collector.MinutesClosed -= OnMinutes;
            _collector.ToplistPeriodClosed -= OnToplist;
        }

        // A host may stop twice (a test factory and the app's own run loop): report once.
        if (!_stopping || Interlocked.Exchange(ref _reported, 1) == 1)
        {
            return;
        }

        // The collector has drained (it stops first): write its last minutes and periods now, to report on them.
        try
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            LogStopFlushFailed(_logger, e.Message);
        }

        var now = writer.Counters;
        var lost = now.MinuteRowsDropped - _atStop.MinuteRowsDropped + now.MinuteRowsFailed - _atStop.MinuteRowsFailed
            + now.ToplistPeriodsDropped - _atStop.ToplistPeriodsDropped + now.ToplistPeriodsFailed - _atStop.ToplistPeriodsFailed;
        var (minutes, rows, periods) = (Interlocked.Read(ref _stopMinutes), Interlocked.Read(ref _stopRows), Interlocked.Read(ref _stopPeriods));
        LogStopped(_logger, minutes, rows, periods, lost);
    }

    private void OnMinutes(SensorAggregator sensor, IReadOnlyList<ChannelMinute> minutes)
    {
        writer.TryWriteMinutes([.. minutes]);
        if (_stopping)
        {
            Interlocked.Add(ref _stopMinutes, minutes.Select(m => m.Minute).Distinct().Count());
            Interlocked.Add(ref _stopRows, minutes.Count);
        }
    }

    private void OnToplist(SensorAggregator sensor, ToplistDefinition toplist, ToplistPeriodResult period)
    {
        // Names from the DNS cache and owners from the AS and country databases, as they are now: history shows what was true then.
        writer.TryWriteToplist(sensor.Id, toplist.Id, period, _enrichment.WithOwners(toplist, period.Rows, _resolver.NamesOf(toplist, period.Rows, request: true)));
        if (_stopping)
        {
            Interlocked.Increment(ref _stopPeriods);
        }
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Information,
        Message = "Stopped gracefully: wrote {Minutes} sensor minutes ({Rows} channel rows) and {Periods} toplist periods still in memory to history; {Lost} could not be written")]
    private static partial void LogStopped(ILogger logger, long minutes, long rows, long periods, long lost);

    [LoggerMessage(EventId = 61, Level = LogLevel.Error, Message = "Stopping: writing the last minutes and toplist periods to history failed: {Reason}")]
    private static partial void LogStopFlushFailed(ILogger logger, string reason);

    public void WriteMetrics(StringBuilder text)
    {
        var c = writer.Counters;
        PrometheusMetrics.Family(text, "flowweb_history_rows_total", "counter", "History rows by kind and outcome: queued, written, dropped (queue full), failed (write error).");
        foreach (var (kind, queued, written, dropped, failed) in new[]
                 {
                     ("minute", c.MinuteRowsQueued, c.MinuteRowsWritten, c.MinuteRowsDropped, c.MinuteRowsFailed),
                     ("toplist_period", c.ToplistPeriodsQueued, c.ToplistPeriodsWritten, c.ToplistPeriodsDropped, c.ToplistPeriodsFailed),
                 })
        {
            PrometheusMetrics.Sample(text, "flowweb_history_rows_total", queued, ("kind", kind), ("outcome", "queued"));
            PrometheusMetrics.Sample(text, "flowweb_history_rows_total", written, ("kind", kind), ("outcome", "written"));
            PrometheusMetrics.Sample(text, "flowweb_history_rows_total", dropped, ("kind", kind), ("outcome", "dropped"));
            PrometheusMetrics.Sample(text, "flowweb_history_rows_total", failed, ("kind", kind), ("outcome", "failed"));
        }

        PrometheusMetrics.Family(text, "flowweb_history_queue_length", "gauge", "Items waiting in the history write queue.");
        PrometheusMetrics.Sample(text, "flowweb_history_queue_length", c.QueueLength);

        PrometheusMetrics.Family(text, "flowweb_history_write_failures_total", "counter",
            "History write attempts that failed, by reason (disk_full, locked, read_only, io, other); each is retried with back-off.");
        foreach (var reason in new[] { HistoryWriteFailure.DiskFull, HistoryWriteFailure.Locked, HistoryWriteFailure.ReadOnly, HistoryWriteFailure.Io, HistoryWriteFailure.Other })
        {
            PrometheusMetrics.Sample(text, "flowweb_history_write_failures_total", c.WriteFailures.GetValueOrDefault(reason), ("reason", reason));
        }

        PrometheusMetrics.Family(text, "flowweb_history_writing", "gauge", "1 while history is written, 0 while writes fail and are retried (see /health for why).");
        PrometheusMetrics.Sample(text, "flowweb_history_writing", writer.Status.Current.Healthy ? 1 : 0);

        PrometheusMetrics.Family(text, "flowweb_history_journal_items_total", "counter",
            "History journal events: journal_failed (a file could not be written: a hard kill would lose the item), deferred (waited in the journal only, "
            + "the queue being full), recovered (left by a previous run, written at start), unreadable (a damaged file: its item is lost).");
        PrometheusMetrics.Sample(text, "flowweb_history_journal_items_total", c.JournalFailures, ("event", "journal_failed"));
        PrometheusMetrics.Sample(text, "flowweb_history_journal_items_total", c.ItemsDeferred, ("event", "deferred"));
        PrometheusMetrics.Sample(text, "flowweb_history_journal_items_total", c.ItemsRecovered, ("event", "recovered"));
        PrometheusMetrics.Sample(text, "flowweb_history_journal_items_total", c.ItemsUnreadable, ("event", "unreadable"));

        PrometheusMetrics.Family(text, "flowweb_history_journal_files", "gauge", "Closed minutes and toplist periods in the journal, not yet in the database.");
        PrometheusMetrics.Sample(text, "flowweb_history_journal_files", c.JournalFiles);
        PrometheusMetrics.Family(text, "flowweb_history_journal_bytes", "gauge", "Bytes of the history journal's files.");
        PrometheusMetrics.Sample(text, "flowweb_history_journal_bytes", c.JournalBytes);
    }
}

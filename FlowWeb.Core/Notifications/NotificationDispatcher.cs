using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using FlowWeb.Core.Live;
using FlowWeb.Core.Alerts;
using FlowWeb.Core.Collection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Notifications;

/// <summary>A channel's delivery counts since start-up and its last failure, for the channel list, the API and <c>/metrics</c>.</summary>
public sealed record ChannelDeliveryStats(long Sent, long Failed, long Dropped, long FailedAttempts, DateTimeOffset? LastSentAt, DateTimeOffset? LastFailureAt, string? LastError);

/// <summary>
/// Delivers messages through their channels: a bounded queue (full = dropped, recorded and counted), a few
/// deliveries at once, each tried up to <see cref="NotificationsOptions.MaxAttempts"/> times with doubling waits.
/// Every outcome is recorded (<see cref="NotificationStore"/>) and counted per channel; a delivery that failed
/// every attempt also becomes a Notification event in the log, so a failure is shown, not lost.
/// </summary>
public sealed partial class NotificationDispatcher : BackgroundService, INotificationOutbox, IMetricsSource
{
    private readonly Func<Guid, NotificationChannelDefinition?> _channels;
    private readonly Dictionary<NotificationChannelType, INotificationSender> _senders;
    private readonly NotificationStore _store;
    private readonly IAlertSink _alerts;
    private readonly NotificationsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<NotificationDispatcher> _logger;
    private readonly Channel<Delivery> _queue;
    private readonly ConcurrentDictionary<Guid, Counters> _stats = new();
    private readonly SemaphoreSlim _slots;
    private int _inFlight;

    public NotificationDispatcher(Func<Guid, NotificationChannelDefinition?> channels, IEnumerable<INotificationSender> senders, NotificationStore store,
        IAlertSink alerts, IOptions<NotificationsOptions> options, TimeProvider time, ILogger<NotificationDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _channels = channels;
        _senders = senders.ToDictionary(s => s.Type);
        _store = store;
        _alerts = alerts;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxConcurrentDeliveries);
        _queue = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    private sealed record Delivery(Guid Id, NotificationChannelDefinition Channel, NotificationMessage Message);

    private sealed class Counters
    {
        public long Sent;
        public long Failed;
        public long Dropped;
        public long FailedAttempts;
        public DateTimeOffset? LastSentAt;
        public DateTimeOffset? LastFailureAt;
        public string? LastError;
    }

    public ChannelDeliveryStats Stats(Guid channel) => _stats.TryGetValue(channel, out var c)
        ? new ChannelDeliveryStats(Interlocked.Read(ref c.Sent), Interlocked.Read(ref c.Failed), Interlocked.Read(ref c.Dropped),
            Interlocked.Read(ref c.FailedAttempts), c.LastSentAt, c.LastFailureAt, c.LastError)
        : new ChannelDeliveryStats(0, 0, 0, 0, null, null, null);

    public int QueueLength => _queue.Reader.Count;

    /// <summary>Deliveries queued or in progress (retries included).</summary>
    public int Pending => Volatile.Read(ref _inFlight);

    /// <summary>Makes a channel's counters exist (at zero), so that <c>/metrics</c> lists it before its first delivery.</summary>
    public void Track(Guid channel) => _stats.GetOrAdd(channel, _ => new Counters());

    public void Send(NotificationRuleDefinition rule, NotificationMessage message, Guid? exceptChannel)
    {
        ArgumentNullException.ThrowIfNull(rule);
        foreach (var id in rule.ChannelIds.Where(c => c != exceptChannel))
        {
            if (_channels(id) is { Enabled: true } channel)
            {
                Enqueue(channel, message);
            }
        }
    }

    /// <summary>Queues one message for one channel; false (recorded and counted as dropped) when the queue is full.</summary>
    public bool Enqueue(NotificationChannelDefinition channel, NotificationMessage message)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var delivery = new Delivery(Guid.NewGuid(), channel, message);
        Interlocked.Increment(ref _inFlight);
        if (_queue.Writer.TryWrite(delivery))
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);

        var counters = _stats.GetOrAdd(channel.Id, _ => new Counters());
        Interlocked.Increment(ref counters.Dropped);
        LogDropped(_logger, channel.Name, message.Title);
        _ = RecordAsync(delivery, DeliveryOutcome.Dropped, 0, "the delivery queue was full");
        return false;
    }

    /// <summary>Delivers now, with retries as any delivery ("send test"); returns the outcome and the last error.</summary>
    public async Task<(DeliveryOutcome Outcome, int Attempts, string Error)> DeliverNowAsync(NotificationChannelDefinition channel, NotificationMessage message,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return await DeliverAsync(new Delivery(Guid.NewGuid(), channel, message), cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        try
        {
            await foreach (var delivery in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                running.RemoveAll(t => t.IsCompleted);
                running.Add(RunAsync(delivery, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: deliveries in progress end with the token.
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task RunAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            await DeliverAsync(delivery, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down mid-delivery.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }

    private async Task<(DeliveryOutcome Outcome, int Attempts, string Error)> DeliverAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var channel = delivery.Channel;
        var counters = _stats.GetOrAdd(channel.Id, _ => new Counters());
        var error = "";
        var attempt = 0;
        if (!_senders.TryGetValue(channel.Type, out var sender))
        {
            error = $"no sender for channel type {channel.Type}";
        }
        else
        {
            var delay = _options.RetryDelay;
            for (attempt = 1; attempt <= _options.MaxAttempts; attempt++)
            {
                try
                {
                    await sender.SendAsync(channel, delivery.Message, delivery.Id, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref counters.Sent);
                    counters.LastSentAt = _time.GetUtcNow();
                    await RecordAsync(delivery, DeliveryOutcome.Sent, attempt, "").ConfigureAwait(false);
                    return (DeliveryOutcome.Sent, attempt, "");
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    error = e is NotificationDeliveryException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                    Interlocked.Increment(ref counters.FailedAttempts);
                    LogAttemptFailed(_logger, channel.Name, attempt, _options.MaxAttempts, error);
                }

                if (attempt < _options.MaxAttempts)
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                    delay *= 2;
                }
            }

            attempt = _options.MaxAttempts;
        }

        Interlocked.Increment(ref counters.Failed);
        counters.LastFailureAt = _time.GetUtcNow();
        counters.LastError = error;
        await RecordAsync(delivery, DeliveryOutcome.Failed, attempt, error).ConfigureAwait(false);
        if (delivery.Message.Type != NotificationType.Test)
        {
            _alerts.Raise(new AlertSignal
            {
                Key = $"notification:{channel.Id}",
                Kind = AlertKind.Notification,
                Severity = AlertSeverity.Warning,
                Source = "notifications",
                Subject = channel.Name,
                Message = $"Could not deliver \"{delivery.Message.Title}\" through {channel.Type} channel '{channel.Name}' after {attempt} attempts: {error}",
                Details = new Dictionary<string, string>
                {
                    ["channelId"] = channel.Id.ToString(),
                    ["channel"] = channel.Name,
                    ["rule"] = delivery.Message.RuleName,
                    ["error"] = error,
                },
            });
        }

        return (DeliveryOutcome.Failed, attempt, error);
    }

    private async Task RecordAsync(Delivery delivery, DeliveryOutcome outcome, int attempts, string error)
    {
        try
        {
            await _store.AddDeliveriesAsync([new DeliveryRecord(delivery.Id, _time.GetUtcNow(), delivery.Channel.Id, delivery.Channel.Name,
                delivery.Message.RuleName, delivery.Message.Type, delivery.Message.Title, outcome, attempts, error)]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The counters above still count it; only the list entry is missing.
            LogRecordFailed(_logger, e);
        }
    }

    public void WriteMetrics(StringBuilder text)
    {
        PrometheusMetrics.Family(text, "flowweb_notifications_total", "counter", "Notification deliveries by channel and outcome: sent, failed (every attempt failed), dropped (queue full).");
        PrometheusMetrics.Family(text, "flowweb_notification_failed_attempts_total", "counter", "Delivery attempts that failed (each retried until the attempts are used up), by channel.");
        foreach (var (id, _) in _stats.OrderBy(s => s.Key))
        {
            var name = _channels(id)?.Name ?? id.ToString();
            var s = Stats(id);
            PrometheusMetrics.Sample(text, "flowweb_notifications_total", s.Sent, ("channel", name), ("outcome", "sent"));
            PrometheusMetrics.Sample(text, "flowweb_notifications_total", s.Failed, ("channel", name), ("outcome", "failed"));
            PrometheusMetrics.Sample(text, "flowweb_notifications_total", s.Dropped, ("channel", name), ("outcome", "dropped"));
            PrometheusMetrics.Sample(text, "flowweb_notification_failed_attempts_total", s.FailedAttempts, ("channel", name));
        }

        PrometheusMetrics.Family(text, "flowweb_notification_queue_length", "gauge", "Deliveries waiting.");
        PrometheusMetrics.Sample(text, "flowweb_notification_queue_length", QueueLength);
    }

    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Notification through '{Channel}' failed (attempt {Attempt} of {MaxAttempts}): {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string channel, int attempt, int maxAttempts, string error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Notification queue full: \"{Title}\" for '{Channel}' dropped")]
    private static partial void LogDropped(ILogger logger, string channel, string title);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Could not record a notification delivery")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception);
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Detection;

/// <summary>
/// Writes attacks to the database: each one when it starts, every <see cref="UpdateInterval"/> while it lasts (its
/// peaks, evidence and graph so far), and when it ends. The detector never waits: reports go through a bounded queue
/// (a full queue drops an update and counts it; starts and ends are written again by the next update or the end).
/// At start-up ids continue after the stored ones and attacks a crash left open are closed; at shutdown ongoing
/// attacks are stored as closed by the restart. Ended attacks older than <see cref="DetectionOptions.Retention"/>
/// are deleted hourly.
/// </summary>
public sealed partial class AttackRecorder(
    AttackDetection detection, AttackStore store, IOptions<DetectionOptions> options, TimeProvider time, ILogger<AttackRecorder> logger)
    : BackgroundService, IAttackObserver
{
    public static readonly TimeSpan UpdateInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetentionInterval = TimeSpan.FromHours(1);

    /// <summary>
    /// A report to upsert, an action to add to a stored attack, or neither (a barrier). <paramref name="Written"/>,
    /// when set, completes once the item and everything queued before it are written (or their writes failed, counted).
    /// </summary>
    private sealed record Item(AttackReport? Report, long Id, AttackAction? Action, TaskCompletionSource? Written = null);

    private readonly Channel<Item> _queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(1024)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly ConcurrentDictionary<long, DateTimeOffset> _lastWritten = new();
    private long _dropped;
    private long _failed;
    private long _written;

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Failed => Interlocked.Read(ref _failed);

    public long Written => Interlocked.Read(ref _written);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var closed = await store.CloseOrphansAsync(cancellationToken).ConfigureAwait(false);
        if (closed > 0)
        {
            LogOrphans(logger, closed);
        }

        detection.ContinueIdsAfter(await store.MaxIdAsync(cancellationToken).ConfigureAwait(false));
        detection.AddObserver(this);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public void OnAttackStarted(AttackReport attack) => Enqueue(attack);

    public void OnAttackUpdated(AttackReport attack)
    {
        if (time.GetUtcNow() - _lastWritten.GetValueOrDefault(attack.Id) >= UpdateInterval)
        {
            Enqueue(attack);
        }
    }

    public void OnAttackEnded(AttackReport attack)
    {
        Enqueue(attack);
        _lastWritten.TryRemove(attack.Id, out _);
    }

    /// <summary>
    /// Adds an action to an attack that is no longer live, after every report of it queued before. Completes when the
    /// action is stored, so that whoever reads the attack next sees it. Its caller (the mitigation queue) may wait, so a
    /// full queue is waited for rather than dropped: only the detector must never wait.
    /// </summary>
    public Task AppendActionAsync(long attackId, AttackAction action, CancellationToken cancellationToken = default) =>
        EnqueueAwaitedAsync(new Item(null, attackId, action, NewWritten()), cancellationToken);

    /// <summary>Completes once every report and action queued before the call is written: read-your-writes for the store.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        EnqueueAwaitedAsync(new Item(null, 0, null, NewWritten()), cancellationToken);

    private static TaskCompletionSource NewWritten() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task EnqueueAwaitedAsync(Item item, CancellationToken cancellationToken)
    {
        await _queue.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        await item.Written!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<AttackReport?> GetAsync(long id, CancellationToken cancellationToken = default) => store.GetAsync(id, cancellationToken);

    private void Enqueue(AttackReport attack)
    {
        if (!_queue.Writer.TryWrite(new Item(attack, attack.Id, null)))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        if (attack.End is null)
        {
            _lastWritten[attack.Id] = time.GetUtcNow();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastRetention = DateTimeOffset.MinValue;
        var batch = new List<Item>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (batch.Count < 256 && _queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                // Not cancelled by a stop: the batch is off the queue, so StopAsync would not have it. The host's
                // shutdown timeout still bounds the wait for it (StopAsync waits for this loop only that long).
                await WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
                batch.Clear();
                if (time.GetUtcNow() - lastRetention >= RetentionInterval)
                {
                    lastRetention = time.GetUtcNow();
                    await DeleteExpiredAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping, between batches or in the retention clean-up: the rest is written in StopAsync.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        var rest = new List<Item>();
        while (_queue.Reader.TryRead(out var item))
        {
            rest.Add(item);
        }

        var now = time.GetUtcNow();
        rest.AddRange(detection.Ongoing.Select(a => new Item(a with { End = now, ClosedByRestart = true }, a.Id, null)));
        if (rest.Count > 0)
        {
            await WriteAsync(rest, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes in queue order: runs of reports as one upsert, each action after the reports before it.</summary>
    private async Task WriteAsync(List<Item> batch, CancellationToken cancellationToken)
    {
        var reports = new List<AttackReport>();
        foreach (var item in batch)
        {
            if (item.Report is not null)
            {
                reports.Add(item.Report);
                continue;
            }

            await WriteReportsAsync(reports, cancellationToken).ConfigureAwait(false);
            reports.Clear();
            if (item.Action is not null)
            {
                try
                {
                    await store.AppendActionAsync(item.Id, item.Action, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Interlocked.Increment(ref _failed);
                    LogWriteFailed(logger, e, 1);
                }
            }

            item.Written?.TrySetResult();
        }

        await WriteReportsAsync(reports, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteReportsAsync(List<AttackReport> reports, CancellationToken cancellationToken)
    {
        if (reports.Count == 0)
        {
            return;
        }

        try
        {
            await store.UpsertAsync(reports, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _written, reports.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.Add(ref _failed, reports.Count);
            LogWriteFailed(logger, e, reports.Count);
        }
    }

    private async Task DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await store.DeleteEndedBeforeAsync(time.GetUtcNow() - options.Value.Retention, cancellationToken).ConfigureAwait(false);
            if (deleted > 0)
            {
                LogExpired(logger, deleted);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogWriteFailed(logger, e, 0);
        }
    }

    [LoggerMessage(EventId = 135, Level = LogLevel.Information, Message = "Closed {Count} attacks left open by an unclean stop (at their last update)")]
    private static partial void LogOrphans(ILogger logger, int count);

    [LoggerMessage(EventId = 136, Level = LogLevel.Error, Message = "Storing {Count} attack reports failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 137, Level = LogLevel.Information, Message = "Deleted {Count} attacks past their retention")]
    private static partial void LogExpired(ILogger logger, int count);
}

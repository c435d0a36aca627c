using System.Collections.Concurrent;
using System.Threading.Channels;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Storage.History;

/// <summary>What the history writer has accepted, written, dropped (queue full) and lost to write errors, by kind.</summary>
public readonly record struct HistoryWriterCounters(
    long MinuteRowsQueued,
    long MinuteRowsWritten,
    long MinuteRowsDropped,
    long MinuteRowsFailed,
    long ToplistPeriodsQueued,
    long ToplistPeriodsWritten,
    long ToplistPeriodsDropped,
    long ToplistPeriodsFailed,
    int QueueLength,
    int QueueCapacity);

/// <summary>
/// The history write path. The collector hands minute rows and closed toplist periods to the non-blocking
/// <c>TryWrite</c> methods, which only enqueue into a bounded queue: when it is full the item is dropped and
/// counted, never waited for. The background loop drains the queue in batches of up to
/// <see cref="StorageOptions.HistoryBatchRows"/> rows, one transaction each (<see cref="HistoryBatchWriter"/>).
/// At shutdown it stops after the collector (it is registered before it) and writes everything still queued.
/// </summary>
public sealed partial class HistoryWriter : BackgroundService
{
    private readonly Lazy<Channel<Item>> _lazyQueue;
    private readonly SqliteConnectionFactory _connections;
    private readonly IOptions<StorageOptions> _options;
    private readonly ILogger<HistoryWriter> _logger;

    // Not disposed: a stop may still be flushing when the container disposes this service.
    private readonly SemaphoreSlim _drain = new(1, 1);
    private readonly ConcurrentDictionary<Guid, long> _sensorKeys = new();
    private readonly Lock _stopSync = new();
    private Task? _stopping;
    private long _minutesQueued;
    private long _minutesWritten;
    private long _minutesDropped;
    private long _minutesFailed;
    private long _toplistsQueued;
    private long _toplistsWritten;
    private long _toplistsDropped;
    private long _toplistsFailed;

    public HistoryWriter(SqliteConnectionFactory connections, IOptions<StorageOptions> options, ILogger<HistoryWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connections = connections;
        _options = options;
        _logger = logger;

        // Options are read at first use, not here: start-up validation then reports every section's errors together.
        _lazyQueue = new Lazy<Channel<Item>>(() => Channel.CreateBounded<Item>(new BoundedChannelOptions(options.Value.HistoryQueueCapacity)
        {
            // Wait mode makes TryWrite return false when full (DropWrite would report success and lose the item).
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        }));
    }

    public HistoryWriterCounters Counters => new(
        Interlocked.Read(ref _minutesQueued), Interlocked.Read(ref _minutesWritten), Interlocked.Read(ref _minutesDropped), Interlocked.Read(ref _minutesFailed),
        Interlocked.Read(ref _toplistsQueued), Interlocked.Read(ref _toplistsWritten), Interlocked.Read(ref _toplistsDropped), Interlocked.Read(ref _toplistsFailed),
        Queue.Reader.Count, _options.Value.HistoryQueueCapacity);

    private Channel<Item> Queue => _lazyQueue.Value;

    /// <summary>Queues minute rows (copied); a row for a minute already written is added to it. False when the queue is full: the rows are dropped and counted.</summary>
    public bool TryWriteMinutes(IReadOnlyCollection<ChannelMinute> minutes)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        if (minutes.Count == 0)
        {
            return true;
        }

        if (Queue.Writer.TryWrite(new Item([.. minutes], null)))
        {
            Interlocked.Add(ref _minutesQueued, minutes.Count);
            return true;
        }

        Interlocked.Add(ref _minutesDropped, minutes.Count);
        return false;
    }

    /// <summary>
    /// Queues a closed toplist period of a sensor, with the host names of its rows' addresses as they were known
    /// when it closed (<paramref name="hostNames"/>: one pair per row, or null for none). False when the queue is
    /// full: the period is dropped and counted.
    /// </summary>
    public bool TryWriteToplist(Guid sensorId, int toplistId, ToplistPeriodResult period, IReadOnlyList<HostNamePair>? hostNames = null)
    {
        ArgumentNullException.ThrowIfNull(period);
        if (Queue.Writer.TryWrite(new Item(null, new ToplistItem(sensorId, toplistId, period, hostNames))))
        {
            Interlocked.Increment(ref _toplistsQueued);
            return true;
        }

        Interlocked.Increment(ref _toplistsDropped);
        return false;
    }

    /// <summary>Writes everything queued before this call (whether or not the background loop runs).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _drain.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await DrainAsync().ConfigureAwait(false);
        }
        finally
        {
            _drain.Release();
        }
    }

    /// <summary>
    /// Stops the loop, refuses further items (counted as drops) and writes what is queued. A host may call this twice
    /// at once (the factory stopping the app while the app's own run loop stops it too); both calls await the same work,
    /// so neither returns, and lets the container dispose this, before the queue is written.
    /// </summary>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopSync)
        {
            return _stopping ??= StopOnceAsync(cancellationToken);
        }
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Queue.Writer.TryComplete();
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await Queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await FlushAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DrainAsync()
    {
        var batch = new List<Item>();
        while (true)
        {
            batch.Clear();
            var rows = 0;
            var limit = _options.Value.HistoryBatchRows;
            while (rows < limit && Queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
                rows += item.Minutes?.Length ?? item.Toplist!.Period.Rows.Count + 1;
            }

            if (batch.Count == 0)
            {
                return;
            }

            await WriteBatchAsync(batch).ConfigureAwait(false);
        }
    }

    /// <summary>Once dequeued, items are written or counted as failed: no cancellation in between.</summary>
    private async Task WriteBatchAsync(List<Item> batch)
    {
        long minutes = 0, toplists = 0;
        foreach (var item in batch)
        {
            if (item.Minutes is not null)
            {
                minutes += item.Minutes.Length;
            }
            else
            {
                toplists++;
            }
        }

        try
        {
            var connection = await _connections.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var writer = new HistoryBatchWriter(connection, _sensorKeys);
                foreach (var item in batch)
                {
                    if (item.Minutes is not null)
                    {
                        writer.AddMinutes(item.Minutes);
                    }
                    else
                    {
                        writer.AddToplist(item.Toplist!.SensorId, item.Toplist.ToplistId, item.Toplist.Period, item.Toplist.HostNames);
                    }
                }

                writer.Commit();
            }

            Interlocked.Add(ref _minutesWritten, minutes);
            Interlocked.Add(ref _toplistsWritten, toplists);
        }
        catch (Exception e)
        {
            // The batch is rolled back; counted, and the loop goes on with the next one.
            Interlocked.Add(ref _minutesFailed, minutes);
            Interlocked.Add(ref _toplistsFailed, toplists);
            LogWriteFailed(_logger, minutes, toplists, e);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Could not write history: {MinuteRows} minute row(s) and {ToplistPeriods} toplist period(s) lost")]
    private static partial void LogWriteFailed(ILogger logger, long minuteRows, long toplistPeriods, Exception exception);

    private sealed record ToplistItem(Guid SensorId, int ToplistId, ToplistPeriodResult Period, IReadOnlyList<HostNamePair>? HostNames);

    private readonly record struct Item(ChannelMinute[]? Minutes, ToplistItem? Toplist);
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Storage.History;

/// <summary>
/// The history write path. The collector hands minute rows and closed toplist periods to the non-blocking
/// <c>TryWrite</c> methods: each item gets a sequence number, is written to the journal (<see cref="HistoryJournal"/>,
/// one small file, so that a hard kill cannot lose it) and queued in memory; the collector never waits for the
/// database. When the memory queue is full the item waits in the journal only and is read back later; only when the
/// journal cannot take it either is it dropped, and counted. The background loop writes batches of up to
/// <see cref="StorageOptions.HistoryBatchRows"/> rows, one transaction each (<see cref="HistoryBatchWriter"/>), which
/// also records the items' sequence numbers, so an item is written exactly once even when the process dies between
/// the commit and the deletion of its file. A batch that fails (disk full, database locked) is kept and retried
/// with back-off (1 s doubling to <see cref="StorageOptions.HistoryRetryMaxDelay"/>) while <see cref="HistoryStatus"/>
/// reports why, for <c>/health</c>, the UI and <c>/metrics</c>. At start the files a previous run left are written
/// first; at shutdown (it stops after the collector) everything queued is written, or left in the journal for the
/// next start if the database cannot take it.
/// </summary>
public sealed partial class HistoryWriter : BackgroundService
{
    private const int AttemptsBeforeGivingUp = 5;
    private const int AttemptsAtShutdown = 3;

    private readonly Lazy<Channel<HistoryItem>> _lazyQueue;
    private readonly Lazy<HistoryJournal> _lazyJournal;
    private readonly SqliteConnectionFactory _connections;
    private readonly IOptions<StorageOptions> _options;
    private readonly HistoryStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger<HistoryWriter> _logger;

    // Not disposed: a stop may still be flushing when the container disposes this service.
    private readonly SemaphoreSlim _drain = new(1, 1);
    private readonly ConcurrentDictionary<Guid, long> _sensorKeys = new();
    private readonly ConcurrentQueue<long> _deferred = new();
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly List<long> _forget = [];
    private List<HistoryItem>? _pending;
    private readonly Lock _stopSync = new();
    private Task? _stopping;
    private volatile bool _refusing;
    private long _sequence;
    private long _lastJournalLog;
    private long _minutesQueued;
    private long _minutesWritten;
    private long _minutesDropped;
    private long _minutesFailed;
    private long _toplistsQueued;
    private long _toplistsWritten;
    private long _toplistsDropped;
    private long _toplistsFailed;
    private long _journalFailures;
    private long _deferredCount;
    private long _recovered;
    private long _unreadable;

    public HistoryWriter(SqliteConnectionFactory connections, IOptions<StorageOptions> options, ILogger<HistoryWriter> logger)
        : this(connections, options, new HistoryStatus(), TimeProvider.System, logger)
    {
    }

    public HistoryWriter(SqliteConnectionFactory connections, IOptions<StorageOptions> options, HistoryStatus status, TimeProvider time, ILogger<HistoryWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connections = connections;
        _options = options;
        _status = status;
        _time = time;
        _logger = logger;

        // Options are read at first use, not here: start-up validation then reports every section's errors together.
        _lazyQueue = new Lazy<Channel<HistoryItem>>(() => Channel.CreateBounded<HistoryItem>(new BoundedChannelOptions(options.Value.HistoryQueueCapacity)
        {
            // Wait mode makes TryWrite return false when full (DropWrite would report success and lose the item).
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        }));
        _lazyJournal = new Lazy<HistoryJournal>(() =>
        {
            var journal = new HistoryJournal(options.Value.FullDataDirectory, options.Value.HistoryJournalMaxBytes);

            // Above every file left and above what earlier runs used (a time base), so that a sequence number the database
            // recorded as written is never given to a new item; a clock set back meets only numbers whose files are gone.
            var left = journal.Sequences();
            _sequence = Math.Max(left.Count > 0 ? left[^1] : 0, time.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
            return journal;
        });
    }

    public HistoryWriterCounters Counters => new(
        Interlocked.Read(ref _minutesQueued), Interlocked.Read(ref _minutesWritten), Interlocked.Read(ref _minutesDropped), Interlocked.Read(ref _minutesFailed),
        Interlocked.Read(ref _toplistsQueued), Interlocked.Read(ref _toplistsWritten), Interlocked.Read(ref _toplistsDropped), Interlocked.Read(ref _toplistsFailed),
        Queue.Reader.Count, _options.Value.HistoryQueueCapacity)
    {
        JournalFailures = Interlocked.Read(ref _journalFailures),
        ItemsDeferred = Interlocked.Read(ref _deferredCount),
        ItemsRecovered = Interlocked.Read(ref _recovered),
        ItemsUnreadable = Interlocked.Read(ref _unreadable),
        WriteFailures = new Dictionary<string, long>(_failures, StringComparer.Ordinal),
        JournalFiles = Journal.Files,
        JournalBytes = Journal.Bytes,
    };

    public HistoryStatus Status => _status;

    private Channel<HistoryItem> Queue => _lazyQueue.Value;

    private HistoryJournal Journal => _lazyJournal.Value;

    /// <summary>
    /// Journals and queues minute rows (copied); a row for a minute already written is added to it. False when neither
    /// the queue nor the journal can take them: they are dropped and counted.
    /// </summary>
    public bool TryWriteMinutes(IReadOnlyCollection<ChannelMinute> minutes)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        if (minutes.Count == 0)
        {
            return true;
        }

        var accepted = Accept(new HistoryItem(NextSequence(), [.. minutes], null));
        Interlocked.Add(ref accepted ? ref _minutesQueued : ref _minutesDropped, minutes.Count);
        return accepted;
    }

    /// <summary>
    /// Journals and queues a closed toplist period of a sensor, with the host names of its rows' addresses as they
    /// were known when it closed (<paramref name="hostNames"/>: one pair per row, or null for none). False when neither
    /// the queue nor the journal can take it: it is dropped and counted.
    /// </summary>
    public bool TryWriteToplist(Guid sensorId, int toplistId, ToplistPeriodResult period, IReadOnlyList<HostNamePair>? hostNames = null)
    {
        ArgumentNullException.ThrowIfNull(period);
        var accepted = Accept(new HistoryItem(NextSequence(), null, new HistoryToplist(sensorId, toplistId, period, hostNames)));
        Interlocked.Increment(ref accepted ? ref _toplistsQueued : ref _toplistsDropped);
        return accepted;
    }

    /// <summary>Writes everything queued or journaled before this call (whether or not the background loop runs).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _drain.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await DrainAsync(stopping: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _drain.Release();
        }
    }

    /// <summary>Writes what a previous run left in the journal (queued behind nothing: it is older than anything new).</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RecoverAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
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
        _refusing = true;
        Queue.Writer.TryComplete();
        await _drain.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await DrainAsync(stopping: true, CancellationToken.None).ConfigureAwait(false);
            CountLeftAtStop();
        }
        finally
        {
            _drain.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                // Items that waited in the journal only (a full queue, or a previous run's) are picked up without a new one arriving.
                if (_deferred.IsEmpty && !await Queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
                {
                    return;
                }

                await _drain.WaitAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await DrainAsync(stopping: false, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    _drain.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The journal is opened first: it sets the sequence base above every number a previous run used.</summary>
    private long NextSequence()
    {
        _ = Journal;
        return Interlocked.Increment(ref _sequence);
    }

    private bool Accept(HistoryItem item)
    {
        if (_refusing)
        {
            return false;
        }

        item.Journaled = Journal.TryAppend(item, out var problem);
        if (!item.Journaled && Journal.Enabled)
        {
            // Logged at most once a minute: a full journal refuses every item until the database catches up.
            Interlocked.Increment(ref _journalFailures);
            var now = _time.GetTimestamp();
            if (_lastJournalLog == 0 || _time.GetElapsedTime(_lastJournalLog, now) >= TimeSpan.FromMinutes(1))
            {
                _lastJournalLog = now;
                LogJournalFailed(_logger, problem);
            }
        }

        if (Queue.Writer.TryWrite(item))
        {
            return true;
        }

        if (item.Journaled)
        {
            // Read back from its file when the queue has room; during shutdown, by the next start.
            if (!_refusing)
            {
                _deferred.Enqueue(item.Sequence);
            }

            Interlocked.Increment(ref _deferredCount);
            return true;
        }

        return false;
    }

    private async Task DrainAsync(bool stopping, CancellationToken cancellationToken)
    {
        while (true)
        {
            // A batch whose retry was interrupted (the host stopping) goes first.
            var batch = _pending ?? [];
            _pending = null;
            var rows = batch.Sum(i => i.Rows);
            var limit = _options.Value.HistoryBatchRows;
            while (rows < limit && Queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
                rows += item.Rows;
            }

            while (rows < limit && _deferred.TryDequeue(out var sequence))
            {
                if (Journal.Read(sequence, out var problem) is { } item)
                {
                    batch.Add(item);
                    rows += item.Rows;
                }
                else
                {
                    // Damaged (a disk error, a file cut short by a power cut): logged, counted, and not tried again.
                    LogJournalUnreadable(_logger, sequence, problem);
                    Interlocked.Increment(ref _unreadable);
                    Journal.Delete(sequence);
                }
            }

            if (batch.Count == 0)
            {
                return;
            }

            if (!await WriteWithRetryAsync(batch, stopping, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }
}

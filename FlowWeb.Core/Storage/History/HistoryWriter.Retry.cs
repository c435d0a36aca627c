using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace FlowWeb.Core.Storage.History;

/// <summary>Why a history write failed, as counted in <c>/metrics</c> (<c>flowweb_history_write_failures_total{reason}</c>).</summary>
public static class HistoryWriteFailure
{
    public const string DiskFull = "disk_full";
    public const string Locked = "locked";
    public const string ReadOnly = "read_only";
    public const string Io = "io";
    public const string Other = "other";

    /// <summary>Disk full, locked, read-only and I/O errors pass when the cause does: they are retried for as long as it takes.</summary>
    public static bool IsTransient(string reason) => reason != Other;

    public static string Classify(Exception error) => error switch
    {
        SqliteException { SqliteErrorCode: 13 } => DiskFull, // SQLITE_FULL
        SqliteException { SqliteErrorCode: 5 or 6 } => Locked, // SQLITE_BUSY, SQLITE_LOCKED
        SqliteException { SqliteErrorCode: 8 } => ReadOnly, // SQLITE_READONLY
        SqliteException { SqliteErrorCode: 10 or 14 } => Io, // SQLITE_IOERR, SQLITE_CANTOPEN
        IOException => Io,
        _ => Other,
    };
}

public sealed partial class HistoryWriter
{
    /// <summary>
    /// Writes a batch, retrying with back-off until it is written. False when draining should stop: the host is
    /// stopping and the database still refuses (what is journaled waits for the next start).
    /// </summary>
    private async Task<bool> WriteWithRetryAsync(List<HistoryItem> batch, bool stopping, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Exception error;
            try
            {
                await WriteBatchAsync(batch).ConfigureAwait(false);
                if (!_status.Current.Healthy)
                {
                    LogRecovered(_logger, _status.Current.Attempts, _status.Current.Since);
                    _status.Set(HistoryCondition.Ok);
                }

                return true;
            }
#pragma warning disable CA1031 // Whatever the database throws, the batch is kept and retried or counted; the loop never dies.
            catch (Exception e)
#pragma warning restore CA1031
            {
                error = e;
            }

            var reason = HistoryWriteFailure.Classify(error);
            _failures.AddOrUpdate(reason, 1, (_, n) => n + 1);
            if ((!HistoryWriteFailure.IsTransient(reason) && attempt >= AttemptsBeforeGivingUp) || (stopping && attempt >= AttemptsAtShutdown))
            {
                GiveUp(batch, error, keepJournal: HistoryWriteFailure.IsTransient(reason));
                return !stopping;
            }

            var now = _time.GetUtcNow();
            var delay = Backoff(attempt, stopping);
            _status.Set(new HistoryCondition(false, Describe(reason, error), _status.Current.Since ?? now, now + delay, attempt,
                batch.Count + Queue.Reader.Count + _deferred.Count));
            if (attempt == 1 || IsPowerOfTwo(attempt))
            {
                LogRetrying(_logger, batch.Count, attempt, delay.TotalSeconds, error);
            }

            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The host is stopping: the batch waits for the final drain.
                _pending = batch;
                throw;
            }
        }
    }

    private TimeSpan Backoff(int attempt, bool stopping)
    {
        if (stopping)
        {
            return TimeSpan.FromMilliseconds(500);
        }

        var seconds = Math.Pow(2, Math.Min(attempt - 1, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, _options.Value.HistoryRetryMaxDelay.TotalSeconds));
    }

    private static bool IsPowerOfTwo(int n) => (n & (n - 1)) == 0;

    private static string Describe(string reason, Exception error) => reason switch
    {
        HistoryWriteFailure.DiskFull => $"the disk is full ({error.Message})",
        HistoryWriteFailure.Locked => $"the database is locked by another process ({error.Message})",
        HistoryWriteFailure.ReadOnly => $"the database is read-only ({error.Message})",
        _ => error.Message,
    };

    /// <summary>
    /// A batch that cannot be written: at shutdown its journaled items stay for the next start; an error that retrying
    /// does not cure (a bug, a damaged database) loses it, counted and logged, so that it cannot block all later history.
    /// </summary>
    private void GiveUp(List<HistoryItem> batch, Exception error, bool keepJournal)
    {
        long minutes = 0, toplists = 0, kept = 0;
        foreach (var item in batch)
        {
            if (keepJournal && item.Journaled)
            {
                kept++;
                continue;
            }

            if (item.Journaled)
            {
                Journal.Delete(item.Sequence);
            }

            if (item.Minutes is { } rows)
            {
                minutes += rows.Length;
            }
            else
            {
                toplists++;
            }
        }

        Interlocked.Add(ref _minutesFailed, minutes);
        Interlocked.Add(ref _toplistsFailed, toplists);
        LogWriteFailed(_logger, minutes, toplists, kept, error);
    }

    /// <summary>
    /// What a stop could not write (the database still refusing): journaled items wait for the next start; items the
    /// journal could not take are lost, counted as failed and logged.
    /// </summary>
    private void CountLeftAtStop()
    {
        long minutes = 0, toplists = 0, kept = 0;
        while (Queue.Reader.TryRead(out var item))
        {
            if (item.Journaled)
            {
                kept++;
            }
            else if (item.Minutes is { } rows)
            {
                minutes += rows.Length;
            }
            else
            {
                toplists++;
            }
        }

        if (minutes + toplists + kept > 0)
        {
            Interlocked.Add(ref _minutesFailed, minutes);
            Interlocked.Add(ref _toplistsFailed, toplists);
            LogLeftAtStop(_logger, minutes, toplists, kept);
        }
    }

    /// <summary>One transaction: the items not yet written (by sequence number), the journal bookkeeping, the rollups.</summary>
    private async Task WriteBatchAsync(List<HistoryItem> batch)
    {
        long minutes = 0, toplists = 0;
        var connection = await _connections.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var writer = new HistoryBatchWriter(connection, _sensorKeys);
            writer.ForgetJournal(_forget);
            foreach (var item in batch)
            {
                // Written already by a run that died before deleting the file: skipped, so nothing counts twice.
                if (item.Journaled && !writer.ClaimJournal(item.Sequence))
                {
                    continue;
                }

                if (item.Minutes is { } rows)
                {
                    writer.AddMinutes(rows);
                    minutes += rows.Length;
                }
                else
                {
                    var t = item.Toplist!;
                    writer.AddToplist(t.SensorId, t.ToplistId, t.Period, t.HostNames);
                    toplists++;
                }
            }

            writer.Commit();
        }

        Interlocked.Add(ref _minutesWritten, minutes);
        Interlocked.Add(ref _toplistsWritten, toplists);
        _forget.Clear();
        foreach (var item in batch)
        {
            if (item.Journaled && Journal.Delete(item.Sequence))
            {
                _forget.Add(item.Sequence);
            }
        }
    }

    /// <summary>
    /// Files a previous run left (a hard kill, or writes that never succeeded) wait in line to be written first; the
    /// database's record of written sequence numbers, older than any file, is trimmed.
    /// </summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var left = Journal.Sequences();
        foreach (var sequence in left)
        {
            _deferred.Enqueue(sequence);
        }

        Interlocked.Add(ref _recovered, left.Count);
        if (left.Count > 0)
        {
            LogRecovering(_logger, left.Count, Journal.Folder);
        }

        try
        {
            var connection = await _connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"DELETE FROM {FlowWebDbContext.HistoryJournalTable} WHERE Sequence < $first";
                command.Parameters.AddWithValue("$first", left.Count > 0 ? left[0] : long.MaxValue);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SqliteException e)
        {
            // Only bookkeeping: the writer retries the items themselves.
            LogTrimFailed(_logger, e.Message);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Could not write history: {MinuteRows} minute row(s) and {ToplistPeriods} toplist period(s) lost; {Kept} item(s) left in the journal for the next start")]
    private static partial void LogWriteFailed(ILogger logger, long minuteRows, long toplistPeriods, long kept, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "History write of {Items} item(s) failed (attempt {Attempt}); retrying in {Seconds} s, nothing is lost meanwhile")]
    private static partial void LogRetrying(ILogger logger, int items, int attempt, double seconds, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "History writes succeed again after {Attempts} failed attempt(s) since {Since}")]
    private static partial void LogRecovered(ILogger logger, int attempts, DateTimeOffset? since);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "History journal cannot take an item ({Problem}): it waits in memory only until written, and a hard kill would lose it")]
    private static partial void LogJournalFailed(ILogger logger, string? problem);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "History journal file {Sequence} cannot be read ({Problem}); its item is lost")]
    private static partial void LogJournalUnreadable(ILogger logger, long sequence, string? problem);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Writing {Count} closed minute(s) and toplist period(s) a previous run left in {Folder}")]
    private static partial void LogRecovering(ILogger logger, int count, string folder);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Stopping while history cannot be written: {MinuteRows} minute row(s) and {ToplistPeriods} toplist period(s) lost; {Kept} item(s) left in the journal for the next start")]
    private static partial void LogLeftAtStop(ILogger logger, long minuteRows, long toplistPeriods, long kept);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Could not trim the history journal's record in the database: {Problem}")]
    private static partial void LogTrimFailed(ILogger logger, string problem);
}

using Microsoft.Data.Sqlite;

namespace FlowWeb.Core.Storage;

/// <summary>
/// Where FlowWeb keeps its files and history, and for how long (configuration section <c>Storage</c>; the
/// connection string comes from <c>ConnectionStrings:FlowWeb</c>).
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "FlowWeb";

    /// <summary>Written in a configured connection string, stands for <see cref="FullDataDirectory"/>.</summary>
    public const string DataDirectoryToken = "{DataDirectory}";

    public const string DefaultConnectionString = $"Data Source={DataDirectoryToken}/flowweb.db";

    /// <summary>
    /// Folder for databases and other state. A relative path is resolved against the working directory the
    /// process was started from (so <c>dotnet run</c> from the repository uses <c>./data</c> there); services
    /// and containers should set an absolute path. Created at start-up when missing.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary><see cref="DataDirectory"/> as an absolute path.</summary>
    public string FullDataDirectory => Path.GetFullPath(DataDirectory);

    /// <summary>
    /// The SQLite connection string, from <c>ConnectionStrings:FlowWeb</c>; <see cref="DataDirectoryToken"/> is
    /// replaced by the data directory. Default: <see cref="DefaultConnectionString"/>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long a statement waits for another connection's write lock before it fails (PRAGMA busy_timeout).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Items the history queue holds (one item = one minute's channel rows of a sensor batch, or one closed toplist
    /// period). When full, new items are dropped and counted; the collector never waits.
    /// </summary>
    public int HistoryQueueCapacity { get; set; } = 4096;

    /// <summary>
    /// The longest wait between two attempts to write history that failed (disk full, database locked): the wait
    /// doubles from 1 s up to this. Nothing is lost meanwhile: items wait in memory and in the journal.
    /// </summary>
    public TimeSpan HistoryRetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Bytes the history journal (<c>{DataDirectory}/history-journal</c>, one file per closed minute batch or toplist
    /// period until the database has it) may hold; beyond it items wait in memory only, and a hard kill could lose them.
    /// </summary>
    public long HistoryJournalMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Channel rows written per transaction at most (a queue item is never split).</summary>
    public int HistoryBatchRows { get; set; } = 20_000;

    public TimeSpan MinuteRetention { get; set; } = TimeSpan.FromDays(14);

    public TimeSpan HourRetention { get; set; } = TimeSpan.FromDays(730);

    public TimeSpan DayRetention { get; set; } = TimeSpan.FromDays(3650);

    public TimeSpan ToplistRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Cap on stored toplist history, as PRTG's 2 GB: the oldest periods go first when the estimate exceeds it.
    /// Estimated from row counts (<see cref="RetentionService.EstimatedToplistEntryBytes"/> per entry), not from
    /// the file: SQLite reuses freed pages rather than shrinking the file.
    /// </summary>
    public long ToplistMaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>How often expired history is deleted.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows deleted per statement (each in its own short transaction), so readers and the writer are never held up long.</summary>
    public int RetentionBatchRows { get; set; } = 5000;

    /// <summary>Pause between deletion batches, letting the history writer take the write lock.</summary>
    public TimeSpan RetentionBatchPause { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How often learned templates (and the exporters seen) are saved when they changed; they are saved at shutdown too.</summary>
    public TimeSpan TemplateSaveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most template and sampler row payload written per minute (upserts by key; a template row is about 60 bytes
    /// plus 8 per field). What does not fit waits for the next save, new templates before refreshes. With SQLite's
    /// write-ahead log and index pages a payload costs about twice its size on disk, so the default bounds a template
    /// flood to about 8 MB of disk writes a minute.
    /// </summary>
    public long TemplateWriteBytesPerMinute { get; set; } = 4L * 1024 * 1024;

    /// <summary>A template refreshed by its exporter (every few packets) has its refresh time written at most this often.</summary>
    public TimeSpan TemplateRefreshWriteInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The connection string to open, with the data directory filled in.</summary>
    public string ResolveConnectionString()
    {
        var text = string.IsNullOrWhiteSpace(ConnectionString) ? DefaultConnectionString : ConnectionString;
        return text.Replace(DataDirectoryToken, FullDataDirectory, StringComparison.Ordinal);
    }

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return $"{SectionName}:{nameof(DataDirectory)} must name a folder.";
        }
        else
        {
            string? problem = null;
            try
            {
                _ = Path.GetFullPath(DataDirectory);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                problem = e.Message;
            }

            if (problem is not null)
            {
                yield return $"{SectionName}:{nameof(DataDirectory)} is not a usable path ('{DataDirectory}'): {problem}";
            }
            else if (ConnectionProblem() is { } connection)
            {
                yield return $"ConnectionStrings:{ConnectionStringName} is not a usable SQLite connection string: {connection}";
            }
        }

        foreach (var error in Positive(BusyTimeout, nameof(BusyTimeout))
                     .Concat(Positive(MinuteRetention, nameof(MinuteRetention)))
                     .Concat(Positive(HourRetention, nameof(HourRetention)))
                     .Concat(Positive(DayRetention, nameof(DayRetention)))
                     .Concat(Positive(ToplistRetention, nameof(ToplistRetention)))
                     .Concat(Positive(RetentionInterval, nameof(RetentionInterval)))
                     .Concat(Positive(TemplateSaveInterval, nameof(TemplateSaveInterval)))
                     .Concat(Positive(TemplateRefreshWriteInterval, nameof(TemplateRefreshWriteInterval))))
        {
            yield return error;
        }

        if (HistoryRetryMaxDelay < TimeSpan.FromSeconds(1) || HistoryRetryMaxDelay > TimeSpan.FromHours(1))
        {
            yield return $"{SectionName}:{nameof(HistoryRetryMaxDelay)} must be 00:00:01 to 01:00:00 (was {HistoryRetryMaxDelay}).";
        }

        if (HistoryJournalMaxBytes is < 0 or > 1L << 40)
        {
            yield return $"{SectionName}:{nameof(HistoryJournalMaxBytes)} must be 0 (no journal) to 1 TiB (was {HistoryJournalMaxBytes}).";
        }

        if (TemplateWriteBytesPerMinute < 64 * 1024)
        {
            yield return $"{SectionName}:{nameof(TemplateWriteBytesPerMinute)} must be at least 65536 (was {TemplateWriteBytesPerMinute}).";
        }

        if (RetentionBatchPause < TimeSpan.Zero)
        {
            yield return $"{SectionName}:{nameof(RetentionBatchPause)} must not be negative.";
        }

        if (HistoryQueueCapacity is < 1 or > 1_000_000)
        {
            yield return $"{SectionName}:{nameof(HistoryQueueCapacity)} must be between 1 and 1000000 (was {HistoryQueueCapacity}).";
        }

        if (HistoryBatchRows is < 1 or > 1_000_000)
        {
            yield return $"{SectionName}:{nameof(HistoryBatchRows)} must be between 1 and 1000000 (was {HistoryBatchRows}).";
        }

        if (RetentionBatchRows is < 1 or > 1_000_000)
        {
            yield return $"{SectionName}:{nameof(RetentionBatchRows)} must be between 1 and 1000000 (was {RetentionBatchRows}).";
        }

        if (ToplistMaxBytes < 1024 * 1024)
        {
            yield return $"{SectionName}:{nameof(ToplistMaxBytes)} must be at least 1048576 (1 MiB) (was {ToplistMaxBytes}).";
        }
    }

    private static IEnumerable<string> Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:{name} must be positive (was {value}).";
        }
    }

    private string? ConnectionProblem()
    {
        try
        {
            var builder = new SqliteConnectionStringBuilder(ResolveConnectionString());
            return string.IsNullOrWhiteSpace(builder.DataSource) ? "it names no Data Source." : null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}

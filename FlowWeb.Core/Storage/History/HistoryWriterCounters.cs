namespace FlowWeb.Core.Storage.History;

/// <summary>
/// What the history writer has accepted (queued in memory, or waiting in the journal only), written, dropped (queue
/// and journal both full) and lost to write errors, by kind; and the journal and retry counters.
/// </summary>
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
    int QueueCapacity)
{
    /// <summary>Items whose journal file could not be written (journal full, disk refused it): a hard kill would lose them.</summary>
    public long JournalFailures { get; init; }

    /// <summary>Items that waited in the journal only (the memory queue was full), written from there later.</summary>
    public long ItemsDeferred { get; init; }

    /// <summary>Items a previous run left in the journal (a hard kill, or writes that never succeeded), written at this start.</summary>
    public long ItemsRecovered { get; init; }

    /// <summary>Journal files that could not be read back (damaged): their items are lost.</summary>
    public long ItemsUnreadable { get; init; }

    /// <summary>Write attempts that failed, each retried with back-off, by reason (<see cref="HistoryWriteFailure"/>).</summary>
    public IReadOnlyDictionary<string, long> WriteFailures { get; init; } = new Dictionary<string, long>();

    public int JournalFiles { get; init; }

    public long JournalBytes { get; init; }
}

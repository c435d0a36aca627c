using System.Collections.Concurrent;
using System.Globalization;

namespace FlowWeb.Core.Storage.History;

/// <summary>
/// The history journal: every closed minute batch and toplist period is written to a file of its own in
/// <c>{DataDirectory}/history-journal</c> the moment it closes (<see cref="HistoryJournalFormat"/>), before it waits in
/// memory for the database, and the file is deleted once the database has it. A hard kill therefore loses nothing
/// that closed: at the next start the files left over are written to the database (<see cref="HistoryWriter"/>).
/// Files are not fsynced, like SQLite in WAL mode with synchronous=NORMAL: a kill of the process loses nothing the
/// kernel has, a power cut may lose the last seconds. Bounded by <c>Storage:HistoryJournalMaxBytes</c>; beyond it (or
/// when the disk refuses a file) an item waits in memory only, which <see cref="HistoryWriter"/> counts.
/// </summary>
internal sealed class HistoryJournal
{
    public const string FolderName = "history-journal";
    private const string Extension = ".hj";

    private readonly ConcurrentDictionary<long, long> _sizes = new();
    private readonly long _maxBytes;
    private long _bytes;

    private readonly string? _unavailable;

    public HistoryJournal(string dataDirectory, long maxBytes)
    {
        Folder = Path.Combine(dataDirectory, FolderName);
        _maxBytes = maxBytes;
        try
        {
            // Turned off (0), no folder is made; one a previous run left is still read back.
            if (maxBytes == 0 && !Directory.Exists(Folder))
            {
                return;
            }

            Directory.CreateDirectory(Folder);
            foreach (var file in new DirectoryInfo(Folder).EnumerateFiles("*" + Extension))
            {
                if (TrySequence(file.Name, out var sequence))
                {
                    _sizes[sequence] = file.Length;
                    _bytes += file.Length;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unwritable data folder must not stop the collector: items then wait in memory only, counted by the writer.
            _unavailable = $"the journal folder {Folder} cannot be used ({e.Message})";
        }
    }

    public string Folder { get; }

    /// <summary>False when <c>Storage:HistoryJournalMaxBytes</c> is 0: items are not journaled, by choice.</summary>
    public bool Enabled => _maxBytes > 0;

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Files => _sizes.Count;

    /// <summary>The files there are, oldest first (at start: what a previous run left).</summary>
    public IReadOnlyList<long> Sequences() => [.. _sizes.Keys.Order()];

    /// <summary>Writes the item's file; false with the reason when the journal is full or the disk refuses it.</summary>
    public bool TryAppend(HistoryItem item, out string? problem)
    {
        if (_unavailable is not null || !Enabled)
        {
            problem = _unavailable ?? "the journal is turned off (Storage:HistoryJournalMaxBytes is 0)";
            return false;
        }

        var bytes = HistoryJournalFormat.Write(item);
        if (Bytes + bytes.Length > _maxBytes)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"the journal holds {Bytes:N0} bytes, its limit is {_maxBytes:N0} (Storage:HistoryJournalMaxBytes)");
            return false;
        }

        var path = PathOf(item.Sequence);
        try
        {
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                file.Write(bytes);
            }

            _sizes[item.Sequence] = bytes.Length;
            Interlocked.Add(ref _bytes, bytes.Length);
            problem = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A part written before the disk filled up would only be found damaged at the next start.
            TryDeleteFile(path);
            problem = e.Message;
            return false;
        }
    }

    public HistoryItem? Read(long sequence, out string? problem)
    {
        try
        {
            return HistoryJournalFormat.Read(File.ReadAllBytes(PathOf(sequence)), out problem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>Forgets an item the database now has (or one that can never be written); false when its file is still there.</summary>
    public bool Delete(long sequence)
    {
        if (_sizes.TryRemove(sequence, out var size))
        {
            Interlocked.Add(ref _bytes, -size);
        }

        return TryDeleteFile(PathOf(sequence));
    }

    private string PathOf(long sequence) => Path.Combine(Folder, sequence.ToString("D20", CultureInfo.InvariantCulture) + Extension);

    private static bool TrySequence(string name, out long sequence) =>
        long.TryParse(Path.GetFileNameWithoutExtension(name), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);

    private static bool TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next start, which finds it already written (its sequence stays in the database) and deletes it then.
            return false;
        }
    }
}

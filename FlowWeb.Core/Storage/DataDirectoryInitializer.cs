using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Storage;

/// <summary>
/// Creates the data directory at start-up and proves it writable, before anything that writes there starts. When it
/// is not, start-up stops with one message that names the directory, the user the process runs as, and the fix:
/// better than an SQLite error from deep inside the first write, or a history that silently never fills.
/// </summary>
internal sealed partial class DataDirectoryInitializer(IOptions<StorageOptions> options, ILogger<DataDirectoryInitializer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.FullDataDirectory;
        try
        {
            Directory.CreateDirectory(path);
            ProbeWritable(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var message = Explain(path, e);
            LogNotWritable(logger, message);
            throw new InvalidOperationException(message, e);
        }

        LogDataDirectory(logger, path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates and deletes a file (what SQLite's journal needs too), and opens the database for writing if it exists.</summary>
    private static void ProbeWritable(string path)
    {
        var probe = Path.Combine(path, $".flowweb-write-test-{Environment.ProcessId}");
        using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
        {
        }

        foreach (var file in Directory.EnumerateFiles(path, "*.db"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
    }

    /// <summary>"Storage:DataDirectory: FlowWeb cannot write to '/data' (Permission denied) as user app (uid 1654). Fix: ..."</summary>
    internal static string Explain(string path, Exception e)
    {
        var user = CurrentUser();
        return $"{StorageOptions.SectionName}:{nameof(StorageOptions.DataDirectory)}: FlowWeb cannot write to '{path}' ({e.Message}) "
            + $"as user {user.Name}{(user.Uid is { } uid ? $" (uid {uid})" : "")}. Fix: let that user write there "
            + $"(e.g. sudo chown -R {user.Name} '{path}'), or set {StorageOptions.SectionName}:{nameof(StorageOptions.DataDirectory)} "
            + $"(environment variable {StorageOptions.SectionName}__{nameof(StorageOptions.DataDirectory)}) to a folder it can write.";
    }

    private static (string Name, string? Uid) CurrentUser()
    {
        string? uid = null;
        try
        {
            // Linux: "Uid:\treal\teffective\t..."; the effective id is what file permissions are checked against.
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            uid = line?.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux: the name alone.
        }

        return (Environment.UserName, uid);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Data directory: {Path}")]
    private static partial void LogDataDirectory(ILogger logger, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Critical, Message = "{Message}")]
    private static partial void LogNotWritable(ILogger logger, string message);
}

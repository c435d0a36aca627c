using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Storage;

/// <summary>Creates the data directory at start-up, before anything that writes there starts.</summary>
internal sealed partial class DataDirectoryInitializer(IOptions<StorageOptions> options, ILogger<DataDirectoryInitializer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.FullDataDirectory;
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{StorageOptions.SectionName}:{nameof(StorageOptions.DataDirectory)}: cannot create '{path}': {e.Message}", e);
        }

        LogDataDirectory(logger, path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Data directory: {Path}")]
    private static partial void LogDataDirectory(ILogger logger, string path);
}

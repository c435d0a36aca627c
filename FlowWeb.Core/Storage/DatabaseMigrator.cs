using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowWeb.Core.Storage;

/// <summary>
/// Brings the database to the current schema at start-up, before the collector and the other storage services
/// start (it is registered ahead of them, and hosted services start in order).
/// </summary>
/// <remarks>
/// The context factory is resolved in <see cref="StartAsync"/>, not injected: building it reads the options, and
/// hosted services are constructed before start-up validation, which should report every section's errors at once.
/// </remarks>
internal sealed partial class DatabaseMigrator(IServiceProvider services, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var contexts = services.GetRequiredService<IDbContextFactory<FlowWebDbContext>>();
        var context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var applied = await MigrateAsync(context, cancellationToken).ConfigureAwait(false);
            LogMigrated(logger, applied.Count, applied.Count == 0 ? "-" : string.Join(", ", applied));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Switches the file to WAL (readers never wait for the writer) and applies pending migrations; returns those applied.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(FlowWebDbContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // journal_mode is a property of the file: set once, kept by every later connection.
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
            await context.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await context.Database.CloseConnectionAsync().ConfigureAwait(false);
        }

        return pending;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Database schema up to date; applied {Count} migration(s): {Migrations}")]
    private static partial void LogMigrated(ILogger logger, int count, string migrations);
}

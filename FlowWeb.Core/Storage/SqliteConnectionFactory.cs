using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Storage;

/// <summary>Plain Microsoft.Data.Sqlite connections to the FlowWeb database, for the bulk paths (history writes, retention).</summary>
/// <remarks>Options are read at the first use, not when constructed, so that start-up validation reports every section's errors together.</remarks>
public sealed class SqliteConnectionFactory(IOptions<StorageOptions> options)
{

    /// <summary>An open connection with the same per-connection settings as EF's (<see cref="SqlitePragmaInterceptor"/>).</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var storage = options.Value;
        var connection = new SqliteConnection(storage.ResolveConnectionString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            SqlitePragmaInterceptor.Apply(connection, storage.BusyTimeout);

            // Microsoft.Data.Sqlite retries a busy statement for its own timeout (30 s by default) on top of busy_timeout:
            // Storage:BusyTimeout bounds both, so a locked database fails an attempt in that time and the writer can say so.
            connection.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(storage.BusyTimeout.TotalSeconds));
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

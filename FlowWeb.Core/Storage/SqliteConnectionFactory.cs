using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Storage;

/// <summary>Plain Microsoft.Data.Sqlite connections to the FlowWeb database, for the bulk paths (history writes, retention).</summary>
public sealed class SqliteConnectionFactory
{
    private readonly string _connectionString;
    private readonly TimeSpan _busyTimeout;

    public SqliteConnectionFactory(IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connectionString = options.Value.ResolveConnectionString();
        _busyTimeout = options.Value.BusyTimeout;
    }

    /// <summary>An open connection with the same per-connection settings as EF's (<see cref="SqlitePragmaInterceptor"/>).</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            SqlitePragmaInterceptor.Apply(connection, _busyTimeout);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

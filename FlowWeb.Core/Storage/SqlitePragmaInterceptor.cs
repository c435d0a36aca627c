using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FlowWeb.Core.Storage;

/// <summary>
/// Per-connection settings, applied whenever a connection opens (EF's and the bulk writer's alike). WAL itself is
/// a property of the database file, set once by <see cref="DatabaseMigrator"/>.
/// </summary>
internal sealed class SqlitePragmaInterceptor(TimeSpan busyTimeout) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        Apply(connection, busyTimeout);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection, busyTimeout);
        return Task.CompletedTask;
    }

    /// <summary>synchronous=NORMAL is durable across application crashes in WAL mode and much faster than FULL; busy_timeout makes a writer wait for another's lock instead of failing at once.</summary>
    public static void Apply(DbConnection connection, TimeSpan busyTimeout)
    {
        if (connection is not SqliteConnection)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={(long)busyTimeout.TotalMilliseconds};");
        command.ExecuteNonQuery();
    }
}

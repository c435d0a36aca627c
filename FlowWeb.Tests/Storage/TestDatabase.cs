using FlowWeb.Core.Storage;
using FlowWeb.Core.Storage.History;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Storage;

/// <summary>A real SQLite file in its own temporary folder, migrated like the app does it, deleted afterwards.</summary>
internal sealed class TestDatabase : IDisposable
{
    private TestDatabase(StorageOptions options)
    {
        Options = options;
        var builder = new DbContextOptionsBuilder<FlowWebDbContext>();
        FlowWebDbContext.Configure(builder, options.ResolveConnectionString(), options.BusyTimeout);
        Contexts = new PooledDbContextFactory<FlowWebDbContext>(builder.Options);
        Connections = new SqliteConnectionFactory(Microsoft.Extensions.Options.Options.Create(options));
    }

    public StorageOptions Options { get; }

    public IOptions<StorageOptions> Wrapped => Microsoft.Extensions.Options.Options.Create(Options);

    public IDbContextFactory<FlowWebDbContext> Contexts { get; }

    public SqliteConnectionFactory Connections { get; }

    public string FilePath => Path.Combine(Options.FullDataDirectory, "flowweb.db");

    /// <summary>2025-03-10 12:00:00 UTC: a fixed "now" for fake clocks.</summary>
    public static DateTimeOffset Now { get; } = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);

    public static async Task<TestDatabase> CreateAsync(Action<StorageOptions>? configure = null, bool migrate = true)
    {
        var options = new StorageOptions { DataDirectory = Directory.CreateTempSubdirectory("flowweb-storage-").FullName, RetentionBatchPause = TimeSpan.Zero };
        configure?.Invoke(options);
        var database = new TestDatabase(options);
        if (migrate)
        {
            await using var db = await database.Contexts.CreateDbContextAsync();
            await DatabaseMigrator.MigrateAsync(db);
        }

        return database;
    }

    public HistoryWriter CreateWriter() => new(Connections, Wrapped, NullLogger<HistoryWriter>.Instance);

    public HistoryQueryService CreateQuery(TimeProvider? time = null) => new(Contexts, Wrapped, time ?? new FakeTimeProvider(Now));

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await Connections.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Options.FullDataDirectory, recursive: true);
    }
}

using FlowWeb.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace FlowWeb.Tests.Storage;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrate_EmptyDatabase_CreatesEveryTableAndAppliesEveryMigration()
    {
        using var database = await TestDatabase.CreateAsync(migrate: false);
        await using var db = await database.Contexts.CreateDbContextAsync();

        var applied = await DatabaseMigrator.MigrateAsync(db);

        Assert.NotEmpty(applied);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        var tables = await db.Database.SqlQueryRaw<string>("SELECT name AS Value FROM sqlite_master WHERE type = 'table'").ToListAsync();
        var expected = db.Model.GetEntityTypes().Select(t => t.GetTableName()!).Distinct().ToList();
        Assert.Equal(34, expected.Count); // 14 + alerts 6 + interface names + attacks, device mitigations + history journal + 7 of ASP.NET Core Identity, ApiKeys, AuditEntries + sFlow counter minutes
        Assert.All(expected, t => Assert.Contains(t, tables));
    }

    [Fact]
    public async Task Migrate_EmptyDatabase_WalModeAndHistoryTablesWithoutRowId()
    {
        using var database = await TestDatabase.CreateAsync();
        await using var db = await database.Contexts.CreateDbContextAsync();

        var mode = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();
        var withoutRowId = await db.Database
            .SqlQueryRaw<string>("SELECT name AS Value FROM sqlite_master WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID'")
            .ToListAsync();

        Assert.Equal("wal", Assert.Single(mode));
        Assert.Equal(FlowWebDbContext.WithoutRowIdTables.Order(), withoutRowId.Order());
    }

    [Fact]
    public async Task Migrate_SecondTime_AppliesNothing()
    {
        using var database = await TestDatabase.CreateAsync();
        await using var db = await database.Contexts.CreateDbContextAsync();

        var applied = await DatabaseMigrator.MigrateAsync(db);

        Assert.Empty(applied);
    }

    [Fact]
    public async Task Connection_Opened_SynchronousNormalAndBusyTimeout()
    {
        using var database = await TestDatabase.CreateAsync(o => o.BusyTimeout = TimeSpan.FromSeconds(7));

        var synchronous = await database.ScalarAsync("PRAGMA synchronous");
        var busy = await database.ScalarAsync("PRAGMA busy_timeout");

        Assert.Equal(1, synchronous);
        Assert.Equal(7000, busy);
    }
}

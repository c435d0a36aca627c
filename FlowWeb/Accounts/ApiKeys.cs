using System.Security.Cryptography;
using System.Text;
using FlowWeb.Core.Storage;
using FlowWeb.Core.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace FlowWeb.Accounts;

/// <summary>A key as listed to its owner: never the key itself, which is shown once at creation.</summary>
public sealed record ApiKeyInfo(Guid Id, string UserId, string Name, string Prefix, ApiKeyLevel Level, DateTimeOffset Created, DateTimeOffset? LastUsed, DateTimeOffset? Revoked);

/// <summary>The key a request carried, once found: who it acts for and with which role.</summary>
internal sealed record ApiKeyIdentity(Guid? Id, string Name, string? UserId, string UserName, string Role);

/// <summary>Creates, lists, revokes and finds API keys; stores only their SHA-256.</summary>
internal sealed class ApiKeyService(IDbContextFactory<FlowWebDbContext> contexts, TimeProvider time, FlowWeb.Core.Sensors.IChangeAudit audit)
{
    public const string KeyPrefix = "fwk_";

    public const int MaxNameLength = 100;

    /// <summary>The last use is written at most this often per key: a scrape every few seconds should not mean a write each time.</summary>
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A new key for a user; the returned text is the only time the key exists outside the caller.</summary>
    public async Task<string> CreateAsync(string userId, string name, ApiKeyLevel level, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Trim().Length is 0 or > MaxNameLength || Core.Sensors.DisplayText.Problem(name) is not null)
        {
            throw new ArgumentException($"A key's name is 1 to {MaxNameLength} characters without control characters.", nameof(name));
        }

        var key = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ApiKeys.Add(new ApiKeyRow
        {
            Id = Guid.NewGuid(), UserId = userId, Name = name.Trim(), Hash = Hash(key), Prefix = key[..10], Level = level.ToString(),
            CreatedUtc = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync("key.create", $"key {name.Trim()} ({key[..10]}...) of user {userId}", null, new { Level = level.ToString() }, cancellationToken);
        return key;
    }

    /// <summary>A user's keys, or everyone's when <paramref name="userId"/> is null (administrators).</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string? userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.ApiKeys.AsNoTracking().Where(k => userId == null || k.UserId == userId).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.CreatedUtc).Select(r => new ApiKeyInfo(r.Id, r.UserId, r.Name, r.Prefix, Enum.Parse<ApiKeyLevel>(r.Level), r.CreatedUtc, r.LastUsedUtc, r.RevokedUtc))];
    }

    /// <summary>Revokes a key of the user (any user's when <paramref name="userId"/> is null); false when there is none.</summary>
    public async Task<bool> RevokeAsync(Guid id, string? userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && (userId == null || k.UserId == userId), cancellationToken);
        if (row is null || row.RevokedUtc is not null)
        {
            return false;
        }

        row.RevokedUtc = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync("key.revoke", $"key {row.Name} ({row.Prefix}...) of user {row.UserId}", new { row.Level }, null, cancellationToken);
        return true;
    }

    /// <summary>The stored, unrevoked key with this hash and its user's name and role; null when there is none.</summary>
    public async Task<ApiKeyIdentity?> FindAsync(string hash, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await (
            from k in db.ApiKeys
            where k.Hash == hash && k.RevokedUtc == null
            join u in db.Users on k.UserId equals u.Id
            select new { Key = k, u.UserName, u.LockoutEnd }).FirstOrDefaultAsync(cancellationToken);
        if (found is null || found.LockoutEnd > time.GetUtcNow())
        {
            return null;
        }

        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == found.Key.UserId select r.Name).ToListAsync(cancellationToken);
        var role = AccountRoles.All.FirstOrDefault(roles.Contains);
        if (role is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (found.Key.LastUsedUtc is not { } last || now - last >= LastUseResolution)
        {
            found.Key.LastUsedUtc = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        return new ApiKeyIdentity(found.Key.Id, found.Key.Name, found.Key.UserId, found.UserName ?? "", AccountRoles.Effective(role, Enum.Parse<ApiKeyLevel>(found.Key.Level)));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FlowWeb.Accounts;

/// <summary>A user as the Users page lists them.</summary>
internal sealed record UserInfo(string Id, string UserName, string Role, bool LockedOut);

/// <summary>
/// Users for the Users and Account pages: one service scope per operation (a circuit lives for hours; a UserManager
/// kept that long would serve stale rows). Every change that alters rights renews the user's security stamp, so
/// their open circuits and cookies lose the old rights (RevalidatingIdentityAuthState). An administrator cannot
/// delete or demote themselves, nor the last administrator.
/// </summary>
internal sealed class AccountService(IServiceScopeFactory scopes, FlowWeb.Core.Sensors.IChangeAudit audit)
{
    public async Task<IReadOnlyList<UserInfo>> ListAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var list = new List<UserInfo>();
        foreach (var user in await users.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync())
        {
            list.Add(new UserInfo(user.Id, user.UserName ?? "", RoleOf(await users.GetRolesAsync(user)), await users.IsLockedOutAsync(user)));
        }

        return list;
    }

    public async Task<IReadOnlyList<string>> CreateAsync(string userName, string password, string role)
    {
        if (AccountRoles.Parse(role) is not { } known)
        {
            return [$"unknown role '{role}'"];
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = new IdentityUser(userName.Trim());
        var result = await users.CreateAsync(user, password);
        if (result.Succeeded)
        {
            result = await users.AddToRoleAsync(user, known);
        }

        await RecordAsync(result, "user.create", user.UserName!, null, new { Role = known });
        return Errors(result);
    }

    public async Task<IReadOnlyList<string>> SetRoleAsync(string id, string role, string actingUserId)
    {
        if (AccountRoles.Parse(role) is not { } known)
        {
            return [$"unknown role '{role}'"];
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return ["no such user"];
        }

        var current = await users.GetRolesAsync(user);
        if (current.Contains(AccountRoles.Administrator) && known != AccountRoles.Administrator && await LastAdministratorOrSelfAsync(users, user, actingUserId) is { } refusal)
        {
            return [refusal];
        }

        var result = await users.RemoveFromRolesAsync(user, current);
        if (result.Succeeded)
        {
            result = await users.AddToRoleAsync(user, known);
        }

        if (result.Succeeded)
        {
            result = await users.UpdateSecurityStampAsync(user);
        }

        await RecordAsync(result, "user.role", user.UserName!, new { Role = RoleOf(current) }, new { Role = known });
        return Errors(result);
    }

    /// <summary>An administrator sets a new password (and lifts a lockout); the user's sessions end.</summary>
    public async Task<IReadOnlyList<string>> SetPasswordAsync(string id, string password)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return ["no such user"];
        }

        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, password);
        if (result.Succeeded)
        {
            result = await users.SetLockoutEndDateAsync(user, null);
        }

        await RecordAsync(result, "user.password", user.UserName!, null, null);
        return Errors(result);
    }

    public async Task<IReadOnlyList<string>> ChangeOwnPasswordAsync(string id, string current, string next)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        return await users.FindByIdAsync(id) is { } user ? Errors(await users.ChangePasswordAsync(user, current, next)) : ["no such user"];
    }

    public async Task<IReadOnlyList<string>> DeleteAsync(string id, string actingUserId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return ["no such user"];
        }

        if (id == actingUserId)
        {
            return ["you cannot delete yourself"];
        }

        if ((await users.GetRolesAsync(user)).Contains(AccountRoles.Administrator) && await LastAdministratorOrSelfAsync(users, user, actingUserId) is { } refusal)
        {
            return [refusal];
        }

        var roles = await users.GetRolesAsync(user);
        var deleted = await users.DeleteAsync(user);
        await RecordAsync(deleted, "user.delete", user.UserName!, new { Role = RoleOf(roles) }, null);
        return Errors(deleted);
    }

    private static async Task<string?> LastAdministratorOrSelfAsync(UserManager<IdentityUser> users, IdentityUser user, string actingUserId)
    {
        if (user.Id == actingUserId)
        {
            return "you cannot take the Administrator role from yourself";
        }

        return (await users.GetUsersInRoleAsync(AccountRoles.Administrator)).Count <= 1 ? "the last administrator must stay an administrator" : null;
    }

    private Task RecordAsync(IdentityResult result, string action, string userName, object? before, object? after) =>
        result.Succeeded ? audit.RecordAsync(action, $"user {userName}", before, after) : Task.CompletedTask;

    private static UserManager<IdentityUser> Users(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();

    private static string RoleOf(IList<string> roles) => AccountRoles.All.FirstOrDefault(roles.Contains) ?? "(none)";

    private static IReadOnlyList<string> Errors(IdentityResult result) => result.Succeeded ? [] : [.. result.Errors.Select(e => e.Description)];
}

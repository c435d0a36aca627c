using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FlowWeb.Accounts;

/// <summary>The local account an outside identity signs in as, or why it may not.</summary>
internal sealed record ExternalAccount(IdentityUser? User, string? Refusal);

/// <summary>
/// Local accounts for identities proven elsewhere (a trusted proxy's header, an OpenID Connect provider). A local
/// account is kept for each so that roles, API keys, revalidation and the audit log work the same for everyone;
/// creations and role changes are audited with the outside identity as the actor.
/// </summary>
internal sealed partial class ExternalAccounts(
    UserManager<IdentityUser> users, IChangeAudit audit, IOptions<AuthOptions> options, ILogger<ExternalAccounts> logger)
{
    public const string OidcProvider = "oidc";

    /// <summary>The proxy names an account; it is created with <paramref name="newUserRole"/> when missing (null = refused).</summary>
    public async Task<ExternalAccount> ForProxyAsync(string name, string? newUserRole)
    {
        var user = await users.FindByNameAsync(name);
        if (user is null && newUserRole is not null)
        {
            AuditActor.Current = $"{name} (proxy header)";
            (user, var error) = await CreateAsync(name, newUserRole, null);
            if (user is null)
            {
                return new(null, $"could not create user {name}: {error}");
            }
        }

        return user is null ? new(null, $"the proxy's user {name} has no FlowWeb account")
            : await users.IsLockedOutAsync(user) ? new(null, $"user {name} is locked out")
            : new(user, null);
    }

    /// <summary>
    /// The provider's user <paramref name="subject"/>: the account linked to it, else a new one named
    /// <paramref name="userName"/>, given <paramref name="role"/> (the provider decides the role at every sign-in).
    /// A local account of the same name is never taken over: anyone who can choose their user name at the provider
    /// could otherwise become a local administrator, or the user a proxy signs in (their API keys, their name in the
    /// audit log). Only <see cref="OidcOptions.LinkAccountsByName"/> links an account made by proxy-header sign-on
    /// (no password, no other login): the administrator's word that both sign-ons name users alike.
    /// </summary>
    public async Task<ExternalAccount> ForOidcAsync(string subject, string userName, string? role)
    {
        AuditActor.Current = $"{userName} (OpenID Connect)";
        var user = await users.FindByLoginAsync(OidcProvider, subject);
        if (user is null && await users.FindByNameAsync(userName) is { } named)
        {
            var local = await users.HasPasswordAsync(named) || (await users.GetLoginsAsync(named)).Count > 0;
            if (local || !options.Value.Oidc.LinkAccountsByName)
            {
                return new(null, $"a FlowWeb account named {userName} already exists and is not linked to this provider"
                    + (local ? "" : $" (an account made by proxy-header sign-on is linked by name only with {OidcOptions.LinkAccountsByNameKey}=true)"));
            }

            user = named;
            var linked = await users.AddLoginAsync(user, new UserLoginInfo(OidcProvider, subject, "OpenID Connect"));
            if (!linked.Succeeded)
            {
                return new(null, $"could not link user {userName}: {string.Join(" ", linked.Errors.Select(e => e.Description))}");
            }
        }

        if (role is null)
        {
            if (user is not null)
            {
                // Open sessions of a user the provider no longer grants a role end too (circuits revalidate the stamp).
                await users.UpdateSecurityStampAsync(user);
            }

            return new(null, $"{userName} has no FlowWeb role: none of their groups is mapped (Auth:Oidc:RoleMap) and there is no Auth:Oidc:DefaultRole");
        }

        if (user is null)
        {
            (user, var error) = await CreateAsync(userName, role, new UserLoginInfo(OidcProvider, subject, "OpenID Connect"));
            return user is null ? new(null, $"could not create user {userName}: {error}") : new(user, null);
        }

        if (await users.IsLockedOutAsync(user))
        {
            return new(null, $"user {userName} is locked out");
        }

        var current = await users.GetRolesAsync(user);
        if (current.Count != 1 || current[0] != role)
        {
            await users.RemoveFromRolesAsync(user, current);
            await users.AddToRoleAsync(user, role);
            await users.UpdateSecurityStampAsync(user);
            await audit.RecordAsync("user.role", user.UserName!, new { Role = string.Join(",", current) }, new { Role = role });
        }

        return new(user, null);
    }

    /// <summary>
    /// A new account with its login and role, or Identity's reasons why not. An account is made whole or not at all:
    /// one left without its role would be found by name at the next sign-in and let in role-less.
    /// </summary>
    private async Task<(IdentityUser? User, string? Error)> CreateAsync(string name, string role, UserLoginInfo? login)
    {
        var signOn = login is null ? "proxy header" : "OpenID Connect";
        var user = new IdentityUser(name);
        var result = await users.CreateAsync(user);
        if (result.Succeeded)
        {
            try
            {
                if (login is not null)
                {
                    result = await users.AddLoginAsync(user, login);
                }

                if (result.Succeeded)
                {
                    result = await users.AddToRoleAsync(user, role);
                }
            }
            catch
            {
                await users.DeleteAsync(user);
                throw;
            }

            if (!result.Succeeded)
            {
                await users.DeleteAsync(user);
            }
        }

        if (!result.Succeeded)
        {
            var error = string.Join(" ", result.Errors.Select(e => e.Description));
            LogNotCreated(logger, name, signOn, error);
            return (null, error);
        }

        await audit.RecordAsync("user.create", name, null, new { Role = role, SignOn = signOn });
        return (user, null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create the account {UserName} for {SignOn} sign-on: {Error}")]
    private static partial void LogNotCreated(ILogger logger, string userName, string signOn, string error);
}

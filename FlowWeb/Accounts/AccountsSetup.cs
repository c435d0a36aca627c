using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FlowWeb.Accounts;

/// <summary>
/// At start-up (after the database migrator): makes the three roles, creates the first administrator from
/// configuration when there is no user (containers, headless installs), and otherwise says in the log how to open
/// the setup page.
/// </summary>
internal sealed partial class AccountsSetup(IServiceScopeFactory scopes, SetupState state, IOptions<AuthOptions> options, ILogger<AccountsSetup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in AccountRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"role {role}");
            }
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        state.HasUsers = users.Users.Any();
        var admin = options.Value.InitialAdmin;
        if (!state.HasUsers && !string.IsNullOrWhiteSpace(admin.UserName))
        {
            var user = new IdentityUser(admin.UserName.Trim());
            Check(await users.CreateAsync(user, await PasswordAsync(admin, cancellationToken)), "Auth:InitialAdmin");
            Check(await users.AddToRoleAsync(user, AccountRoles.Administrator), "Auth:InitialAdmin");
            state.HasUsers = true;
            LogCreated(logger, user.UserName!);
        }

        var reset = options.Value.ResetAdmin;
        if (!string.IsNullOrWhiteSpace(reset.UserName))
        {
            await ResetAdministratorAsync(users, reset.UserName.Trim(), await PasswordAsync(reset, cancellationToken));
            state.HasUsers = true;
        }

        if (!state.HasUsers)
        {
            LogSetup(logger, state.Token);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ResetAdministratorAsync(UserManager<IdentityUser> users, string userName, string password)
    {
        const string key = "Auth:ResetAdmin";
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            user = new IdentityUser(userName);
            Check(await users.CreateAsync(user, password), key);
        }
        else
        {
            Check(await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password), key);
            Check(await users.SetLockoutEndDateAsync(user, null), key);
            Check(await users.ResetAccessFailedCountAsync(user), key);
        }

        if (!await users.IsInRoleAsync(user, AccountRoles.Administrator))
        {
            Check(await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user)), key);
            Check(await users.AddToRoleAsync(user, AccountRoles.Administrator), key);
        }

        LogReset(logger, userName);
    }

    private static async Task<string> PasswordAsync(InitialAdminOptions options, CancellationToken cancellationToken) =>
        options.Password is { Length: > 0 } password ? password : (await File.ReadAllTextAsync(options.PasswordFile!, cancellationToken)).TrimEnd('\r', '\n');

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first administrator {UserName} from Auth:InitialAdmin")]
    private static partial void LogCreated(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth:ResetAdmin set a new password for administrator {UserName}: remove Auth:ResetAdmin from the configuration now")]
    private static partial void LogReset(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No user yet: open /setup in a browser on this machine to create the administrator, or from elsewhere /setup?token={Token} (the token changes at every start)")]
    private static partial void LogSetup(ILogger logger, string token);
}

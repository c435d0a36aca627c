using FlowWeb.Accounts;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Security;

/// <summary>
/// Accounts for proxy-header and OpenID Connect users, on the app's real Identity store (SQLite): Identity's reasons
/// reach the caller and the log, and a failed creation leaves no account behind.
/// </summary>
public sealed class ExternalAccountsTests : IDisposable
{
    private readonly FlowWebFactory _factory = new();

    [Fact]
    public async Task ForProxyAsync_NameIdentityRefuses_RefusalAndLogCarryIdentitysReason()
    {
        await using var scope = _factory.Services.CreateAsyncScope();

        var (user, refusal) = await Accounts(scope).ForProxyAsync("bad name!", AccountRoles.Viewer);

        Assert.Null(user);
        Assert.Contains("could not create user bad name!: Username 'bad name!' is invalid", refusal, StringComparison.Ordinal);
        Assert.Contains(_factory.Logs.Events, e => e.Level == Serilog.Events.LogEventLevel.Warning
            && e.Message.Contains("bad name!", StringComparison.Ordinal) && e.Message.Contains("is invalid", StringComparison.Ordinal));
        Assert.Null(await Users(scope).FindByNameAsync("bad name!"));
    }

    [Fact]
    public async Task ForProxyAsync_RoleCannotBeGiven_NoHalfMadeAccountLeft()
    {
        await using var scope = _factory.Services.CreateAsyncScope();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Accounts(scope).ForProxyAsync("halfmade", "NoSuchRole"));

        // Left behind, the role-less account would be found by name and signed in at the proxy's next request.
        Assert.Null(await Users(scope).FindByNameAsync("halfmade"));
    }

    public void Dispose() => _factory.Dispose();

    private static ExternalAccounts Accounts(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<ExternalAccounts>();

    private static UserManager<IdentityUser> Users(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
}

using FlowWeb.Accounts;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Security;

/// <summary>
/// Accounts for proxy-header and OpenID Connect users, on the app's real Identity store (SQLite): Identity's reasons
/// reach the caller and the log, a failed creation leaves no account behind, and a provider user never takes over an
/// account of the same name unless the administrator allowed it for proxy-made accounts.
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

    [Fact]
    public async Task ForOidcAsync_NameOfAProxyMadeAccount_RefusedNamingTheOption_AccountUntouched()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        Assert.NotNull((await Accounts(scope).ForProxyAsync("pat", AccountRoles.Viewer)).User);

        var (user, refusal) = await Accounts(scope).ForOidcAsync("sub-mallory", "pat", AccountRoles.Administrator);

        Assert.Null(user);
        Assert.Contains("a FlowWeb account named pat already exists and is not linked to this provider", refusal, StringComparison.Ordinal);
        Assert.Contains("Auth:Oidc:LinkAccountsByName", refusal, StringComparison.Ordinal);
        var pat = (await Users(scope).FindByNameAsync("pat"))!;
        Assert.Empty(await Users(scope).GetLoginsAsync(pat));
        Assert.Equal([AccountRoles.Viewer], await Users(scope).GetRolesAsync(pat));
    }

    [Fact]
    public async Task ForOidcAsync_LinkAccountsByName_LinksAProxyMadeAccount_NeverOneWithAPassword()
    {
        _factory.Settings["Auth:Oidc:LinkAccountsByName"] = "true";
        await using var scope = _factory.Services.CreateAsyncScope();
        Assert.NotNull((await Accounts(scope).ForProxyAsync("pat", AccountRoles.Viewer)).User);

        var linked = await Accounts(scope).ForOidcAsync("sub-pat", "pat", AccountRoles.Operator);
        var admin = await Accounts(scope).ForOidcAsync("sub-mallory", TestAccounts.AdminUser, AccountRoles.Viewer);

        Assert.Equal("pat", linked.User?.UserName);
        Assert.Equal([AccountRoles.Operator], await Users(scope).GetRolesAsync(linked.User!));
        Assert.Null(admin.User);
        Assert.DoesNotContain("LinkAccountsByName", admin.Refusal, StringComparison.Ordinal);
        Assert.Empty(await Users(scope).GetLoginsAsync((await Users(scope).FindByNameAsync(TestAccounts.AdminUser))!));
    }

    public void Dispose() => _factory.Dispose();

    private static ExternalAccounts Accounts(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<ExternalAccounts>();

    private static UserManager<IdentityUser> Users(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
}

using System.Net;
using FlowWeb.Accounts;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Security;

/// <summary>Users' rules (the last administrator, yourself), the configuration's reset of a lost password, and the Auth section's validation.</summary>
public sealed class AccountAdministrationTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("flowweb-accounts-").FullName;

    [Fact]
    public async Task Users_LastAdministratorAndYourself_NeitherDemotedNorDeleted()
    {
        using var factory = new FlowWebFactory(_dataDirectory, LoopbackPorts.FreeUdp());
        var accounts = factory.Services.GetRequiredService<AccountService>();
        var admin = (await accounts.ListAsync()).Single(u => u.UserName == TestAccounts.AdminUser);
        Assert.Empty(await accounts.CreateAsync("second", "second-admin-password", AccountRoles.Viewer));
        var second = (await accounts.ListAsync()).Single(u => u.UserName == "second");

        Assert.Equal(["you cannot delete yourself"], await accounts.DeleteAsync(admin.Id, admin.Id));
        Assert.Equal(["you cannot take the Administrator role from yourself"], await accounts.SetRoleAsync(admin.Id, AccountRoles.Viewer, admin.Id));
        Assert.Equal(["the last administrator must stay an administrator"], await accounts.SetRoleAsync(admin.Id, AccountRoles.Operator, second.Id));
        Assert.Empty(await accounts.SetRoleAsync(second.Id, AccountRoles.Administrator, admin.Id));
        Assert.Empty(await accounts.SetRoleAsync(admin.Id, AccountRoles.Operator, second.Id));

        var roles = (await accounts.ListAsync()).ToDictionary(u => u.UserName, u => u.Role);
        Assert.Equal(AccountRoles.Operator, roles[TestAccounts.AdminUser]);
        Assert.Equal(AccountRoles.Administrator, roles["second"]);
        Assert.Equal(["Passwords must be at least 10 characters."], await accounts.CreateAsync("third", "short", AccountRoles.Viewer));
    }

    [Fact]
    public async Task ResetAdmin_LostPassword_NewPasswordWorksAfterRestart()
    {
        var port = LoopbackPorts.FreeUdp();
        using (var first = new FlowWebFactory(_dataDirectory, port))
        {
            Assert.NotEmpty(await first.Services.GetRequiredService<AccountService>().ListAsync());
        }

        using var second = new FlowWebFactory(_dataDirectory, port);
        second.Settings["Auth:ResetAdmin:UserName"] = TestAccounts.AdminUser;
        second.Settings["Auth:ResetAdmin:Password"] = "the-new-admin-password";
        using var client = second.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        client.DefaultRequestHeaders.Remove("X-Api-Key");

        await Assert.ThrowsAsync<InvalidOperationException>(() => TestAccounts.SignInAsync(client));
        await TestAccounts.SignInAsync(client, TestAccounts.AdminUser, "the-new-admin-password");
        using var users = await client.GetAsync(ApiJson.Url("/users"));
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
    }

    [Fact]
    public void AuthSection_Invalid_StartUpFailsNamingEveryKey()
    {
        using var factory = new FlowWebFactory(_dataDirectory, LoopbackPorts.FreeUdp());
        factory.Settings["Auth:ApiKeys:1:Name"] = "";
        factory.Settings["Auth:ApiKeys:1:Role"] = "Boss";
        factory.Settings["Auth:ApiKeys:1:Key"] = "short";
        factory.Settings["Auth:SessionMinutes"] = "1";

        var message = factory.StartFailure();

        Assert.Contains("Auth:ApiKeys:1:Name is required", message, StringComparison.Ordinal);
        Assert.Contains("Auth:ApiKeys:1:Role must be one of Administrator, Operator, Viewer (was 'Boss')", message, StringComparison.Ordinal);
        Assert.Contains("Auth:ApiKeys:1:Key must be at least 24 characters", message, StringComparison.Ordinal);
        Assert.Contains("Auth:SessionMinutes must be 5 to 43200", message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}

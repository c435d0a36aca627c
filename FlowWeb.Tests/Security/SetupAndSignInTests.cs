using System.Net;
using System.Text.RegularExpressions;
using FlowWeb.Accounts;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Security;

/// <summary>First run (setup page, token), sign-in, lockout, rate limit, sign-out and return URLs, over real HTTP with cookies and antiforgery.</summary>
public sealed partial class SetupAndSignInTests : IDisposable
{
    private readonly FlowWebFactory _factory = new();

    [Fact]
    public async Task FirstRun_NoUser_EveryPageLeadsToSetup_TokenNeededAwayFromLoopback_CreatesAdministrator()
    {
        _factory.Settings["Auth:InitialAdmin:UserName"] = "";
        using var client = Browser(allowRedirect: false);

        using var home = await client.GetAsync(ApiJson.Url("/sensors/new"));
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/setup", home.Headers.Location?.OriginalString);

        // The test server's requests have no remote address: not loopback, so the token is needed.
        var refused = await client.GetStringAsync(ApiJson.Url("/setup"));
        Assert.Contains("data-testid=\"setup-refused\"", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("Input.Password", refused, StringComparison.Ordinal);
        using var forged = await PostFormAsync(client, "/setup", "setup", refused, new() { ["Input.UserName"] = "mallory", ["Input.Password"] = "long-enough-pw", ["Input.Confirm"] = "long-enough-pw", ["Input.Token"] = "guess" });
        Assert.False(_factory.Services.GetRequiredService<SetupState>().HasUsers);

        var token = _factory.Services.GetRequiredService<SetupState>().Token;
        var form = await client.GetStringAsync(ApiJson.Url($"/setup?token={token}"));
        Assert.Contains("Input.Password", form, StringComparison.Ordinal);
        using var created = await PostFormAsync(client, $"/setup?token={token}", "setup", form, new() { ["Input.UserName"] = "root", ["Input.Password"] = "a-long-passphrase", ["Input.Confirm"] = "a-long-passphrase", ["Input.Token"] = token });

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.True(_factory.Services.GetRequiredService<SetupState>().HasUsers);
        using var signedIn = await client.GetAsync(ApiJson.Url("/"));
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains(">root<", await signedIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var again = await client.GetAsync(ApiJson.Url("/setup"));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_AccountLockedEvenForTheRightOne()
    {
        using var client = Browser(allowRedirect: false);

        for (var i = 0; i < 4; i++)
        {
            var wrong = await SignInAsync(client, TestAccounts.AdminUser, "not-the-password");
            Assert.Contains("Wrong user name or password.", wrong, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-password", wrong, StringComparison.Ordinal);
        }

        var fifth = await SignInAsync(client, TestAccounts.AdminUser, "not-the-password");
        Assert.Contains("locked", fifth, StringComparison.Ordinal);
        var locked = await SignInAsync(client, TestAccounts.AdminUser, TestAccounts.AdminPassword);
        Assert.Contains("locked", locked, StringComparison.Ordinal);
        using var home = await client.GetAsync(ApiJson.Url("/"));
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
    }

    [Fact]
    public async Task SignIn_ManyPostsFromOneAddress_TooManyRequests()
    {
        _factory.Settings["Auth:SignInAttemptsPerMinute"] = "10"; // the default; the tests' settings raise it
        using var client = Browser(allowRedirect: false);
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 11; i++)
        {
            var page = await client.GetStringAsync(ApiJson.Url("/account/login"));
            using var response = await PostFormAsync(client, "/account/login", "login", page, new() { ["Input.UserName"] = $"nobody{i}", ["Input.Password"] = "x" });
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses.Take(10), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[10]);
    }

    [Theory]
    [InlineData("/sensors/new", "/sensors/new")]
    [InlineData("//evil.example/x", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("/\\evil.example", "/")]
    public async Task SignIn_ReturnUrl_OnlyPathsOfThisSite(string returnUrl, string expected)
    {
        using var client = Browser(allowRedirect: false);
        var page = await client.GetStringAsync(ApiJson.Url("/account/login"));

        using var response = await PostFormAsync(client, $"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}", "login", page,
            new() { ["Input.UserName"] = TestAccounts.AdminUser, ["Input.Password"] = TestAccounts.AdminPassword });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.AbsolutePath);
        Assert.Equal("localhost", response.Headers.Location?.Host);
    }

    [Fact]
    public async Task SignOut_Post_SessionEnds()
    {
        using var client = Browser(allowRedirect: true);
        await TestAccounts.SignInAsync(client);
        var home = await client.GetStringAsync(ApiJson.Url("/"));
        Assert.Contains("sign-out-button", home, StringComparison.Ordinal);

        using var signOut = await PostFormAsync(client, "/account/logout", null, home, []);

        Assert.Equal(HttpStatusCode.OK, signOut.StatusCode);
        Assert.Equal("/account/login", signOut.RequestMessage?.RequestUri?.AbsolutePath);
        using var after = await client.GetAsync(ApiJson.Url("/"));
        Assert.Equal("/account/login", after.RequestMessage?.RequestUri?.AbsolutePath);
    }

    private HttpClient Browser(bool allowRedirect)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = allowRedirect, HandleCookies = true });
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        return client;
    }

    private static async Task<string> SignInAsync(HttpClient client, string user, string password)
    {
        var page = await client.GetStringAsync(ApiJson.Url("/account/login"));
        using var response = await PostFormAsync(client, "/account/login", "login", page, new() { ["Input.UserName"] = user, ["Input.Password"] = password });
        return await response.Content.ReadAsStringAsync();
    }

    private static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, string? formName, string page, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups[1].Value;
        if (formName is not null)
        {
            fields["_handler"] = formName;
        }

        return client.PostAsync(ApiJson.Url(path), new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public void Dispose() => _factory.Dispose();
}

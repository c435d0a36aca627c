using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace FlowWeb.Tests.Web;

/// <summary>
/// The accounts every test app starts with: an administrator created from configuration (Auth:InitialAdmin) and an
/// administrator API key from configuration (Auth:ApiKeys). Authentication stays on in tests; they sign in.
/// </summary>
public static partial class TestAccounts
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "test-admin-password-1";
    public const string AdminKey = "fwk_test-administrator-key-0123456789";

    /// <summary>The settings (as configuration keys) that provision both.</summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Auth:InitialAdmin:UserName"] = AdminUser,
        ["Auth:InitialAdmin:Password"] = AdminPassword,
        ["Auth:ApiKeys:0:Name"] = "tests",
        ["Auth:ApiKeys:0:Role"] = "Administrator",
        ["Auth:ApiKeys:0:Key"] = AdminKey,
        // Every browser test signs in through the form, dozens a minute from 127.0.0.1 (the limit has its own test).
        ["Auth:SignInAttemptsPerMinute"] = "1000",
    };

    /// <summary>The same settings as environment variables of a child process.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Environment() =>
        Settings.Select(s => KeyValuePair.Create(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value));

    /// <summary>Signs a cookie-keeping client in through the real sign-in form (antiforgery token included).</summary>
    public static async Task SignInAsync(HttpClient client, string user = AdminUser, string password = AdminPassword)
    {
        var page = await client.GetStringAsync(new Uri("/account/login", UriKind.Relative));
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.UserName"] = user,
            ["Input.Password"] = password,
        });
        using var response = await client.PostAsync(new Uri("/account/login", UriKind.Relative), form);
        var body = await response.Content.ReadAsStringAsync();
        if (body.Contains("data-testid=\"login-error\"", StringComparison.Ordinal) || (int)response.StatusCode >= 400)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"sign-in as {user} failed: {(int)response.StatusCode}"));
        }
    }

    /// <summary>A client that keeps cookies, for an app running as a child process.</summary>
    public static HttpClient CookieClient(Uri baseAddress, TimeSpan timeout) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true }) { BaseAddress = baseAddress, Timeout = timeout };

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

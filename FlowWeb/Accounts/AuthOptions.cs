using Microsoft.Extensions.Options;

namespace FlowWeb.Accounts;

/// <summary>The <c>Auth</c> section: a first administrator and API keys for unattended installs (containers, scripts, benchmarks).</summary>
internal sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Created at start-up when there is no user yet (instead of the setup page).</summary>
    public InitialAdminOptions InitialAdmin { get; set; } = new();

    /// <summary>
    /// Sets this user's password at start-up, lifts a lockout and makes them an administrator (created if missing):
    /// the way back in when the only administrator's password is lost. Remove it after use.
    /// </summary>
    public InitialAdminOptions ResetAdmin { get; set; } = new();

    /// <summary>Keys that exist only in configuration (not in the database, not revocable from the UI).</summary>
    public List<ConfiguredApiKey> ApiKeys { get; set; } = [];

    /// <summary>Single sign-on by a trusted reverse proxy's user header (off while TrustedProxies is empty).</summary>
    public ProxyHeaderOptions ProxyHeader { get; set; } = new();

    /// <summary>Single sign-on with an OpenID Connect provider (off while Authority is empty).</summary>
    public OidcOptions Oidc { get; set; } = new();

    /// <summary>Minutes of inactivity after which a browser session must sign in again.</summary>
    public int SessionMinutes { get; set; } = 480;

    /// <summary>Sign-in and setup form posts accepted per client address and minute (1 to 100,000).</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;
}

internal sealed class ProxyHeaderOptions
{
    public string HeaderName { get; set; } = "Remote-User";

    /// <summary>Addresses of the proxies whose header is believed; empty = the header is never believed.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Role given to a user the proxy names who has no FlowWeb account yet; empty = such users are refused.</summary>
    public string? NewUserRole { get; set; }
}

internal sealed class InitialAdminOptions
{
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>A file holding the password (a Docker secret, e.g. /run/secrets/flowweb_admin), instead of <see cref="Password"/>.</summary>
    public string? PasswordFile { get; set; }
}

internal sealed class ConfiguredApiKey
{
    public string Name { get; set; } = "";

    public string Role { get; set; } = AccountRoles.Viewer;

    /// <summary>The key itself (at least 24 characters) ...</summary>
    public string? Key { get; set; }

    /// <summary>... or its SHA-256 as hex, so the configuration does not hold the secret.</summary>
    public string? KeyHash { get; set; }
}

/// <summary>Every problem of the section at once, each naming its key.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        if (options.SessionMinutes is < 5 or > 43_200)
        {
            errors.Add("Auth:SessionMinutes must be 5 to 43200.");
        }

        if (options.SignInAttemptsPerMinute is < 1 or > 100_000)
        {
            errors.Add($"Auth:SignInAttemptsPerMinute must be 1 to 100000 (was {options.SignInAttemptsPerMinute}).");
        }

        var admin = options.InitialAdmin;
        if (!string.IsNullOrWhiteSpace(admin.UserName) && string.IsNullOrEmpty(admin.Password) && string.IsNullOrWhiteSpace(admin.PasswordFile))
        {
            errors.Add("Auth:InitialAdmin:Password (or Auth:InitialAdmin:PasswordFile) is required with Auth:InitialAdmin:UserName.");
        }

        if (!string.IsNullOrWhiteSpace(options.ResetAdmin.UserName) && string.IsNullOrEmpty(options.ResetAdmin.Password) && string.IsNullOrWhiteSpace(options.ResetAdmin.PasswordFile))
        {
            errors.Add("Auth:ResetAdmin:Password (or Auth:ResetAdmin:PasswordFile) is required with Auth:ResetAdmin:UserName.");
        }

        for (var i = 0; i < options.ProxyHeader.TrustedProxies.Count; i++)
        {
            if (!System.Net.IPAddress.TryParse(options.ProxyHeader.TrustedProxies[i], out _))
            {
                errors.Add($"Auth:ProxyHeader:TrustedProxies:{i} must be an IP address (was '{options.ProxyHeader.TrustedProxies[i]}').");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.ProxyHeader.NewUserRole) && AccountRoles.Parse(options.ProxyHeader.NewUserRole) is null)
        {
            errors.Add($"Auth:ProxyHeader:NewUserRole must be one of {string.Join(", ", AccountRoles.All)} or empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ProxyHeader.HeaderName))
        {
            errors.Add("Auth:ProxyHeader:HeaderName must not be empty.");
        }

        options.Oidc.Validate(errors);

        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            var prefix = $"Auth:ApiKeys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                errors.Add($"{prefix}:Name is required.");
            }

            if (AccountRoles.Parse(key.Role) is null)
            {
                errors.Add($"{prefix}:Role must be one of {string.Join(", ", AccountRoles.All)} (was '{key.Role}').");
            }

            var hasKey = !string.IsNullOrEmpty(key.Key);
            var hasHash = !string.IsNullOrEmpty(key.KeyHash);
            if (hasKey == hasHash)
            {
                errors.Add($"{prefix}: set exactly one of Key and KeyHash.");
            }
            else if (hasKey && key.Key!.Length < 24)
            {
                errors.Add($"{prefix}:Key must be at least 24 characters.");
            }
            else if (hasHash && (key.KeyHash!.Length != 64 || !key.KeyHash.All(char.IsAsciiHexDigit)))
            {
                errors.Add($"{prefix}:KeyHash must be a SHA-256 in hex (64 characters).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

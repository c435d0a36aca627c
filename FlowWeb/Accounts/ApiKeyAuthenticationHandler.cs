using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FlowWeb.Accounts;

/// <summary>
/// <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c> on the API, <c>/metrics</c> and the OpenAPI document
/// (not on pages: a key is for scripts, a browser signs in). Keys from configuration are checked first (in memory),
/// then the database's. A wrong or revoked key is a 401, never a fall-back to the anonymous user.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys, IOptions<AuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string HeaderName = "X-Api-Key";

    /// <summary>The key the request carries, or null.</summary>
    public static string? KeyOf(HttpRequest request)
    {
        var header = request.Headers[HeaderName].ToString();
        if (header.Length > 0)
        {
            return header.Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
    }

    /// <summary>Where keys are accepted.</summary>
    public static bool Accepts(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/openapi");

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (KeyOf(Request) is not { Length: > 0 } key)
        {
            return AuthenticateResult.NoResult();
        }

        if (!Accepts(Request.Path))
        {
            return AuthenticateResult.Fail("API keys are accepted only under /api, /metrics and /openapi.");
        }

        var hash = ApiKeyService.Hash(key);
        var identity = Configured(hash) ?? await keys.FindAsync(hash, Context.RequestAborted);
        if (identity is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, identity.UserName),
            new(ClaimTypes.Role, identity.Role),
            new(KeyClaim, identity.Name),
        };
        if (identity.UserId is { } userId)
        {
            claims.Add(new Claim(ClaimTypes.NameIdentifier, userId));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    /// <summary>The key's name, so logs and the audit can tell a script from its user.</summary>
    public const string KeyClaim = "flowweb:api_key";

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    private ApiKeyIdentity? Configured(string hash)
    {
        foreach (var configured in auth.Value.ApiKeys)
        {
            var configuredHash = configured.KeyHash?.ToLowerInvariant() ?? ApiKeyService.Hash(configured.Key ?? "");
            if (System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(configuredHash), System.Text.Encoding.ASCII.GetBytes(hash)))
            {
                return new ApiKeyIdentity(null, configured.Name, null, $"key:{configured.Name}", AccountRoles.Parse(configured.Role) ?? AccountRoles.Viewer);
            }
        }

        return null;
    }
}

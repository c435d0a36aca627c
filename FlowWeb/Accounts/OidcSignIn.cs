using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace FlowWeb.Accounts;

/// <summary>
/// Sign-in with an OpenID Connect provider (<c>Auth:Oidc</c>): authorization code flow with PKCE. The provider's ID
/// token is turned into a local account (<see cref="ExternalAccounts"/>) and the ordinary session cookie, so pages,
/// revalidation and the audit log treat SSO users like everyone else.
/// </summary>
internal static partial class OidcSignIn
{
    public const string SchemeName = "oidc";
    public const string CallbackPath = "/signin-oidc";
    public const string SignedOutCallbackPath = "/signout-callback-oidc";
    public const string StartPath = "/account/sso";

    /// <summary>Query value the sign-in page turns into a message (a fixed text: a message in the URL could be forged).</summary>
    public const string NoRole = "norole";
    public const string Refused = "refused";
    public const string Failed = "failed";

    /// <summary>Registers the handler when <c>Auth:Oidc:Authority</c> is set; the rest of the section is validated at start-up.</summary>
    public static void AddFlowWebOidc(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[$"{AuthOptions.Section}:Oidc:{nameof(OidcOptions.Authority)}"]))
        {
            return;
        }

        authentication.AddOpenIdConnect(SchemeName, _ => { });
        authentication.Services.AddOptions<OpenIdConnectOptions>(SchemeName).Configure<IOptions<AuthOptions>>((o, auth) => Configure(o, auth.Value.Oidc));
    }

    private static void Configure(OpenIdConnectOptions o, OidcOptions oidc)
    {
        o.Authority = oidc.Authority;
        o.ClientId = oidc.ClientId;
        o.ClientSecret = string.IsNullOrEmpty(oidc.ClientSecret) ? null : oidc.ClientSecret;
        o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;

        // The code comes back as a GET: a form post from the provider's origin would be refused by the cross-site
        // guard (rightly), and its cookies would need SameSite=None.
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.NonceCookie.SameSite = SameSiteMode.Lax;
        o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.CallbackPath = CallbackPath;
        o.SignedOutCallbackPath = SignedOutCallbackPath;
        o.SignInScheme = IdentityConstants.ApplicationScheme;

        // Claim types as the provider names them, so Auth:Oidc:RoleClaim is what an administrator sees in a token.
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = false;

        // The ID token is kept only to name the session when ending it at the provider (id_token_hint).
        o.SaveTokens = oidc.SignOutAtProvider;
        o.Scope.Clear();
        foreach (var scope in ("openid " + oidc.Scopes).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal))
        {
            o.Scope.Add(scope);
        }

        o.Events.OnTokenValidated = TokenValidatedAsync;
        o.Events.OnRemoteFailure = context =>
        {
            var code = context.Failure is RefusedException refused ? refused.Code : Failed;
            if (code == Failed)
            {
                var logger = Logger(context.HttpContext);
                Log.Failed(logger, context.Failure?.Message ?? "unknown");
            }

            context.Response.Redirect($"{context.Request.PathBase}{AccountsExtensions.LoginPath}?sso={code}");
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }

    /// <summary>GET /account/sso starts the sign-in; POST /account/logout ends it here (and at the provider if configured).</summary>
    public static void MapOidcStart(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Oidc.Enabled)
        {
            return;
        }

        app.MapGet(StartPath, (HttpContext http, string? returnUrl) =>
            Results.Challenge(new AuthenticationProperties { RedirectUri = $"{http.Request.PathBase}/{AccountLog.LocalPath(returnUrl)}" }, [SchemeName]))
            .AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>True when signing this user out should also end their session at the provider.</summary>
    public static async Task<bool> SignsOutAtProviderAsync(HttpContext http)
    {
        var oidc = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.Oidc;
        if (!oidc.Enabled || !oidc.SignOutAtProvider || http.User.Identity?.IsAuthenticated != true)
        {
            return false;
        }

        var users = http.RequestServices.GetRequiredService<UserManager<IdentityUser>>();
        return await users.GetUserAsync(http.User) is { } user && (await users.GetLoginsAsync(user)).Any(l => l.LoginProvider == ExternalAccounts.OidcProvider);
    }

    private static async Task TokenValidatedAsync(TokenValidatedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var oidc = services.GetRequiredService<IOptions<AuthOptions>>().Value.Oidc;
        var token = context.Principal!;
        var subject = token.FindFirst("sub")?.Value;
        var name = new[] { oidc.UserNameClaim, "email", "sub" }.Select(t => token.FindFirst(t)?.Value?.Trim()).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        if (subject is null || name is null)
        {
            context.Fail("the ID token names no subject");
            return;
        }

        var logger = Logger(context.HttpContext);
        var role = oidc.RoleFor(token.FindAll(oidc.RoleClaim).Select(c => c.Value));
        var (user, refusal) = await services.GetRequiredService<ExternalAccounts>().ForOidcAsync(subject, name, role);
        if (user is null)
        {
            Log.Refused(logger, name, refusal!);
            context.Fail(new RefusedException(role is null ? NoRole : Refused, refusal!));
            return;
        }

        // Identity's own principal (roles, security stamp): the session cookie then revalidates like a password sign-in's.
        context.Principal = await services.GetRequiredService<SignInManager<IdentityUser>>().CreateUserPrincipalAsync(user);
        Log.SignedIn(logger, name, role!);
    }

    private static ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("FlowWeb.Accounts.OidcSignIn");

    /// <summary>The provider proved who the user is, but FlowWeb does not let them in.</summary>
    private sealed class RefusedException(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "User {UserName} signed in by OpenID Connect as {Role}")]
        public static partial void SignedIn(ILogger logger, string userName, string role);

        [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in of {UserName} refused: {Reason}")]
        public static partial void Refused(ILogger logger, string userName, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in failed: {Reason}")]
        public static partial void Failed(ILogger logger, string reason);
    }
}

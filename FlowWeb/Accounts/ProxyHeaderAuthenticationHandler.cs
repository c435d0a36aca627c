using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FlowWeb.Accounts;

/// <summary>
/// Single sign-on through a reverse proxy that authenticates users itself (Authelia, oauth2-proxy, Authentik...) and
/// passes the user name in a header (<c>Auth:ProxyHeader:HeaderName</c>, default <c>Remote-User</c>). The header is
/// believed only from the addresses in <c>Auth:ProxyHeader:TrustedProxies</c>: from anywhere else anyone could send it.
/// The user must exist in FlowWeb (their role is FlowWeb's), or is created with <c>Auth:ProxyHeader:NewUserRole</c>.
/// </summary>
internal sealed class ProxyHeaderAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<AuthOptions> auth,
    ExternalAccounts accounts, SignInManager<IdentityUser> signIn)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ProxyHeader";

    /// <summary>True when the request comes from a trusted proxy and carries the user header.</summary>
    public static bool Applies(HttpContext context, ProxyHeaderOptions proxy) =>
        proxy.TrustedProxies.Count > 0 && context.Request.Headers[proxy.HeaderName].ToString().Length > 0
        && context.Connection.RemoteIpAddress is { } remote
        && proxy.TrustedProxies.Any(p => IPAddress.TryParse(p, out var trusted) && (trusted.Equals(remote) || trusted.Equals(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote)));

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var proxy = auth.Value.ProxyHeader;
        if (!Applies(Context, proxy))
        {
            return AuthenticateResult.NoResult();
        }

        var name = Request.Headers[proxy.HeaderName].ToString().Trim();
        var (user, refusal) = await accounts.ForProxyAsync(name, AccountRoles.Parse(proxy.NewUserRole));
        if (user is null)
        {
            return AuthenticateResult.Fail(refusal!);
        }

        // Identity's own principal: roles and the security stamp, which circuits revalidate like a cookie's.
        var principal = await signIn.CreateUserPrincipalAsync(user);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }
}

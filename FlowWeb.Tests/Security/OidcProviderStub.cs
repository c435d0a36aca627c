using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlowWeb.Tests.Security;

/// <summary>The person the stub provider signs in next (its authorize endpoint asks no questions).</summary>
public sealed record OidcUser(string Subject, string UserName, params string[] Groups);

/// <summary>
/// A minimal OpenID provider on a loopback port, strict where a real one is: discovery, JWKS with an RSA key made
/// here, an authorize endpoint that checks the client, redirect URI and PKCE challenge and answers with a code at
/// once, and a token endpoint that checks the code, the verifier and the client secret and returns an RS256 ID token.
/// Anything it refuses is counted in <see cref="Refusals"/>, so a test can tell a refusal from a FlowWeb bug.
/// </summary>
public sealed class OidcProviderStub : IAsyncDisposable
{
    public const string ClientId = "flowweb";
    public const string ClientSecret = "stub-client-secret-0123456789";

    private static readonly string[] Code = ["code"];
    private static readonly string[] Public = ["public"];
    private static readonly string[] Rs256 = ["RS256"];
    private static readonly string[] S256 = ["S256"];

    private readonly ConcurrentDictionary<string, Grant> _grants = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _refusals = new();
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "stub-key-1" };
    private WebApplication _site = default!;

    public string Authority { get; private set; } = "";

    /// <summary>The only redirect URI the client may use (FlowWeb's <c>/signin-oidc</c>), set once the app's port is known.</summary>
    public string? RedirectUri { get; set; }

    public OidcUser NextUser { get; set; } = new("sub-1", "someone");

    /// <summary>Whether the last token request carried a PKCE verifier that matched its challenge.</summary>
    public bool PkceVerified { get; private set; }

    public IReadOnlyCollection<string> Refusals => _refusals;

    public static async Task<OidcProviderStub> StartAsync()
    {
        var stub = new OidcProviderStub();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        stub._site = builder.Build();
        stub._site.MapGet("/.well-known/openid-configuration", stub.Discovery);
        stub._site.MapGet("/jwks", stub.Jwks);
        stub._site.MapGet("/authorize", stub.Authorize);
        stub._site.MapPost("/token", stub.TokenAsync);
        await stub._site.StartAsync();
        stub.Authority = stub._site.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return stub;
    }

    public async ValueTask DisposeAsync() => await _site.DisposeAsync();

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Authority,
        ["authorization_endpoint"] = Authority + "/authorize",
        ["token_endpoint"] = Authority + "/token",
        ["jwks_uri"] = Authority + "/jwks",
        ["end_session_endpoint"] = Authority + "/logout",
        ["response_types_supported"] = Code,
        ["subject_types_supported"] = Public,
        ["id_token_signing_alg_values_supported"] = Rs256,
        ["code_challenge_methods_supported"] = S256,
    });

    private IResult Jwks()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.Rsa.ExportParameters(false)) { KeyId = _key.KeyId });
        return Results.Json(new { keys = new[] { new { kty = jwk.Kty, use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
    }

    private IResult Authorize(HttpRequest request)
    {
        var q = request.Query;
        var problem = q["client_id"] != ClientId ? "unknown client_id"
            : RedirectUri is null || q["redirect_uri"] != RedirectUri ? $"redirect_uri {q["redirect_uri"]} not registered"
            : q["response_type"] != "code" ? "only the code flow"
            : q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]) ? "PKCE (S256) required"
            : !q["scope"].ToString().Split(' ').Contains("openid") ? "scope openid required"
            : null;
        if (problem is not null)
        {
            _refusals.Enqueue("authorize: " + problem);
            return Results.BadRequest(problem);
        }

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        _grants[code] = new Grant(NextUser, q["code_challenge"]!, q["nonce"].ToString(), RedirectUri!);
        return Results.Redirect($"{RedirectUri}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var (id, secret) = ClientOf(request, form);
        var grant = _grants.TryRemove(form["code"].ToString(), out var g) ? g : null;
        var verifier = form["code_verifier"].ToString();
        var problem = id != ClientId || secret != ClientSecret ? "client authentication failed"
            : form["grant_type"] != "authorization_code" ? "unsupported grant_type"
            : grant is null ? "unknown or reused code"
            : form["redirect_uri"] != grant.RedirectUri ? "redirect_uri differs from the authorize request"
            : Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier))) != grant.Challenge ? "code_verifier does not match the challenge"
            : null;
        if (problem is not null)
        {
            _refusals.Enqueue("token: " + problem);
            return Results.Json(new { error = "invalid_grant", error_description = problem }, statusCode: 400);
        }

        PkceVerified = true;
        var accessToken = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var now = DateTime.UtcNow;
        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = grant!.User.Subject,
                ["preferred_username"] = grant.User.UserName,
                ["nonce"] = grant.Nonce,
                ["groups"] = grant.User.Groups,
                ["at_hash"] = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(accessToken))[..16]),
            },
        });
        return Results.Json(new { access_token = accessToken, token_type = "Bearer", expires_in = 300, id_token = idToken });
    }

    /// <summary>client_secret_basic or client_secret_post, whichever the client uses.</summary>
    private static (string? Id, string? Secret) ClientOf(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
            return (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
        }

        return (form["client_id"], form["client_secret"]);
    }

    private sealed record Grant(OidcUser User, string Challenge, string Nonce, string RedirectUri);
}

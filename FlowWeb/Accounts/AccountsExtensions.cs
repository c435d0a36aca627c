using System.Threading.RateLimiting;
using FlowWeb.Core.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FlowWeb.Accounts;

/// <summary>
/// Accounts (ASP.NET Core Identity on the app's database), roles, API keys, the first-run setup and the sign-in
/// rate limit. Browsers sign in with a cookie; scripts send an API key; every page and endpoint needs one or the
/// other except sign-in, setup, <c>/health</c> and static files.
/// </summary>
internal static class AccountsExtensions
{
    /// <summary>Chooses the API key handler when the request carries a key, the Identity cookie otherwise.</summary>
    private const string CombinedScheme = "FlowWeb";

    public const string LoginPath = "/account/login";
    public const string SetupPath = "/setup";
    private const string SignInLimiter = "sign-in";

    public static void AddFlowWebAccounts(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<SetupState>();
        services.AddSingleton<ApiKeyService>();
        services.AddScoped<UserRights>();
        services.AddScoped<ExternalAccounts>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<FlowWeb.Core.Sensors.IChangeAudit>(sp => sp.GetRequiredService<AuditLog>());
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, AuditCircuitHandler>();
        services.AddHostedService<AccountsSetup>();

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityAuthState>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CombinedScheme;
                o.DefaultChallengeScheme = CombinedScheme;
            })
            .AddPolicyScheme(CombinedScheme, null, o => o.ForwardDefaultSelector = context =>
                ApiKeyAuthenticationHandler.KeyOf(context.Request) is not null && ApiKeyAuthenticationHandler.Accepts(context.Request.Path) ? ApiKeyAuthenticationHandler.SchemeName
                : ProxyHeaderAuthenticationHandler.Applies(context, context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.ProxyHeader) ? ProxyHeaderAuthenticationHandler.SchemeName
                : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, ProxyHeaderAuthenticationHandler>(ProxyHeaderAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        new AuthenticationBuilder(services).AddFlowWebOidc(builder.Configuration);
        services.AddIdentityCore<IdentityUser>(o =>
            {
                // Length over composition rules (NIST SP 800-63B): a long passphrase beats "Passw0rd!".
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<FlowWebDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<IOptions<AuthOptions>>((o, auth) =>
        {
            o.LoginPath = LoginPath;
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "FlowWeb.Session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(auth.Value.SessionMinutes);
            o.SlidingExpiration = true;

            // Scripts get a status code, not the HTML sign-in page.
            o.Events.OnRedirectToLogin = c => Answer(c, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = c => Answer(c, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AccountRoles.ViewPolicy, p => p.RequireRole(AccountRoles.All))
            .AddPolicy(AccountRoles.EditPolicy, p => p.RequireRole(AccountRoles.Administrator, AccountRoles.Operator))
            .AddPolicy(AccountRoles.AdminPolicy, p => p.RequireRole(AccountRoles.Administrator))
            .AddPolicy(AccountRoles.MetricsPolicy, p => p.RequireAssertion(c => MetricsAllowed(c, builder.Configuration)));

        // Guessing passwords: lockout stops it per account, this per address (Auth:SignInAttemptsPerMinute sign-in or setup
        // posts a minute, 10 by default).
        var attemptsPerMinute = builder.Configuration.GetValue($"{AuthOptions.Section}:{nameof(AuthOptions.SignInAttemptsPerMinute)}", new AuthOptions().SignInAttemptsPerMinute);
        attemptsPerMinute = Math.Clamp(attemptsPerMinute, 1, 100_000);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, cancellationToken) =>
                new ValueTask(context.HttpContext.Response.WriteAsync("Too many sign-in attempts from this address: wait a minute.", cancellationToken));
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                HttpMethods.IsPost(context.Request.Method) && (context.Request.Path.StartsWithSegments(LoginPath) || context.Request.Path.StartsWithSegments(SetupPath))
                    ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "", _ => new FixedWindowRateLimiterOptions { PermitLimit = attemptsPerMinute, Window = TimeSpan.FromMinutes(1) })
                    : RateLimitPartition.GetNoLimiter(SignInLimiter));
        });
    }

    /// <summary>
    /// A Prometheus on the same machine scrapes loopback without a key by default (the Host check and the cross-site
    /// guard keep browsers' pages out); others need a key unless Metrics:RequireApiKey is false (a trusted network).
    /// </summary>
    private static bool MetricsAllowed(Microsoft.AspNetCore.Authorization.AuthorizationHandlerContext context, IConfiguration configuration)
    {
        if (context.User.Identity?.IsAuthenticated == true && AccountRoles.All.Any(context.User.IsInRole))
        {
            return true;
        }

        if (!configuration.GetValue("Metrics:RequireApiKey", defaultValue: true))
        {
            return true;
        }

        return context.Resource is HttpContext http && configuration.GetValue("Metrics:OpenToLoopback", defaultValue: true)
            && http.Connection.RemoteIpAddress is { } remote && System.Net.IPAddress.IsLoopback(remote);
    }

    /// <summary>Rate limit, first-run redirect, authentication and authorization, in that order.</summary>
    public static void UseFlowWebAccounts(this WebApplication app)
    {
        app.UseRateLimiter();
        app.UseAuthentication();
        app.Use((context, next) =>
        {
            AuditActor.Current = AuditActor.Describe(context.User);
            return next(context);
        });
        app.Use(FirstRunAsync);
        app.UseAuthorization();
        app.MapPost("/account/logout", async Task<IResult> (HttpContext http, SignInManager<IdentityUser> signIn, [FromForm] string? returnUrl) =>
        {
            var atProvider = await OidcSignIn.SignsOutAtProviderAsync(http);
            await signIn.SignOutAsync();
            return atProvider ? TypedResults.SignOut(new AuthenticationProperties { RedirectUri = LoginPath }, [OidcSignIn.SchemeName]) : TypedResults.LocalRedirect(LoginPath);
        }).ExcludeFromDescription();
        app.MapOidcStart();
    }

    /// <summary>Until the first administrator exists, every page leads to the setup page.</summary>
    private static Task FirstRunAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        if (!context.RequestServices.GetRequiredService<SetupState>().HasUsers && HttpMethods.IsGet(context.Request.Method)
            && !Path.HasExtension(path.Value) && !path.StartsWithSegments(SetupPath) && !path.StartsWithSegments("/health")
            && !path.StartsWithSegments("/_blazor") && !path.StartsWithSegments("/_framework") && !path.StartsWithSegments("/_content")
            && !ApiKeyAuthenticationHandler.Accepts(path))
        {
            context.Response.Redirect(SetupPath + context.Request.QueryString);
            return Task.CompletedTask;
        }

        return next(context);
    }

    private static Task Answer(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        if (ApiKeyAuthenticationHandler.Accepts(path) || path.StartsWithSegments("/_blazor"))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }
}

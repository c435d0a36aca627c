using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace FlowWeb.Security;

/// <summary>The web side's defences that need no account: Host names, cross-site requests, response headers.</summary>
internal static class SecurityExtensions
{
    public static IServiceCollection AddFlowWebHardening(this IServiceCollection services)
    {
        services.AddSingleton<IPostConfigureOptions<HostFilteringOptions>, AllowedHostNames>();
        return services;
    }

    /// <summary>The per-response nonce that lets the page's one inline script (Blazor's import map) run; see <see cref="ContentSecurityPolicy"/>.</summary>
    public const string NonceItem = "flowweb-csp-nonce";

    /// <summary>
    /// What pages may load and where they may send data: only this origin (a script injected through a name could not
    /// send what it reads elsewhere, nor post a form to another site). No inline script runs but the one that carries
    /// this response's nonce: Blazor's import map (App.razor). Inline styles stay allowed: MudBlazor sets style
    /// attributes, which no nonce can cover, and a style cannot run code or send data out (connect-src, img-src and
    /// font-src stay 'self').
    /// </summary>
    public static string ContentSecurityPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The nonce of this response (made by <see cref="UseFlowWebHardening"/>); empty outside a request it handled.</summary>
    public static string CspNonce(this HttpContext context) => context?.Items[NonceItem] as string ?? "";

    /// <summary>After host filtering (added by the host itself, first in the pipeline) and before any endpoint.</summary>
    public static IApplicationBuilder UseFlowWebHardening(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "DENY";
            // Hex, not base64: Razor writes '+', '/' and '=' in an attribute as entities, so a base64 nonce in the page
            // differed in text from the header's one time in a few (browsers decode it, but anything reading the HTML
            // as text, such as the test of this, did not match). 128 random bits either way.
            var nonce = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            context.Items[NonceItem] = nonce;
            headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
            return next(context);
        });
        return app.UseMiddleware<CrossSiteRequestGuard>();
    }
}

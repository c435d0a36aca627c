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

    /// <summary>
    /// What pages may load and where they may send data: only this origin (a script injected through a name could not
    /// send what it reads elsewhere, nor post a form to another site). Inline scripts stay allowed because Blazor's
    /// import map is an inline script; MudBlazor sets inline styles.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>After host filtering (added by the host itself, first in the pipeline) and before any endpoint.</summary>
    public static IApplicationBuilder UseFlowWebHardening(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            return next(context);
        });
        return app.UseMiddleware<CrossSiteRequestGuard>();
    }
}

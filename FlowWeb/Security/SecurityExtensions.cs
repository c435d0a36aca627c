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

    /// <summary>After host filtering (added by the host itself, first in the pipeline) and before any endpoint.</summary>
    public static IApplicationBuilder UseFlowWebHardening(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            return next(context);
        });
        return app.UseMiddleware<CrossSiteRequestGuard>();
    }
}

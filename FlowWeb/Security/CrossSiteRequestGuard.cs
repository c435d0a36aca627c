namespace FlowWeb.Security;

/// <summary>
/// Refuses state-changing requests (POST, PUT, PATCH, DELETE) and every request to the Blazor hub (<c>/_blazor</c>,
/// whose WebSocket handshake browsers send cross-origin without a preflight) that a browser made on behalf of another
/// site: a form on a foreign page can post to <c>/api/sensors/{id}/pause</c> without any CORS check. Browsers say where
/// a request comes from in <c>Sec-Fetch-Site</c> (trusted: scripts cannot set it) or, older ones, in <c>Origin</c>.
/// Requests with neither (curl, scripts, Prometheus) are not from a browser page and pass; they need credentials of
/// their own. "same-site" is refused too: another port on the same host is same-site but not same-origin.
/// </summary>
internal sealed partial class CrossSiteRequestGuard(RequestDelegate next, ILogger<CrossSiteRequestGuard> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if ((IsStateChanging(request.Method) || request.Path.StartsWithSegments("/_blazor")) && ForeignOrigin(request) is { } origin)
        {
            LogRefused(logger, request.Method, request.Path, origin);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("Cross-site request refused: FlowWeb accepts changes only from its own pages.");
            return;
        }

        await next(context);
    }

    private static bool IsStateChanging(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    /// <summary>Null when the request is same-origin or not from a browser page; otherwise what gave it away.</summary>
    public static string? ForeignOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is "same-origin" or "none" ? null : $"Sec-Fetch-Site: {site}";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return null;
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return $"Origin: {origin}";
        }

        // The scheme is not compared: behind a TLS-terminating proxy the page is https and the request here is http.
        var host = request.Host;
        var port = host.Port ?? (uri.Scheme == Uri.UriSchemeHttps ? 443 : 80);
        return string.Equals(uri.Host, host.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase) && uri.Port == port ? null : $"Origin: {origin}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a cross-site {Method} {Path} ({Origin})")]
    private static partial void LogRefused(ILogger logger, string method, string path, string origin);
}

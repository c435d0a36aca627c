namespace FlowWeb.Cli;

/// <summary>
/// <c>FlowWeb healthcheck [url]</c>: asks a running FlowWeb for <c>/health</c> and exits 0 when it answers 200,
/// 1 otherwise. Exists for the container's HEALTHCHECK, because the runtime image has no curl or wget.
/// </summary>
internal static class HealthCheckCommand
{
    public const string Verb = "healthcheck";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static bool IsCommand(string[] args) =>
        args.Length > 0 && string.Equals(args[0], Verb, StringComparison.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.Length > 1 ? new Uri(args[1]) : DefaultUrl(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(url).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"{url}: {(int)response.StatusCode} {body}").ConfigureAwait(false);
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{url}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>
    /// <c>/health</c> on the first URL the server listens on, with wildcard and "any" hosts replaced by
    /// 127.0.0.1 (<c>http://+:8080</c> gives <c>http://127.0.0.1:8080/health</c>); port 8080, the image's
    /// port, when nothing is set.
    /// </summary>
    internal static Uri DefaultUrl(string? aspNetCoreUrls)
    {
        var first = aspNetCoreUrls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

        // Wildcard hosts (+, *) are not valid in a Uri; give them a name before parsing.
        var parsable = first?.Replace("://+", "://any", StringComparison.Ordinal).Replace("://*", "://any", StringComparison.Ordinal);
        if (parsable is null || !Uri.TryCreate(parsable, UriKind.Absolute, out var uri))
        {
            return new Uri("http://127.0.0.1:8080/health");
        }

        var host = uri.Host is "any" or "0.0.0.0" or "[::]" or "localhost" ? "127.0.0.1" : uri.Host;
        return new UriBuilder(uri.Scheme, host, uri.Port, "/health").Uri;
    }
}

using System.CommandLine;

namespace FlowWeb.Cli;

/// <summary>
/// <c>FlowWeb healthcheck [url]</c>: asks a running FlowWeb for <c>/health</c> and exits 0 when it answers 200,
/// 1 otherwise. Exists for the container's HEALTHCHECK, because the runtime image has no curl or wget.
/// </summary>
internal static class HealthCheckCommand
{
    public const string Verb = "healthcheck";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static Command Create(CliConsole console)
    {
        var url = new Argument<Uri?>("URL")
        {
            Description = "What to ask; default /health on the first of ASPNETCORE_URLS (wildcard hosts as 127.0.0.1), else http://127.0.0.1:8080/health.",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = r => CliOptions.Text(r.Tokens) is { } text && TryUrl(text, out var uri) ? uri : null,
        };
        url.Validators.Add(r =>
        {
            if (CliOptions.Text(r.Tokens) is { } text && !TryUrl(text, out _))
            {
                r.AddError($"URL: expected an absolute http or https URL, got \"{text}\"");
            }
        });
        var command = new Command(Verb, "Ask a running FlowWeb for /health: exit 0 when it answers 200, 1 otherwise (the container's HEALTHCHECK; the image has no curl).")
        {
            url,
        };
        command.SetAction((parse, _) => RunAsync(parse.GetValue(url) ?? DefaultUrl(Environment.GetEnvironmentVariable("ASPNETCORE_URLS")), console));
        return command;
    }

    private static bool TryUrl(string text, out Uri uri) =>
        Uri.TryCreate(text, UriKind.Absolute, out uri!) && uri.Scheme is "http" or "https";

    public static async Task<int> RunAsync(Uri url, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(url).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            await console.Out.WriteLineAsync($"{url}: {(int)response.StatusCode} {body}").ConfigureAwait(false);
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await console.Error.WriteLineAsync($"{url}: {e.Message}").ConfigureAwait(false);
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

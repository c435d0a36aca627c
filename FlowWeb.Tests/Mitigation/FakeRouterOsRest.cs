using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowWeb.Tests.Mitigation;

/// <summary>One request the fake router received.</summary>
internal sealed record RouterOsRequest(string Method, string Path, IReadOnlyDictionary<string, string> Body, string? User);

/// <summary>
/// A stand-in for a RouterOS v7 router's REST API on https://127.0.0.1 (real Kestrel, a self-signed certificate made
/// here): Basic auth, <c>PUT</c> to add to <c>ip|ipv6/firewall/address-list</c> and <c>ip|ipv6/route</c>, <c>DELETE</c>
/// by <c>.id</c>, <c>GET</c> to list — answering as RouterOS does: every value a string, ids like <c>*1A</c>, errors as
/// <c>{"error":404,"message":"Not Found"}</c> or with a <c>detail</c>. Every request is recorded.
/// </summary>
internal sealed class FakeRouterOsRest : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Dictionary<string, string>>> _tables = new();
    private int _nextId = 0x1A;

    private FakeRouterOsRest(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    public const string User = "flowweb";
    public const string Password = "s3cret!";

    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 of the certificate, hex, as the device setting takes it.</summary>
    public string Thumbprint => Convert.ToHexString(SHA256.HashData(Certificate.RawData));

    public Uri Url { get; private set; } = default!;

    public ConcurrentQueue<RouterOsRequest> Requests { get; } = new();

    /// <summary>Entries now on the "router" of one menu, e.g. <c>ip/firewall/address-list</c>.</summary>
    public IReadOnlyCollection<Dictionary<string, string>> Entries(string menu) =>
        _tables.TryGetValue(menu, out var table) ? [.. table.Values] : [];

    public static async Task<FakeRouterOsRest> StartAsync()
    {
        var certificate = MakeCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var fake = new FakeRouterOsRest(app, certificate);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.Url = new Uri(address);
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        var body = new Dictionary<string, string>();
        if (request.ContentLength > 0 || request.Method == "PUT")
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                body[property.Name] = property.Value.ToString();
            }
        }

        var user = Authorized(request);
        // Logged as the answer starts: after its effect on the tables (a test that sees a request sees what it did) and
        // before the caller can read the answer (a test that got the answer sees the request).
        context.Response.OnStarting(() =>
        {
            Requests.Enqueue(new RouterOsRequest(request.Method, path, body, user));
            return Task.CompletedTask;
        });
        await AnswerAsync(context, path, body, user);
    }

    private async Task AnswerAsync(HttpContext context, string path, Dictionary<string, string> body, string? user)
    {
        var request = context.Request;
        if (user is null)
        {
            await Error(context, 401, "Unauthorized");
            return;
        }

        if (!path.StartsWith("/rest/", StringComparison.Ordinal))
        {
            await Error(context, 404, "Not Found");
            return;
        }

        var rest = path["/rest/".Length..];
        switch (request.Method)
        {
            case "PUT" when IsMenu(rest):
                var table = _tables.GetOrAdd(rest, _ => new());
                if (rest.EndsWith("address-list", StringComparison.Ordinal) &&
                    table.Values.Any(e => e["list"] == body.GetValueOrDefault("list") && e["address"] == body.GetValueOrDefault("address")))
                {
                    await Error(context, 400, "Bad Request", "failure: already have such entry");
                    return;
                }

                var id = "*" + Interlocked.Increment(ref _nextId).ToString("X", CultureInfo.InvariantCulture);
                var entry = new Dictionary<string, string>(body) { [".id"] = id, ["disabled"] = "false", ["dynamic"] = body.ContainsKey("timeout") ? "true" : "false" };
                table[id] = entry;
                await Json(context, 200, entry);
                return;
            case "GET" when IsMenu(rest):
                await Json(context, 200, Entries(rest).ToArray());
                return;
            case "DELETE":
                var slash = rest.LastIndexOf('/');
                var menu = slash < 0 ? "" : rest[..slash];
                var key = Uri.UnescapeDataString(rest[(slash + 1)..]);
                if (_tables.TryGetValue(menu, out var entries) && entries.TryRemove(key, out _))
                {
                    context.Response.StatusCode = 204;
                    return;
                }

                await Error(context, 404, "Not Found", "no such item");
                return;
            default:
                await Error(context, 400, "Bad Request", "no such command");
                return;
        }
    }

    private static bool IsMenu(string path) => path is "ip/firewall/address-list" or "ipv6/firewall/address-list" or "ip/route" or "ipv6/route";

    private static string? Authorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return null;
        }

        var pair = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
        return pair == $"{User}:{Password}" ? User : null;
    }

    private static Task Error(HttpContext context, int status, string message, string? detail = null) =>
        Json(context, status, detail is null ? new Dictionary<string, object> { ["error"] = status, ["message"] = message }
            : new Dictionary<string, object> { ["detail"] = detail, ["error"] = status, ["message"] = message });

    private static async Task Json(HttpContext context, int status, object value)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(value));
    }

    private static X509Certificate2 MakeCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=fake-routeros", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        // Kestrel needs the private key in a form it can use on every platform: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace FlowWeb.Core.Mitigation;

/// <summary>What the router answered: success with the new entry's id, or the error as RouterOS put it.</summary>
public sealed record RouterOsAnswer(bool Succeeded, string? Id, string Message);

/// <summary>
/// The few RouterOS v7 REST calls mitigation needs (<c>PUT</c> to add, <c>DELETE</c> to remove, under <c>/rest</c>),
/// with HTTP Basic auth over HTTPS. RouterOS answers an add with the new record (its <c>.id</c>, e.g. <c>*1A</c>) and
/// an error with <c>{"error":400,"message":"Bad Request","detail":"..."}</c>. A router with a self-signed certificate
/// is trusted when its fingerprint matches the device's setting; otherwise the certificate must validate.
/// </summary>
public sealed class RouterOsRestClient : IDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly string _baseUrl;

    public RouterOsRestClient(DeviceMitigationSettings settings, string? password)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var pin = settings.NormalizedThumbprint;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = RequestTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    errors == SslPolicyErrors.None || (pin.Length > 0 && certificate is not null && Matches(certificate, pin)),
            },
        };
        _http = new HttpClient(handler) { Timeout = RequestTimeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{settings.Username}:{password ?? ""}")));
        _baseUrl = settings.Url.Trim().TrimEnd('/') + "/rest";
    }

    /// <summary>Adds an address-list entry (<c>timeout</c> null: no timeout, a manual ban).</summary>
    public Task<RouterOsAnswer> AddAddressListEntryAsync(string address, string list, TimeSpan? timeout, string comment, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, string> { ["list"] = list, ["address"] = address, ["comment"] = comment };
        if (timeout is { } t)
        {
            body["timeout"] = RouterOsCommands.Duration(t);
        }

        return PutAsync($"{Menu(address)}/firewall/address-list", body, cancellationToken);
    }

    public Task<RouterOsAnswer> AddBlackholeRouteAsync(string address, string comment, CancellationToken cancellationToken)
    {
        var prefix = address.Contains('/', StringComparison.Ordinal) ? address : address + (address.Contains(':', StringComparison.Ordinal) ? "/128" : "/32");
        return PutAsync($"{Menu(address)}/route", new Dictionary<string, string> { ["dst-address"] = prefix, ["blackhole"] = "yes", ["comment"] = comment }, cancellationToken);
    }

    /// <summary>Removes what an add returned: <paramref name="path"/> is the menu (e.g. <c>ip/firewall/address-list</c>), <paramref name="id"/> its <c>.id</c>.</summary>
    public async Task<RouterOsAnswer> RemoveAsync(string path, string id, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.DeleteAsync(new Uri($"{_baseUrl}/{path}/{Uri.EscapeDataString(id)}"), cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return new RouterOsAnswer(true, id, $"removed ({(int)response.StatusCode})");
            }

            return new RouterOsAnswer(false, id, await ErrorAsync(response, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new RouterOsAnswer(false, id, Unreachable(e));
        }
    }

    public static string Menu(string address) => address.Contains(':', StringComparison.Ordinal) ? "ipv6" : "ip";

    private async Task<RouterOsAnswer> PutAsync(string path, Dictionary<string, string> body, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.PutAsJsonAsync(new Uri($"{_baseUrl}/{path}"), body, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new RouterOsAnswer(false, null, await ErrorAsync(response, cancellationToken).ConfigureAwait(false));
            }

            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
            var id = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(".id", out var value) ? value.GetString() : null;
            return id is null
                ? new RouterOsAnswer(false, null, "the router answered without the new entry's .id")
                : new RouterOsAnswer(true, id, $"added as {id}");
        }
        catch (JsonException e)
        {
            return new RouterOsAnswer(false, null, $"the router's answer is not JSON: {e.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new RouterOsAnswer(false, null, Unreachable(e));
        }
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var message = root.TryGetProperty("message", out var m) ? m.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return $"{(int)response.StatusCode} {message ?? response.ReasonPhrase}{(detail is null ? "" : ": " + detail)}";
        }
        catch (JsonException)
        {
            return $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }
    }

    private static string Unreachable(Exception e) => e is TaskCanceledException
        ? $"no answer within {RequestTimeout.TotalSeconds:0} s"
        : $"cannot reach the router: {e.GetBaseException().Message}";

    private static bool Matches(X509Certificate certificate, string pin)
    {
        var raw = certificate.GetRawCertData();
        return CryptographicOperations.FixedTimeEquals(Convert.FromHexString(pin), SHA256.HashData(raw));
    }

    public void Dispose() => _http.Dispose();
}

using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace FlowWeb.Api;

/// <summary>
/// Optimistic concurrency for sensors and devices (RFC 9110 §13.1.1): a GET answers with an ETag, a strong hash of
/// the resource as the API shows it; a PUT or DELETE that sends it back in <c>If-Match</c> happens only if the stored
/// resource still has that version, so of two editors who read the same version the second gets 412 instead of
/// silently undoing the first one's change. Without <c>If-Match</c> the request applies as before (last write wins).
/// </summary>
internal static class ApiVersions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The quoted entity tag of a response body.</summary>
    public static string ETagOf<T>(T response)
    {
        var hash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(response, Json));
        return $"\"{Convert.ToHexStringLower(hash.AsSpan(0, 16))}\"";
    }

    public static void SetETag<T>(HttpResponse http, T response)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Headers.ETag = ETagOf(response);
    }

    /// <summary>
    /// What <c>If-Match</c> asks for: null when absent (anything goes), else a check of the stored version's response
    /// (<c>*</c> matches any existing version). A weak tag never matches: ours are strong.
    /// </summary>
    public static Func<TStored, bool>? Precondition<TStored, TResponse>(HttpRequest http, Func<TStored, TResponse> shown)
    {
        ArgumentNullException.ThrowIfNull(http);
        var header = http.Headers.IfMatch;
        if (header.Count == 0)
        {
            return null;
        }

        var tags = EntityTagHeaderValue.TryParseList(header, out var parsed) ? parsed : [];
        if (tags.Any(t => t == EntityTagHeaderValue.Any))
        {
            return _ => true;
        }

        var wanted = tags.Where(t => !t.IsWeak).Select(t => t.Tag.ToString()).ToHashSet(StringComparer.Ordinal);
        return stored => wanted.Contains(ETagOf(shown(stored)));
    }

    public static ProblemHttpResult Changed(string what) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: $"The {what} changed since it was read",
        detail: $"If-Match names a version the {what} no longer has: read it again (GET gives its ETag) and repeat the change.");
}

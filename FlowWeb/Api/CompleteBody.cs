using System.Text.Json;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace FlowWeb.Api;

/// <summary>
/// A PUT replaces the whole resource, so its body must name every member: <c>{"name":"renamed"}</c> would otherwise
/// reset the port, sender and protocol to their defaults (a JSON member that is absent and one that holds the default
/// look the same after binding). Members may be <c>null</c> where the type allows it; they may not be missing.
/// </summary>
internal static class CompleteBody
{
    /// <summary>The body as <typeparamref name="T"/>, or the members it lacks as validation errors.</summary>
    public static async Task<(T? Value, IReadOnlyList<ValidationError> Missing)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            throw new BadHttpRequestException("Expected a JSON body (Content-Type: application/json).", StatusCodes.Status415UnsupportedMediaType);
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = options.MaxDepth > 0 ? options.MaxDepth : 64 }, cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new BadHttpRequestException($"Expected a JSON object, not {document.RootElement.ValueKind}.");
            }

            var present = document.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var missing = options.GetTypeInfo(typeof(T)).Properties
                .Where(p => p.Set is not null && !present.Contains(p.Name))
                .Select(p => new ValidationError(p.Name, "is missing: PUT replaces every setting, so send the complete representation (GET it, change it, PUT it back)"))
                .ToList();
            return missing.Count > 0 ? (null, missing) : (document.RootElement.Deserialize<T>(options), []);
        }
        catch (JsonException e)
        {
            // The same answer as a body the framework binds itself (see ApiErrorProblems).
            throw new BadHttpRequestException("Failed to read parameter from the request body as JSON.", e);
        }
    }
}

using System.Text.Json;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowWeb.Api;

/// <summary>The API's error answers: RFC 7807 problem details, validation errors keyed by the JSON name of the field.</summary>
internal static class ApiProblems
{
    /// <summary>
    /// The service names fields as the C# properties (<c>IncludeFilter</c>); a client sent and reads them camel-cased
    /// (<c>includeFilter</c>), so the errors use the names of the JSON it sent.
    /// </summary>
    /// <remarks>
    /// At most <see cref="MaxErrors"/> errors are listed, with <c>errorCount</c> telling how many there were: a 1 MB
    /// filter of garbage would otherwise be answered with hundreds of thousands of errors (tens of megabytes).
    /// </remarks>
    public static ValidationProblem Validation(IEnumerable<ValidationError> errors)
    {
        var all = errors.ToList();
        var listed = all.Take(MaxErrors)
            .GroupBy(e => JsonName(e.Field), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => Shorten(e.Message)).ToArray(), StringComparer.Ordinal);
        return all.Count <= MaxErrors
            ? TypedResults.ValidationProblem(listed)
            : TypedResults.ValidationProblem(listed, detail: $"{all.Count:N0} problems; the first {MaxErrors} are listed.",
                extensions: new Dictionary<string, object?> { ["errorCount"] = all.Count });
    }

    public const int MaxErrors = 20;

    private const int MaxMessageLength = 500;

    private static string Shorten(string message) => message.Length <= MaxMessageLength ? message : message[..MaxMessageLength] + "...";

    /// <summary>Each segment of a path camel-cased: <c>Detection.HostGroups[0].Prefixes</c> → <c>detection.hostGroups[0].prefixes</c>.</summary>
    public static string JsonName(string field) =>
        string.Join('.', field.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));

    public static ValidationProblem Validation(string field, string message) => Validation([new ValidationError(field, message)]);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static ProblemHttpResult NoSensor(Guid id) => NotFound($"There is no sensor with id {id}.");

    public static ProblemHttpResult NoDevice(Guid id) => NotFound($"There is no device with id {id}.");
}

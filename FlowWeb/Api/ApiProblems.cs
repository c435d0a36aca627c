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
    public static ValidationProblem Validation(IEnumerable<ValidationError> errors) =>
        TypedResults.ValidationProblem(errors
            .GroupBy(e => JsonName(e.Field), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal));

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

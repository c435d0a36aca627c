using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace FlowWeb.Api;

/// <summary>
/// Exceptions under <c>/api</c> become problem details: a body that is not JSON, or not the JSON the endpoint
/// understands (an unknown member, a wrong type, an enum outside its range), is a 400 naming the member, line and
/// position; anything else is a 500 without a stack trace, in Development too (the developer page would show the
/// request's headers, cookies included, to whatever script made the request). Bodies are limited in size.
/// </summary>
internal sealed partial class ApiErrorProblems(RequestDelegate next, ILogger<ApiErrorProblems> logger)
{
    /// <summary>Far more than any sensor with its filters and channels needs; Kestrel's default is 30 MB.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, problems, e.StatusCode, "The request could not be read", Describe(e), e.InnerException as JsonException);
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            LogFailed(logger, context.Request.Method, context.Request.Path, e);
            await WriteAsync(context, problems, StatusCodes.Status500InternalServerError, "Internal error", "The request failed; the server's log has the details.", null);
        }
    }

    private static string Describe(BadHttpRequestException e) => e.InnerException switch
    {
        JsonException json => json.Message,
        { } inner => $"{e.Message} {inner.Message}",
        _ => e.Message,
    };

    private static async Task WriteAsync(HttpContext context, IProblemDetailsService problems, int status, string title, string detail, JsonException? json)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail };
        if (json is not null)
        {
            problem.Extensions["path"] = json.Path;
            problem.Extensions["line"] = json.LineNumber + 1;
            problem.Extensions["position"] = json.BytePositionInLine + 1;
        }

        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "API request {Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, string method, string path, Exception exception);
}

using System.Text.Json.Serialization;
using FlowWeb.Accounts;
using Microsoft.AspNetCore.Authorization;

namespace FlowWeb.Api;

/// <summary>The HTTP API under <c>/api</c> and its OpenAPI document at <c>/openapi/v1.json</c>.</summary>
internal static class ApiExtensions
{
    public const string Prefix = "/api";

    /// <summary>JSON with enums as their names, problem details for errors, and the OpenAPI document.</summary>
    public static IServiceCollection AddFlowWebApi(this IServiceCollection services)
    {
        // Strict reading: a member the API does not know (a typo, snake_case) is an error, not a silently ignored value
        // that leaves a default in its place; enums only by name (a number would store 99 as a protocol); null only
        // where a member is declared nullable. The endpoints' binding errors reach ApiErrorProblems as exceptions.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.RespectNullableAnnotations = true;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddOpenApi(o => o.AddDocumentTransformer<ApiSecurityScheme>());
        return services;
    }

    /// <summary>
    /// Errors under <c>/api</c> (and of <c>/metrics</c> and the OpenAPI document, which scripts read too) without a body of their own (a malformed request, an unknown route) are answered with
    /// problem details here, before the UI's status-code pages would turn them into an HTML page.
    /// </summary>
    public static IApplicationBuilder UseFlowWebApiErrors(this IApplicationBuilder app) =>
        app.UseWhen(c => ApiKeyAuthenticationHandler.Accepts(c.Request.Path), api => api.UseMiddleware<ApiErrorProblems>().UseStatusCodePages());

    /// <summary>Reading needs any role; every other method (create, replace, delete, pause, resume) an operator or administrator.</summary>
    private static RouteGroupBuilder RequireEditorForChanges(this RouteGroupBuilder group)
    {
        ((IEndpointConventionBuilder)group).Add(endpoint =>
        {
            var methods = endpoint.Metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods);
            if (methods.Any(m => !HttpMethods.IsGet(m) && !HttpMethods.IsHead(m)))
            {
                endpoint.Metadata.Add(new AuthorizeAttribute { Policy = AccountRoles.EditPolicy });
            }
        });
        return group;
    }

    public static IEndpointRouteBuilder MapFlowWebApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().RequireAuthorization(AccountRoles.ViewPolicy);
        app.MapGroup(Prefix)
            .RequireAuthorization(AccountRoles.ViewPolicy)
            .RequireEditorForChanges()
            .MapSensorEndpoints()
            .MapSensorLiveEndpoints()
            .MapHistoryEndpoints()
            .MapDeviceEndpoints()
            .MapInterfaceEndpoints()
            .MapExporterEndpoints()
            .MapSFlowCounterEndpoints()
            .MapAlertEndpoints()
            .MapNotificationEndpoints()
            .MapAttackEndpoints()
            .MapMitigationEndpoints()
            .MapEnrichmentEndpoints();
        return app;
    }
}

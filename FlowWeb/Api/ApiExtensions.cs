using System.Text.Json.Serialization;

namespace FlowWeb.Api;

/// <summary>The HTTP API under <c>/api</c> and its OpenAPI document at <c>/openapi/v1.json</c>.</summary>
internal static class ApiExtensions
{
    public const string Prefix = "/api";

    /// <summary>JSON with enums as their names, problem details for errors, and the OpenAPI document.</summary>
    public static IServiceCollection AddFlowWebApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddProblemDetails();
        services.AddOpenApi();
        return services;
    }

    /// <summary>
    /// Errors under <c>/api</c> without a body of their own (a malformed request, an unknown route) are answered with
    /// problem details here, before the UI's status-code pages would turn them into an HTML page.
    /// </summary>
    public static IApplicationBuilder UseFlowWebApiErrors(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Prefix), api => api.UseStatusCodePages());

    public static IEndpointRouteBuilder MapFlowWebApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        app.MapGroup(Prefix)
            .MapSensorEndpoints()
            .MapSensorLiveEndpoints()
            .MapHistoryEndpoints()
            .MapDeviceEndpoints()
            .MapInterfaceEndpoints()
            .MapExporterEndpoints()
            .MapAlertEndpoints()
            .MapNotificationEndpoints()
            .MapAttackEndpoints()
            .MapMitigationEndpoints();
        return app;
    }
}

using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowWeb.Api;

/// <summary>Sensors: list, read, create, replace, delete, pause and resume, all through <see cref="SensorService"/> (the form's validation).</summary>
internal static class SensorEndpoints
{
    public static RouteGroupBuilder MapSensorEndpoints(this RouteGroupBuilder api)
    {
        var sensors = api.MapGroup("/sensors").WithTags("Sensors");
        sensors.MapGet("/", ListSensors).WithName(nameof(ListSensors)).WithSummary("Sensors' settings by name, paged (offset, limit at most 1000; X-Total-Count, Link rel=next)");
        sensors.MapGet("/{id:guid}", GetSensor).WithName(nameof(GetSensor)).WithSummary("One sensor's settings").ProducesProblem(StatusCodes.Status404NotFound);
        sensors.MapPost("/", CreateSensor).WithName(nameof(CreateSensor))
            .WithSummary("Creates a sensor; it receives at once (its UDP port opens)");
        sensors.MapPut("/{id:guid}", UpdateSensor).WithName(nameof(UpdateSensor)).Accepts<SensorRequest>("application/json")
            .WithSummary("Replaces a sensor's settings (every member must be sent); live data stays unless what it counts changed. With If-Match (the ETag of GET), only if nobody changed it since")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        sensors.MapDelete("/{id:guid}", DeleteSensor).WithName(nameof(DeleteSensor))
            .WithSummary("Deletes a sensor; its UDP port closes when no other sensor needs it. With If-Match, only if nobody changed it since it was read")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        sensors.MapPost("/{id:guid}/pause", PauseSensor).WithName(nameof(PauseSensor)).WithSummary("Pauses a sensor").ProducesProblem(StatusCodes.Status404NotFound);
        sensors.MapPost("/{id:guid}/resume", ResumeSensor).WithName(nameof(ResumeSensor)).WithSummary("Resumes a paused sensor").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<Results<Ok<SensorResponse[]>, ValidationProblem>> ListSensors(
        SensorService service, HttpContext context, int? offset, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (ListPaging.Check(offset, limit) is { Count: > 0 } errors)
        {
            return ApiProblems.Validation(errors);
        }

        var all = await service.ListSensorsAsync(cancellationToken);
        var page = ListPaging.Page(all, offset ?? 0, limit ?? ListPaging.MaxLimit);
        ListPaging.Describe(context, offset ?? 0, page.Length, all.Count);
        return TypedResults.Ok(page.Select(SensorResponse.From).ToArray());
    }

    public static async Task<Results<Ok<SensorResponse>, ProblemHttpResult>> GetSensor(Guid id, SensorService service, HttpResponse http, CancellationToken cancellationToken)
    {
        if (await service.GetSensorAsync(id, cancellationToken) is not { } sensor)
        {
            return ApiProblems.NoSensor(id);
        }

        var response = SensorResponse.From(sensor);
        ApiVersions.SetETag(http, response);
        return TypedResults.Ok(response);
    }

    public static async Task<Results<Created<SensorResponse>, ValidationProblem>> CreateSensor(
        SensorRequest request, SensorService service, CancellationToken cancellationToken)
    {
        if (request.NullItems() is { Count: > 0 } nullItems)
        {
            return ApiProblems.Validation(nullItems);
        }

        var sensor = request.ToDefinition(Guid.NewGuid());
        var result = await service.SaveSensorAsync(sensor, cancellationToken);
        return result.Saved
            ? TypedResults.Created($"/api/sensors/{sensor.Id}", SensorResponse.From(sensor))
            : ApiProblems.Validation(result.Errors);
    }

    public static async Task<Results<Ok<SensorResponse>, ValidationProblem, ProblemHttpResult>> UpdateSensor(
        Guid id, HttpRequest http, SensorService service, CancellationToken cancellationToken)
    {
        if (await service.GetSensorAsync(id, cancellationToken) is not { } stored)
        {
            return ApiProblems.NoSensor(id);
        }

        var (request, missing) = await CompleteBody.ReadAsync<SensorRequest>(http, cancellationToken);
        if (request is null || request.NullItems() is { Count: > 0 })
        {
            return ApiProblems.Validation(request?.NullItems() ?? missing);
        }

        // The API does not carry the detection settings (the sensor form does): a PUT keeps the stored ones.
        var sensor = request.ToDefinition(id) with { Detection = stored.Detection };
        var result = await service.UpdateSensorAsync(sensor, ApiVersions.Precondition<SensorDefinition, SensorResponse>(http, SensorResponse.From), cancellationToken);
        if (result.Saved)
        {
            var response = SensorResponse.From(sensor);
            ApiVersions.SetETag(http.HttpContext.Response, response);
            return TypedResults.Ok(response);
        }

        return result.NotFound ? ApiProblems.NoSensor(id)
            : result.Conflict ? ApiVersions.Changed("sensor")
            : ApiProblems.Validation(result.Errors);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteSensor(Guid id, SensorService service, HttpRequest http, CancellationToken cancellationToken)
    {
        var result = await service.DeleteSensorAsync(id, ApiVersions.Precondition<SensorDefinition, SensorResponse>(http, SensorResponse.From), cancellationToken);
        return result.Saved ? TypedResults.NoContent() : result.Conflict ? ApiVersions.Changed("sensor") : ApiProblems.NoSensor(id);
    }

    public static Task<Results<Ok<SensorResponse>, ValidationProblem, ProblemHttpResult>> PauseSensor(
        Guid id, SensorService service, CancellationToken cancellationToken) => SetPaused(id, paused: true, service, cancellationToken);

    public static Task<Results<Ok<SensorResponse>, ValidationProblem, ProblemHttpResult>> ResumeSensor(
        Guid id, SensorService service, CancellationToken cancellationToken) => SetPaused(id, paused: false, service, cancellationToken);

    /// <summary>Resuming validates again: the port may have been taken by another program while the sensor was paused.</summary>
    private static async Task<Results<Ok<SensorResponse>, ValidationProblem, ProblemHttpResult>> SetPaused(
        Guid id, bool paused, SensorService service, CancellationToken cancellationToken)
    {
        if (await service.GetSensorAsync(id, cancellationToken) is null)
        {
            return ApiProblems.NoSensor(id);
        }

        var result = await service.SetPausedAsync(id, paused, cancellationToken);
        if (result.NotFound)
        {
            return ApiProblems.NoSensor(id);
        }

        if (!result.Saved)
        {
            return ApiProblems.Validation(result.Errors);
        }

        return await service.GetSensorAsync(id, cancellationToken) is { } sensor ? TypedResults.Ok(SensorResponse.From(sensor)) : ApiProblems.NoSensor(id);
    }
}

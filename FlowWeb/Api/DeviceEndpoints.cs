using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowWeb.Api;

/// <summary>Devices (exporters with their sensors): list, read, create, replace, delete, through <see cref="SensorService"/>.</summary>
internal static class DeviceEndpoints
{
    public static RouteGroupBuilder MapDeviceEndpoints(this RouteGroupBuilder api)
    {
        var devices = api.MapGroup("/devices").WithTags("Devices");
        devices.MapGet("/", ListDevices).WithName(nameof(ListDevices)).WithSummary("Devices by name, paged (offset, limit at most 1000; X-Total-Count, Link rel=next)");
        devices.MapGet("/{id:guid}", GetDevice).WithName(nameof(GetDevice)).WithSummary("One device").ProducesProblem(StatusCodes.Status404NotFound);
        devices.MapPost("/", CreateDevice).WithName(nameof(CreateDevice)).WithSummary("Creates a device");
        devices.MapPut("/{id:guid}", UpdateDevice).WithName(nameof(UpdateDevice)).Accepts<DeviceRequest>("application/json")
            .WithSummary("Replaces a device (every member must be sent); with If-Match (the ETag of GET), only if nobody changed it since")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        devices.MapDelete("/{id:guid}", DeleteDevice).WithName(nameof(DeleteDevice))
            .WithSummary("Deletes a device; its sensors stay, without a device").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<Results<Ok<DeviceResponse[]>, ValidationProblem>> ListDevices(
        SensorService service, HttpContext context, int? offset, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (ListPaging.Check(offset, limit) is { Count: > 0 } errors)
        {
            return ApiProblems.Validation(errors);
        }

        var all = await service.ListDevicesAsync(cancellationToken);
        var page = ListPaging.Page(all, offset ?? 0, limit ?? ListPaging.MaxLimit);
        ListPaging.Describe(context, offset ?? 0, page.Length, all.Count);
        return TypedResults.Ok(page.Select(DeviceResponse.From).ToArray());
    }

    public static async Task<Results<Ok<DeviceResponse>, ProblemHttpResult>> GetDevice(Guid id, SensorService service, HttpResponse http, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, service, cancellationToken) is not { } device)
        {
            return ApiProblems.NoDevice(id);
        }

        var response = DeviceResponse.From(device);
        ApiVersions.SetETag(http, response);
        return TypedResults.Ok(response);
    }

    public static async Task<Results<Created<DeviceResponse>, ValidationProblem>> CreateDevice(
        DeviceRequest request, SensorService service, CancellationToken cancellationToken)
    {
        var device = request.ToDefinition(Guid.NewGuid());
        var result = await service.SaveDeviceAsync(device, cancellationToken);
        return result.Saved
            ? TypedResults.Created($"/api/devices/{device.Id}", DeviceResponse.From(device))
            : ApiProblems.Validation(result.Errors);
    }

    public static async Task<Results<Ok<DeviceResponse>, ValidationProblem, ProblemHttpResult>> UpdateDevice(
        Guid id, HttpRequest http, SensorService service, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, service, cancellationToken) is null)
        {
            return ApiProblems.NoDevice(id);
        }

        var (request, missing) = await CompleteBody.ReadAsync<DeviceRequest>(http, cancellationToken);
        if (request is null)
        {
            return ApiProblems.Validation(missing);
        }

        // An update of a device that exists: one deleted meanwhile is not brought back, and If-Match is honoured.
        var device = request.ToDefinition(id);
        var result = await service.SaveDeviceAsync(device, ApiVersions.Precondition<DeviceDefinition, DeviceResponse>(http, DeviceResponse.From) ?? (_ => true), cancellationToken);
        if (result.Saved)
        {
            var response = DeviceResponse.From(device);
            ApiVersions.SetETag(http.HttpContext.Response, response);
            return TypedResults.Ok(response);
        }

        return result.NotFound ? ApiProblems.NoDevice(id) : result.Conflict ? ApiVersions.Changed("device") : ApiProblems.Validation(result.Errors);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteDevice(Guid id, SensorService service, CancellationToken cancellationToken) =>
        await service.DeleteDeviceAsync(id, cancellationToken) ? TypedResults.NoContent() : ApiProblems.NoDevice(id);

    private static async Task<DeviceDefinition?> FindAsync(Guid id, SensorService service, CancellationToken cancellationToken) =>
        (await service.ListDevicesAsync(cancellationToken)).FirstOrDefault(d => d.Id == id);
}

using System.ComponentModel;
using FlowWeb.Core.Interfaces;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowWeb.Api;

/// <summary>An interface of a device: the ifIndex flow records carry, its name and description, its speed in bit/s (0: unknown).</summary>
internal sealed record InterfaceDto(
    [property: Description("SNMP ifIndex, as flow records carry it (input and output interface)")] uint IfIndex,
    string Name,
    string? Description = null,
    [property: Description("bit/s; 0 or absent when unknown")] long SpeedBitsPerSecond = 0,
    [property: Description("Manual (typed) or Exporter (learned from v9/IPFIX options data); read-only")] InterfaceSource Source = InterfaceSource.Manual)
{
    public static InterfaceDto From(DeviceInterface x) => new(x.IfIndex, x.Name, x.Description, x.SpeedBitsPerSecond, x.Source);
}

/// <summary>A device's interface names and speeds, read and replaced as one list through <see cref="InterfaceCatalog"/>.</summary>
internal static class InterfaceEndpoints
{
    public static RouteGroupBuilder MapInterfaceEndpoints(this RouteGroupBuilder api)
    {
        var interfaces = api.MapGroup("/devices/{id:guid}/interfaces").WithTags("Devices");
        interfaces.MapGet("/", ListInterfaces).WithName(nameof(ListInterfaces))
            .WithSummary("The device's interfaces by ifIndex: names and speeds").ProducesProblem(StatusCodes.Status404NotFound);
        interfaces.MapPut("/", ReplaceInterfaces).WithName(nameof(ReplaceInterfaces))
            .WithSummary("Replaces the device's interface list (interfaces not listed are removed)").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<Results<Ok<InterfaceDto[]>, ProblemHttpResult>> ListInterfaces(Guid id, SensorService sensors, InterfaceCatalog catalog,
        CancellationToken cancellationToken)
    {
        if ((await sensors.ListDevicesAsync(cancellationToken)).All(d => d.Id != id))
        {
            return ApiProblems.NoDevice(id);
        }

        var interfaces = await catalog.OfDeviceAsync(id, cancellationToken);
        return TypedResults.Ok(interfaces.Values.OrderBy(x => x.IfIndex).Select(InterfaceDto.From).ToArray());
    }

    public static async Task<Results<Ok<InterfaceDto[]>, ValidationProblem, ProblemHttpResult>> ReplaceInterfaces(Guid id, InterfaceDto[] interfaces,
        SensorService sensors, InterfaceCatalog catalog, CancellationToken cancellationToken)
    {
        if ((await sensors.ListDevicesAsync(cancellationToken)).All(d => d.Id != id))
        {
            return ApiProblems.NoDevice(id);
        }

        var list = (interfaces ?? []).Select(x => new DeviceInterface(x.IfIndex, x.Name ?? "", x.Description ?? "", x.SpeedBitsPerSecond, InterfaceSource.Manual)).ToList();
        var result = await catalog.SaveAsync(id, list, cancellationToken);
        if (!result.Saved)
        {
            return ApiProblems.Validation(result.Errors);
        }

        var saved = await catalog.OfDeviceAsync(id, cancellationToken);
        return TypedResults.Ok(saved.Values.OrderBy(x => x.IfIndex).Select(InterfaceDto.From).ToArray());
    }
}

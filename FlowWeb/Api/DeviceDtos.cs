using FlowWeb.Core.Sensors;

namespace FlowWeb.Api;

/// <summary>A device (one exporter) as a client sends it.</summary>
internal sealed record DeviceRequest
{
    public string Name { get; init; } = "";

    /// <summary>The exporter's IP address.</summary>
    public string? Address { get; init; }

    public string? Notes { get; init; }

    public DeviceDefinition ToDefinition(Guid id) => new() { Id = id, Name = Name ?? "", Address = Address ?? "", Notes = Notes ?? "" };
}

internal sealed record DeviceResponse(Guid Id, string Name, string Address, string Notes)
{
    public static DeviceResponse From(DeviceDefinition d) => new(d.Id, d.Name, d.Address, d.Notes);
}

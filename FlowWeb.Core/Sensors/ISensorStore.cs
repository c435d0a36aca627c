namespace FlowWeb.Core.Sensors;

/// <summary>
/// Where sensor and device settings live. The in-memory store serves until the storage issue adds the EF Core
/// one; callers go through <see cref="SensorService"/>, which validates before anything is saved.
/// </summary>
public interface ISensorStore
{
    Task<IReadOnlyList<SensorDefinition>> GetSensorsAsync(CancellationToken cancellationToken = default);

    Task SaveSensorAsync(SensorDefinition sensor, CancellationToken cancellationToken = default);

    Task<bool> DeleteSensorAsync(Guid id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DeviceDefinition>> GetDevicesAsync(CancellationToken cancellationToken = default);

    Task SaveDeviceAsync(DeviceDefinition device, CancellationToken cancellationToken = default);

    Task<bool> DeleteDeviceAsync(Guid id, CancellationToken cancellationToken = default);
}

/// <summary>Settings kept in memory only: they are lost at restart unless declared in configuration.</summary>
public sealed class InMemorySensorStore : ISensorStore
{
    private readonly Dictionary<Guid, SensorDefinition> _sensors = [];
    private readonly Dictionary<Guid, DeviceDefinition> _devices = [];
    private readonly Lock _sync = new();

    public Task<IReadOnlyList<SensorDefinition>> GetSensorsAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            return Task.FromResult<IReadOnlyList<SensorDefinition>>([.. _sensors.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)]);
        }
    }

    public Task SaveSensorAsync(SensorDefinition sensor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        lock (_sync)
        {
            _sensors[sensor.Id] = sensor;
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteSensorAsync(Guid id, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            return Task.FromResult(_sensors.Remove(id));
        }
    }

    public Task<IReadOnlyList<DeviceDefinition>> GetDevicesAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            return Task.FromResult<IReadOnlyList<DeviceDefinition>>([.. _devices.Values.OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase)]);
        }
    }

    public Task SaveDeviceAsync(DeviceDefinition device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        lock (_sync)
        {
            _devices[device.Id] = device;
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteDeviceAsync(Guid id, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            return Task.FromResult(_devices.Remove(id));
        }
    }
}

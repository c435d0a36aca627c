using Microsoft.Extensions.Configuration;

namespace FlowWeb.Core.Sensors;

/// <summary>
/// Devices and sensors declared in configuration (sections <c>Devices</c> and <c>Sensors</c>, so a container can
/// start with its sensors ready): each one that does not exist yet (same id, or same name) is created at
/// start-up through the same validation as the UI. A sensor names its device by <c>Device</c> (the device's name).
/// Problems stop the start-up with every error, each naming its configuration key.
/// </summary>
public static class DeclaredSensors
{
    public const string DevicesSection = "Devices";
    public const string SensorsSection = "Sensors";

    public static async Task ImportAsync(IConfiguration configuration, SensorService service, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(service);
        var errors = new List<string>();

        var devices = (await service.ListDevicesAsync(cancellationToken).ConfigureAwait(false)).ToList();
        foreach (var section in configuration.GetSection(DevicesSection).GetChildren())
        {
            var device = Bind<DeviceDefinition>(section, errors);
            if (device is null || devices.Any(d => d.Id == device.Id || string.Equals(d.Name, device.Name, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var result = await service.SaveDeviceAsync(device, cancellationToken).ConfigureAwait(false);
            errors.AddRange(result.Errors.Select(e => $"{section.Path}:{e.Field}: {e.Message}"));
            if (result.Saved)
            {
                devices.Add(device);
            }
        }

        var sensors = await service.ListSensorsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var section in configuration.GetSection(SensorsSection).GetChildren())
        {
            var sensor = Bind<SensorDefinition>(section, errors);
            if (sensor is null || sensors.Any(s => s.Id == sensor.Id || string.Equals(s.Name, sensor.Name, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (section["Device"] is { Length: > 0 } deviceName)
            {
                var device = devices.FirstOrDefault(d => string.Equals(d.Name, deviceName, StringComparison.OrdinalIgnoreCase));
                if (device is null)
                {
                    errors.Add($"{section.Path}:Device: no device named '{deviceName}' (declare it under {DevicesSection})");
                    continue;
                }

                sensor = sensor with { DeviceId = device.Id };
            }

            var result = await service.SaveSensorAsync(sensor, cancellationToken).ConfigureAwait(false);
            errors.AddRange(result.Errors.Select(e => $"{section.Path}:{e.Field}: {e.Message}"));
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Declared sensors or devices are invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }
    }

    private static T? Bind<T>(IConfigurationSection section, List<string> errors)
        where T : class
    {
        try
        {
            return section.Get<T>(o => o.ErrorOnUnknownConfiguration = false);
        }
        catch (InvalidOperationException e)
        {
            errors.Add($"{section.Path}: {e.Message}");
            return null;
        }
    }
}

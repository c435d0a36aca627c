using FlowWeb.Core.Sensors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowWeb.Core.Demo;

/// <summary>
/// With demo mode off, removes the demo sensor and device a former demo run created, so that the demo sensor
/// (sender 127.0.0.1 on the default port) never counts a real exporter on the same host, such as softflowd. They are
/// recognised as demo mode made them: the sensor by its name and the <c>demo</c> tag, the device by its name and its
/// notes; one a user renamed, re-tagged or wrote notes on is theirs now and stays. Their stored history stays until
/// retention removes it (no page shows a deleted sensor's history).
/// </summary>
public sealed partial class DemoLeftovers(IServiceProvider services, ILogger<DemoLeftovers> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var sensors = services.GetRequiredService<SensorService>();
        var devices = await sensors.ListDevicesAsync(cancellationToken).ConfigureAwait(false);
        var device = devices.FirstOrDefault(d => d.Name == DemoExporterService.DeviceName && d.Notes == DemoExporterService.DeviceNotes);
        var all = await sensors.ListSensorsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var sensor in all.Where(s => IsDemoSensor(s, device)))
        {
            if (await sensors.DeleteSensorAsync(sensor.Id, cancellationToken).ConfigureAwait(false))
            {
                LogRemovedSensor(logger, sensor.Name, sensor.Port);
            }
        }

        if (device is not null && (await sensors.ListSensorsAsync(cancellationToken).ConfigureAwait(false)).All(s => s.DeviceId != device.Id)
            && await sensors.DeleteDeviceAsync(device.Id, cancellationToken).ConfigureAwait(false))
        {
            LogRemovedDevice(logger, device.Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool IsDemoSensor(SensorDefinition sensor, DeviceDefinition? device) =>
        sensor.Name == DemoExporterService.SensorName
        && sensor.Tags.Contains(DemoExporterService.Tag, StringComparer.OrdinalIgnoreCase)
        && (sensor.DeviceId is null || sensor.DeviceId == device?.Id);

    [LoggerMessage(EventId = 43, Level = LogLevel.Information, Message = "Demo mode is off: removed the demo sensor \"{Name}\" (UDP {Port}) a demo run created, so it cannot count a real exporter")]
    private static partial void LogRemovedSensor(ILogger logger, string name, int port);

    [LoggerMessage(EventId = 44, Level = LogLevel.Information, Message = "Demo mode is off: removed the demo device \"{Name}\"")]
    private static partial void LogRemovedDevice(ILogger logger, string name);
}

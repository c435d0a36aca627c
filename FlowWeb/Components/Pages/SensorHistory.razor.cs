using FlowWeb.Core.Sensors;

namespace FlowWeb.Components.Pages;

/// <summary>
/// A sensor's history: range picker, channel graph with average/maximum/95th percentile, toplist history and CSV
/// downloads.
/// </summary>
public sealed partial class SensorHistory
{
    private SensorDefinition? _sensor;
    private IReadOnlyList<SensorDefinition> _sensors = [];
    private DeviceDefinition? _device;

    protected override async Task LoadAsync()
    {
        _sensor = await Sensors.GetSensorAsync(Id);
        _sensors = _sensor is null ? [] : [_sensor];
        _device = _sensor?.DeviceId is { } deviceId ? (await Sensors.ListDevicesAsync()).FirstOrDefault(d => d.Id == deviceId) : null;
    }
}

using FlowWeb.Core.Sensors;

namespace FlowWeb.Components.Pages;

/// <summary>A device's history: every sensor of the device summed by channel, with the same ranges and CSV as a sensor's.</summary>
public sealed partial class DeviceHistory
{
    private DeviceDefinition? _device;
    private IReadOnlyList<SensorDefinition> _sensors = [];

    protected override async Task LoadAsync()
    {
        _device = (await Sensors.ListDevicesAsync()).FirstOrDefault(d => d.Id == Id);
        _sensors = _device is null ? [] : [.. (await Sensors.ListSensorsAsync()).Where(s => s.DeviceId == Id).OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];
    }
}

using FlowWeb.Components.Shared;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages;

/// <summary>A device's history: every sensor of the device summed by channel, with the same ranges and CSV as a sensor's.</summary>
public sealed partial class DeviceHistory
{
    private DeviceDefinition? _device;
    private IReadOnlyList<SensorDefinition> _sensors = [];
    private HistoryWindow _window = default!;
    private bool _loaded;

    [Parameter]
    public Guid Id { get; set; }

    [SupplyParameterFromQuery(Name = "range")]
    public string? Range { get; set; }

    [Inject]
    private SensorService Sensors { get; set; } = default!;

    [Inject]
    private HistoryQueryService History { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        _window = HistoryRanges.Preset(HistoryRanges.FromKey(Range) is { } r and not HistoryRange.Custom ? r : HistoryRange.TwoHours, Time.GetUtcNow(), History);
        _device = (await Sensors.ListDevicesAsync()).FirstOrDefault(d => d.Id == Id);
        _sensors = _device is null ? [] : [.. (await Sensors.ListSensorsAsync()).Where(s => s.DeviceId == Id).OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];
        _loaded = true;
    }

    private void SetWindow(HistoryWindow window) => _window = window;

    private void ShowLive() => _window = HistoryRanges.Preset(HistoryRange.Live, Time.GetUtcNow(), History);
}

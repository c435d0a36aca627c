using FlowWeb.Components.Shared;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages;

/// <summary>
/// A sensor's history: range picker, channel graph with average/maximum/95th percentile, toplist history and CSV
/// downloads. <c>?range=live|2h|2d|30d|365d</c> picks the first range (default 2 hours).
/// </summary>
public sealed partial class SensorHistory
{
    private SensorDefinition? _sensor;
    private IReadOnlyList<SensorDefinition> _sensors = [];
    private DeviceDefinition? _device;
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
        _sensor = await Sensors.GetSensorAsync(Id);
        _sensors = _sensor is null ? [] : [_sensor];
        _device = _sensor?.DeviceId is { } deviceId ? (await Sensors.ListDevicesAsync()).FirstOrDefault(d => d.Id == deviceId) : null;
        _loaded = true;
    }

    private void SetWindow(HistoryWindow window) => _window = window;

    private void ShowLive() => _window = HistoryRanges.Preset(HistoryRange.Live, Time.GetUtcNow(), History);
}

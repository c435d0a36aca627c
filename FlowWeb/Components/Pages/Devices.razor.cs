using FlowWeb.Accounts;
using FlowWeb.Components.Pages.Sections;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Pages;

/// <summary>
/// The home page: devices with their sensors (state, Total now, the last minute as a sparkline), totals over the
/// installation, and a banner for exporters whose flows no sensor receives. Live while open.
/// </summary>
public sealed partial class Devices
{
    private IReadOnlyList<SensorTile> _tiles = [];
    private IReadOnlyList<DeviceDefinition> _devices = [];
    private IReadOnlyList<ExporterFrame> _exporters = [];
    private IReadOnlyList<ExporterFrame> _unassigned = [];
    private DateTimeOffset? _lastData;
    private DateTimeOffset _now;
    private string? _bindError;
    private int _defaultPort;

    [Inject]
    private UserRights Rights { get; set; } = default!;

    [Inject]
    private SensorService Sensors { get; set; } = default!;

    [Inject]
    private CollectorStatus Collector { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    protected override Task OnInitializedAsync() => RefreshAsync();

    protected override async Task RefreshAsync()
    {
        Live.WatchAllSeries(SensorTile.SparklineSeconds + 1);
        var snapshots = await Live.SnapshotsAsync();
        _tiles = [.. snapshots.Select(s => SensorTile.Of(s, Live))];
        _devices = await Sensors.ListDevicesAsync();
        _exporters = Live.Exporters();
        _unassigned = SensorRouting.Unassigned(_exporters, [.. snapshots.Select(s => s.Definition)]);
        _lastData = _exporters.Count == 0 ? null : _exporters.Max(e => e.LastSeen);
        _bindError = Collector.BindError;
        _defaultPort = Live.DefaultPort;
        _now = Time.GetUtcNow();
    }

    /// <summary>Sensors of a device (null: those without one, or whose device is gone).</summary>
    private List<SensorTile> SensorsOf(Guid? deviceId) => deviceId is null
        ? [.. _tiles.Where(t => t.Definition.DeviceId is not { } id || _devices.All(d => d.Id != id))]
        : [.. _tiles.Where(t => t.Definition.DeviceId == deviceId)];

    private Task AddDeviceAsync() => ShowDeviceDialogAsync(null);

    private Task EditDeviceAsync(DeviceDefinition device) => ShowDeviceDialogAsync(device);

    private async Task ShowDeviceDialogAsync(DeviceDefinition? device)
    {
        if (!await Rights.CanEditAsync())
        {
            return;
        }

        var parameters = new DialogParameters<DeviceDialog> { { d => d.Device, device } };
        var dialog = await Dialogs.ShowAsync<DeviceDialog>(device is null ? "Add device" : "Edit device", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false })
        {
            await RefreshAsync();
        }
    }

    private async Task DeleteDeviceAsync(DeviceDefinition device)
    {
        if (!await Rights.CanEditAsync())
        {
            return;
        }

        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete device",
            $"Delete the device \"{device.Name}\"? Its sensors stay and keep counting; they move to \"No device\".",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed == true)
        {
            await Sensors.DeleteDeviceAsync(device.Id);
            await RefreshAsync();
        }
    }
}

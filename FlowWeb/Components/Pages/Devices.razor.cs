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
/// installation, and a banner for exporters whose flows no sensor receives. Live while open. Paged by sensor rows
/// and searched (<see cref="DevicePaging"/>): only the shown sensors' sparklines are read and rendered.
/// </summary>
public sealed partial class Devices
{
    private IReadOnlyList<SensorTile> _tiles = [];
    private IReadOnlyList<DeviceDefinition> _devices = [];
    private IReadOnlyList<ExporterFrame> _unassigned = [];
    private IReadOnlyList<(string Key, DeviceDefinition? Device, IReadOnlyList<SensorTile> Sensors)> _shown = [];
    private string _search = "";
    private string _rangeText = "";
    private int _page;
    private int _pages = 1;
    private int _exporterCount;
    private DateTimeOffset? _lastData;
    private DateTimeOffset _now;
    private string? _bindError;
    private int _defaultPort;
    private int _sflowPort;

    [Inject]
    private UserRights Rights { get; set; } = default!;

    [Inject]
    private SensorService Sensors { get; set; } = default!;

    [Inject]
    private ExporterQueryService Exporters { get; set; } = default!;

    [Inject]
    private CollectorStatus Collector { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    protected override Task OnInitializedAsync() => RefreshAsync();

    protected override async Task RefreshAsync()
    {
        var snapshots = await Live.SnapshotsAsync();
        _tiles = [.. snapshots.Select(SensorTile.Summary)];
        _devices = await Sensors.ListDevicesAsync();
        var definitions = snapshots.Select(s => s.Definition).ToList();
        _unassigned = SensorRouting.Unassigned(Exporters.All(), definitions);
        (_exporterCount, _lastData) = Exporters.Totals();
        _bindError = Collector.BindError;
        _defaultPort = Live.DefaultPort;
        _sflowPort = Live.SFlowPort;
        _now = Time.GetUtcNow();

        var page = DevicePaging.Page(_devices, definitions, _search, _page);
        _page = page.Page;
        _pages = page.Pages;
        _rangeText = page.Rows == 0 ? "nothing matches" : $"rows {page.FirstRow}–{page.LastRow} of {page.Rows}";
        var byId = snapshots.ToDictionary(s => s.Definition.Id);
        _shown = [.. page.Groups.Select(g => (g.Key, g.Device, (IReadOnlyList<SensorTile>)[.. g.Sensors.Select(s => SensorTile.Of(byId[s.Id], Live))]))];
    }

    private async Task SearchAsync(string? text)
    {
        _search = text ?? "";
        _page = 0;
        await RefreshAsync();
    }

    private async Task GoToPageAsync(int page)
    {
        _page = page - 1;
        await RefreshAsync();
    }

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

using FlowWeb.Accounts;
using FlowWeb.Components.Pages.Sections;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Pages;

/// <summary>
/// One sensor: state, live graph and channels, toplists, flow tail, exporter health and setup commands. Each
/// refresh takes a new snapshot from the live state and hands it to the sections, which read their own series.
/// </summary>
public sealed partial class SensorDetails
{
    private SensorLiveSnapshot? _snapshot;
    private DeviceDefinition? _device;
    private DateTimeOffset _now;
    private bool _loaded;
    private int _tab;

    [Parameter]
    public Guid Id { get; set; }

    [Inject]
    private SensorService Sensors { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private UserRights Rights { get; set; } = default!;

    protected override Task OnParametersSetAsync() => RefreshAsync();

    protected override async Task RefreshAsync()
    {
        var previousDevice = _snapshot?.Definition.DeviceId;
        _snapshot = await Live.SnapshotAsync(Id);
        _now = Time.GetUtcNow();
        if (!_loaded || _snapshot?.Definition.DeviceId != previousDevice)
        {
            var deviceId = _snapshot?.Definition.DeviceId;
            _device = deviceId is null ? null : (await Sensors.ListDevicesAsync()).FirstOrDefault(x => x.Id == deviceId);
        }

        _loaded = true;
    }

    private async Task TogglePausedAsync()
    {
        if (!await Rights.CanEditAsync())
        {
            return;
        }

        var paused = !_snapshot!.Definition.Paused;
        var result = await Sensors.SetPausedAsync(Id, paused);
        Snackbar.Add(result.Saved ? (paused ? "Sensor paused" : "Sensor resumed") : string.Join("; ", result.Errors),
            result.Saved ? Severity.Info : Severity.Error);
        await RefreshAsync();
    }

    private async Task DeleteAsync()
    {
        if (!await Rights.CanEditAsync())
        {
            return;
        }

        if (await SensorActions.ConfirmDeleteAsync(Dialogs, Sensors, Id, _snapshot!.Definition.Name))
        {
            Snackbar.Add($"Sensor \"{_snapshot.Definition.Name}\" deleted", Severity.Info);
            Navigation.NavigateTo("");
        }
    }
}

using FlowWeb.Accounts;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Mitigation;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>
/// The commands for an attack, and bans by hand on devices that have a RouterOS REST address. The buttons are shown
/// to operators and administrators only, and each handler checks the role again: a viewer's browser can still send
/// the click of a button it was never shown.
/// </summary>
public sealed partial class AttackMitigation
{
    private IReadOnlyList<MitigationOption> _options = [];
    private IReadOnlyList<DeviceDefinition> _devices = [];
    private Guid _device;
    private TimeSpan _banTime = TimeSpan.FromHours(1);
    private bool _banFromDevice;
    private bool _busy;
    private long _loadedFor = -1;

    [Parameter, EditorRequired]
    public AttackReport Attack { get; set; } = default!;

    /// <summary>Called after a ban or its removal, for the page to read the attack's actions again.</summary>
    [Parameter]
    public EventCallback OnChanged { get; set; }

    [CascadingParameter]
    public DisplayZone? CascadedZone { get; set; }

    private DisplayZone Zone => CascadedZone ?? DisplayZone.Utc;

    [Inject]
    private MitigationService Mitigation { get; set; } = default!;

    [Inject]
    private MitigationSettingsStore Settings { get; set; } = default!;

    [Inject]
    private SensorService Sensors { get; set; } = default!;

    [Inject]
    private UserRights Rights { get; set; } = default!;

    [Inject]
    private FlowWeb.Core.Sensors.IChangeAudit Audit { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    private int Standing => _device == Guid.Empty ? 0 : MitigationService.StandingBans(Attack, _device).Count;

    protected override async Task OnParametersSetAsync()
    {
        // Devices and their settings once per attack; the commands follow the report (top reflectors change while it lasts).
        if (_loadedFor != Attack.Id)
        {
            _loadedFor = Attack.Id;
            var configured = (await Settings.ListAsync()).Where(s => !string.IsNullOrWhiteSpace(s.Url)).ToDictionary(s => s.DeviceId);
            _devices = [.. (await Sensors.ListDevicesAsync()).Where(d => configured.ContainsKey(d.Id))];
            var own = (await Sensors.GetSensorAsync(Attack.SensorId))?.DeviceId;
            _device = own is { } id && configured.ContainsKey(id) ? id : _devices.Count > 0 ? _devices[0].Id : Guid.Empty;

            // The commands' timeouts follow the ban time of the sensor's own device, as its automatic bans do.
            _banFromDevice = own is { } device && configured.ContainsKey(device);
            _banTime = _banFromDevice ? TimeSpan.FromMinutes(configured[own!.Value].BanMinutes) : TimeSpan.FromHours(1);
        }

        _options = RouterOsCommands.For(Attack, _banTime);
    }

    private static string Title(MitigationOption option) => option.Recommended ? $"{option.Title} (recommended)" : option.Title;

    private string DeviceName(Guid id) => _devices.FirstOrDefault(d => d.Id == id)?.Name ?? "";

    private Task BanAsync() => ActAsync(() => Mitigation.BanAsync(Attack, _device, Audit), "Ban");

    private Task UnbanAsync() => ActAsync(() => Mitigation.RemoveBansAsync(Attack, _device, Audit), "Removal");

    /// <summary>Runs a manual ban or removal (the service records it in the audit log) and says how it went.</summary>
    private async Task ActAsync(Func<Task<AttackAction?>> act, string what)
    {
        if (!await Rights.CanEditAsync() || _device == Guid.Empty)
        {
            return;
        }

        _busy = true;
        try
        {
            var action = await act();
            Snackbar.Add(action is null ? $"{what}: nothing to do on {DeviceName(_device)}" : $"{what} on {action.Device}: {action.Outcome}",
                action is { Succeeded: false } ? Severity.Error : Severity.Info);
        }
        catch (InvalidOperationException e)
        {
            Snackbar.Add(e.Message, Severity.Warning);
        }
        finally
        {
            _busy = false;
        }

        await OnChanged.InvokeAsync();
    }
}

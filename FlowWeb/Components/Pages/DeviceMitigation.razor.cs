using FlowWeb.Accounts;
using FlowWeb.Core.Mitigation;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Pages;

/// <summary>
/// A device's RouterOS REST settings for mitigation, for administrators only (it holds a router's credentials):
/// checked by the same <see cref="DeviceMitigationSettings.Validate"/> as the API, every problem under its field.
/// The password is write-only: the form never receives it, an empty field keeps the stored one.
/// </summary>
public sealed partial class DeviceMitigation
{
    private static readonly char[] Separators = [',', ';', ' ', '\t', '\r', '\n'];

    private DeviceDefinition? _device;
    private IReadOnlyList<ValidationError> _errors = [];
    private bool _loaded;
    private bool _saving;
    private bool _automatic;
    private string _url = "";
    private string _username = "";
    private string _password = "";
    private bool _hasPassword;
    private bool _removePassword;
    private string _thumbprint = "";
    private MitigationAction _action;
    private string _listName = RouterOsCommands.DefaultList;
    private int _banMinutes = 60;
    private string _whitelist = "";

    [Parameter]
    public Guid Id { get; set; }

    [Inject]
    private FlowWeb.Core.Sensors.IChangeAudit Audit { get; set; } = default!;

    [Inject]
    private SensorService Sensors { get; set; } = default!;

    [Inject]
    private MitigationSettingsStore Settings { get; set; } = default!;

    [Inject]
    private UserRights Rights { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        _device = (await Sensors.ListDevicesAsync()).FirstOrDefault(d => d.Id == Id);
        if (_device is not null)
        {
            Show(await Settings.GetAsync(Id));
        }

        _loaded = true;
    }

    private void Show(DeviceMitigationSettings s)
    {
        _automatic = s.Automatic;
        _url = s.Url;
        _username = s.Username;
        _password = "";
        _hasPassword = s.HasPassword;
        _removePassword = false;
        _thumbprint = s.CertificateThumbprint;
        _action = s.Action;
        _listName = s.ListName;
        _banMinutes = s.BanMinutes;
        _whitelist = string.Join('\n', s.Whitelist);
    }

    private IReadOnlyList<string> ErrorsOf(string field) => [.. _errors.Where(e => e.Field == field).Select(e => e.Message)];

    private async Task SaveAsync()
    {
        // The page needs the administrator role to open; the handler asks again (the role may have changed since).
        if (_device is null || !await Rights.IsAdministratorAsync())
        {
            return;
        }

        var settings = new DeviceMitigationSettings
        {
            DeviceId = Id,
            Automatic = _automatic,
            Url = (_url ?? "").Trim(),
            Username = (_username ?? "").Trim(),
            Password = _removePassword ? "" : string.IsNullOrEmpty(_password) ? null : _password,
            Action = _action,
            ListName = string.IsNullOrWhiteSpace(_listName) ? RouterOsCommands.DefaultList : _listName.Trim(),
            BanMinutes = _banMinutes,
            Whitelist = [.. (_whitelist ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            CertificateThumbprint = (_thumbprint ?? "").Trim(),
        };
        _errors = settings.Validate();
        if (_errors.Count > 0)
        {
            Snackbar.Add("Not saved: see the problems marked", Severity.Error);
            return;
        }

        _saving = true;
        try
        {
            Show(await Settings.SaveAsync(settings, _device, Audit));
            Snackbar.Add($"Mitigation settings of {_device.Name} saved", Severity.Success);
        }
        finally
        {
            _saving = false;
        }
    }
}

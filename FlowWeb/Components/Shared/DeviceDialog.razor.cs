using System.Globalization;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Shared;

/// <summary>Saves through the sensor service and keeps the dialog open with the errors when the device is refused.</summary>
public sealed partial class DeviceDialog
{
    [CascadingParameter]
    private IMudDialogInstance MudDialog { get; set; } = default!;

    /// <summary>The device to edit; null to add one.</summary>
    [Parameter]
    public DeviceDefinition? Device { get; set; }

    private string _name = "";
    private string _address = "";
    private string _notes = "";
    private bool _saving;
    private IReadOnlyList<ValidationError> _errors = [];

    protected override void OnInitialized()
    {
        _name = Device?.Name ?? "";
        _address = Device?.Address ?? "";
        _notes = Device?.Notes ?? "";
    }

    private IReadOnlyList<string> ErrorsOf(string field) => [.. _errors.Where(e => e.Field == field).Select(e => e.Message)];

    private void Cancel() => MudDialog.Cancel();

    private async Task SaveAsync()
    {
        _saving = true;
        var device = (Device ?? new DeviceDefinition()) with { Name = _name.Trim(), Address = _address.Trim(), Notes = _notes };
        var result = await Sensors.SaveDeviceAsync(device);
        _saving = false;
        if (result.Saved)
        {
            MudDialog.Close(DialogResult.Ok(device));
        }
        else
        {
            _errors = result.Errors;
        }
    }
}

using FlowWeb.Accounts;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Interfaces;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Pages;

/// <summary>Edits a device's interface names and speeds (ifIndex → name, description, speed), saved as one list through <see cref="InterfaceCatalog"/>.</summary>
public sealed partial class DeviceInterfaces
{
    private DeviceDefinition? _device;
    private List<Row> _rows = [];
    private IReadOnlyList<ValidationError> _errors = [];
    private bool _loaded;
    private bool _saving;

    // The device's address and its sensors' sender addresses, whose sFlow interface counters the page shows.
    private IReadOnlyList<FlowAddress> _exporters = [];
    private InterfaceNames _names = InterfaceNames.Empty;

    [Parameter]
    public Guid Id { get; set; }

    [Inject]
    private UserRights Rights { get; set; } = default!;

    [Inject]
    private SensorService Sensors { get; set; } = default!;

    [Inject]
    private InterfaceCatalog Interfaces { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>One line of the editor; the speed is typed in Mbit/s (1000 for a gigabit port).</summary>
    private sealed class Row
    {
        public long? IfIndex { get; set; }

        public string? Name { get; set; }

        public string? Description { get; set; }

        public double? SpeedMbits { get; set; }

        public InterfaceSource Source { get; set; }

        /// <summary>The name as loaded: a router's name that was edited becomes a typed one.</summary>
        public string? OriginalName { get; set; }
    }

    private IReadOnlyList<string> GeneralErrors => [.. _errors.Where(e => e.Field == "Interfaces" || e.Field == "DeviceId").Select(e => e.Message)];

    protected override async Task OnParametersSetAsync()
    {
        _device = (await Sensors.ListDevicesAsync()).FirstOrDefault(d => d.Id == Id);
        if (_device is not null)
        {
            var sensors = (await Sensors.ListSensorsAsync()).Where(s => s.DeviceId == Id).ToList();
            _exporters = [.. sensors.Select(s => s.SenderIp).Append(_device.Address)
                .Select(text => FlowAddress.TryParse(text?.Trim(), out var a) ? a : (FlowAddress?)null).OfType<FlowAddress>().Distinct()];
            _names = sensors.Count > 0 ? await Interfaces.ForSensorAsync(sensors[0]) : InterfaceNames.Empty;
            var stored = await Interfaces.OfDeviceAsync(Id);
            _rows = [.. stored.Values.OrderBy(x => x.IfIndex).Select(x => new Row
            {
                IfIndex = x.IfIndex,
                Name = x.Name,
                Description = x.Description,
                SpeedMbits = x.SpeedBitsPerSecond > 0 ? x.SpeedBitsPerSecond / 1e6 : null,
                Source = x.Source,
                OriginalName = x.Name,
            })];
        }

        _loaded = true;
    }

    private void Add() => _rows.Add(new Row { IfIndex = _rows.Count == 0 ? 1 : _rows.Max(r => r.IfIndex ?? 0) + 1 });

    private void Remove(int index)
    {
        _rows.RemoveAt(index);
        _errors = [];
    }

    private IReadOnlyList<string> ErrorsOf(int index) =>
        [.. _errors.Where(e => e.Field.StartsWith($"Interfaces[{index}].", StringComparison.Ordinal)).Select(e => e.Message)];

    private async Task SaveAsync()
    {
        if (!await Rights.CanEditAsync())
        {
            return;
        }

        var problems = new List<ValidationError>();
        var list = new List<DeviceInterface>();
        for (var i = 0; i < _rows.Count; i++)
        {
            var r = _rows[i];
            if (r.IfIndex is not { } index || index is < 0 or > uint.MaxValue)
            {
                problems.Add(new ValidationError($"Interfaces[{i}].IfIndex", "ifIndex must be 0 to 4,294,967,295"));
                continue;
            }

            var speed = r.SpeedMbits is { } mbits && double.IsFinite(mbits) ? (long)Math.Round(mbits * 1e6) : 0;
            list.Add(new DeviceInterface((uint)index, r.Name ?? "", r.Description ?? "", speed,
                r.Source == InterfaceSource.Exporter && r.Name == r.OriginalName ? InterfaceSource.Exporter : InterfaceSource.Manual));
        }

        if (problems.Count > 0)
        {
            _errors = problems;
            return;
        }

        _saving = true;
        try
        {
            var result = await Interfaces.SaveAsync(Id, list);
            _errors = result.Errors;
            Snackbar.Add(result.Saved ? $"Saved {list.Count} interface(s) of {_device!.Name}" : "Not saved: see the problems marked", result.Saved ? Severity.Success : Severity.Error);
        }
        finally
        {
            _saving = false;
        }
    }
}

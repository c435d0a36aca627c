using System.Net.NetworkInformation;
using System.Net.Sockets;
using FlowWeb.Components.Pages.Sections;
using FlowWeb.Core.Interfaces;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Pages;

/// <summary>
/// Adds or edits a sensor. Every change is checked by the sensor service's validator at once; a setting's problems
/// show under it once it was touched, and all of them after a save attempt. Nothing is saved while anything is wrong.
/// </summary>
public sealed partial class SensorEdit
{
    /// <summary>Settings that show their own errors; any other error is listed in the summary at the top.</summary>
    private static readonly HashSet<string> ShownFields =
    [
        "Name", "Tags", "DeviceId", "Priority", "Port", "SenderIp", "ReceiveAddresses", "ActiveFlowTimeoutMinutes", "SamplingRate",
        "ChannelGroups", "CustomChannels", "IncludeFilter", "ExcludeFilter", "Toplists", "Limits",
    ];

    private readonly HashSet<string> _touched = [];
    private SensorFormModel? _model;
    private IReadOnlyList<DeviceDefinition> _devices = [];
    private IReadOnlyList<ValidationError> _errors = [];
    private List<string> _localAddresses = [];
    private string _storedName = "";
    private bool _notFound;
    private bool _submitted;
    private bool _saving;
    private int _defaultPort;
    private int _sflowPort;

    [Parameter]
    public Guid? Id { get; set; }

    /// <summary>Pre-fill for a discovered exporter: its address.</summary>
    [SupplyParameterFromQuery(Name = "sender")]
    public string? Sender { get; set; }

    [SupplyParameterFromQuery(Name = "port")]
    public int? QueryPort { get; set; }

    [SupplyParameterFromQuery(Name = "protocol")]
    public string? QueryProtocol { get; set; }

    [SupplyParameterFromQuery(Name = "device")]
    public Guid? QueryDevice { get; set; }

    [Inject]
    private SensorService Sensors { get; set; } = default!;

    [Inject]
    private SensorLiveState Live { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    private bool IsNew => Id is null;

    /// <summary>
    /// Says what the pre-filled value (<see cref="SensorDefinition.ActiveFlowTimeoutMinutes"/>, 1) is for: the
    /// exporter's own active timeout, as the Setup tab configures RouterOS (active-flow-timeout=1m).
    /// </summary>
    private static string ActiveTimeoutHint =>
        $"Set it to the exporter's active flow timeout ({new SensorDefinition().ActiveFlowTimeoutMinutes} for a router set up as the Setup tab shows); "
        + "the sensor turns Unknown after this long without data. 0 books each flow when it arrives";

    protected override async Task OnParametersSetAsync()
    {
        _defaultPort = Live.DefaultPort;
        _sflowPort = Live.SFlowPort;
        _devices = await Sensors.ListDevicesAsync();
        _touched.Clear();
        _submitted = false;
        _errors = [];
        if (Id is { } id)
        {
            var sensor = await Sensors.GetSensorAsync(id);
            _notFound = sensor is null;
            _model = sensor is null ? null : SensorFormModel.From(sensor);
            _storedName = sensor?.Name ?? "";
        }
        else
        {
            _notFound = false;
            _model = SensorFormModel.From(NewSensor());
        }

        _localAddresses = LocalAddresses(_model?.ReceiveAddresses ?? []);
        await LoadInterfacesAsync();
        if (_model is not null)
        {
            await ValidateAsync();
        }
    }

    /// <summary>A new sensor with defaults, filled in from the query (a discovered exporter or a device's "Add sensor").</summary>
    private SensorDefinition NewSensor()
    {
        var device = _devices.FirstOrDefault(d => d.Id == QueryDevice);
        var sender = Sender?.Trim() ?? "";
        var protocol = Enum.TryParse<ExpectedProtocol>(QueryProtocol, ignoreCase: true, out var p) ? p : ExpectedProtocol.NetFlowV9;
        var name = device is not null ? $"{device.Name} traffic" : sender.Length > 0 ? $"{sender} traffic" : "";
        return new SensorDefinition
        {
            Name = name,
            DeviceId = device?.Id,
            SenderIp = sender,
            Port = QueryPort ?? PortFor(protocol),
            Protocol = protocol,
        };
    }

    /// <summary>This host's unicast addresses, plus any the sensor names already.</summary>
    private static List<string> LocalAddresses(IEnumerable<string> current)
    {
        var addresses = NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork || (a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal))
            .Select(a => a.ToString());
        return [.. addresses.Concat(current).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)];
    }

    private string DeviceName(Guid? id) => id is null ? "No device" : _devices.FirstOrDefault(d => d.Id == id)?.Name ?? "(deleted device)";

    private IReadOnlyList<string> ErrorsOf(string field) =>
        _submitted || _touched.Contains(field) || (IsDetection(field) && _touched.Contains("Detection"))
            ? [.. _errors.Where(e => e.Field == field).Select(e => e.Message)]
            : [];

    /// <summary>The detection section reports its change as one field and shows every one of its own (Detection.Incoming.BitsPerSecond...).</summary>
    private static bool IsDetection(string field) => field.StartsWith("Detection.", StringComparison.Ordinal);

    private static bool IsShown(string field) => ShownFields.Contains(field) || IsDetection(field);

    private string Invalid(string field) => ErrorsOf(field).Count > 0 ? "field-invalid" : "";

    /// <summary>Where the exporter sends by default: switches send sFlow to the sFlow port, routers NetFlow/IPFIX to the default port.</summary>
    private int PortFor(ExpectedProtocol protocol) => protocol == ExpectedProtocol.SFlow && _sflowPort != 0 ? _sflowPort : _defaultPort;

    private async Task ChangedAsync(string field)
    {
        // Changing between sFlow and NetFlow moves a port the user has not chosen along with it.
        if (field == "Protocol" && _model is not null && !_touched.Contains("Port") && (_model.Port == _defaultPort || _model.Port == _sflowPort))
        {
            _model.Port = PortFor(_model.Protocol);
        }

        _touched.Add(field);
        if (field == "DeviceId")
        {
            await LoadInterfacesAsync();
        }

        await ValidateAsync();
    }

    [Inject]
    private InterfaceCatalog Interfaces { get; set; } = default!;

    /// <summary>The chosen device's named interfaces, shown under the filters (which take interface indexes).</summary>
    private IReadOnlyCollection<DeviceInterface> _interfaces = [];

    private async Task LoadInterfacesAsync() =>
        _interfaces = _model?.DeviceId is { } device ? (await Interfaces.OfDeviceAsync(device)).Values.ToList() : [];

    private Task SetFilterAsync(string field, string text)
    {
        if (field == "IncludeFilter")
        {
            _model!.IncludeFilter = text;
        }
        else
        {
            _model!.ExcludeFilter = text;
        }

        return ChangedAsync(field);
    }

    private async Task ValidateAsync()
    {
        var errors = (await Sensors.ValidateAsync(_model!.ToDefinition())).ToList();
        if (_model.UseCustomChannels && string.IsNullOrWhiteSpace(_model.ChannelDefinition))
        {
            errors.Add(new ValidationError("CustomChannels", "enter at least one channel, or choose the standard channel groups"));
        }

        _errors = errors;
    }

    private async Task SaveAsync()
    {
        _submitted = true;
        _saving = true;
        try
        {
            await ValidateAsync();
            if (_errors.Count > 0)
            {
                return;
            }

            var sensor = _model!.ToDefinition();
            // Editing replaces only a sensor that still exists: one deleted meanwhile (another tab, the API) is not brought back.
            var result = IsNew ? await Sensors.SaveSensorAsync(sensor) : await Sensors.UpdateSensorAsync(sensor);
            if (result.NotFound)
            {
                Snackbar.Add($"Sensor \"{sensor.Name}\" was deleted meanwhile; nothing was saved", Severity.Error);
                return;
            }

            if (!result.Saved)
            {
                _errors = result.Errors;
                return;
            }

            Snackbar.Add(IsNew ? $"Sensor \"{sensor.Name}\" added" : $"Sensor \"{sensor.Name}\" saved", Severity.Success);
            Navigation.NavigateTo($"sensors/{sensor.Id}");
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task TogglePausedAsync()
    {
        var paused = !_model!.Paused;
        var result = await Sensors.SetPausedAsync(_model.Id, paused);
        if (result.Saved)
        {
            _model.Paused = paused;
            Snackbar.Add(paused ? "Sensor paused" : "Sensor resumed", Severity.Info);
        }
        else
        {
            _submitted = true;
            _errors = result.Errors;
        }
    }

    private async Task DeleteAsync()
    {
        if (await SensorActions.ConfirmDeleteAsync(Dialogs, Sensors, _model!.Id, _storedName))
        {
            Navigation.NavigateTo("");
        }
    }
}

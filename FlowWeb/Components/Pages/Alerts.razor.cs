using FlowWeb.Accounts;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Alerts;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Pages;

/// <summary>
/// Active alarms first (unacknowledged on top; acknowledge with a comment, as in PRTG), then the event log filtered
/// by sensor, device, severity and time. Both follow new events without a reload.
/// </summary>
public sealed partial class Alerts
{
    [CascadingParameter]
    public DisplayZone? CascadedZone { get; set; }

    /// <summary>Times in the reader's zone (the app bar's switch), UTC when none is cascaded.</summary>
    private DisplayZone Zone => CascadedZone ?? DisplayZone.Utc;

    private const int PageSize = 200;
    private static readonly int[] Ranges = [1, 24, 24 * 7, 24 * 30, 0];

    private IReadOnlyList<Alarm> _alarms = [];
    private IReadOnlyList<AlertEvent> _log = [];
    private IReadOnlyList<SensorDefinition> _sensors = [];
    private IReadOnlyList<DeviceDefinition> _devices = [];
    private Guid? _sensor;
    private Guid? _device;
    private AlertSeverity? _severity;
    private int _hours = 24;
    private string? _acknowledging;
    private string _comment = "";

    [Inject]
    private FlowWeb.Core.Sensors.IChangeAudit Audit { get; set; } = default!;

    [Inject]
    private AlertStore Store { get; set; } = default!;

    [Inject]
    private UserRights Rights { get; set; } = default!;

    [Inject]
    private SensorService Sensors { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "sensor")]
    public Guid? QuerySensor { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _sensor = QuerySensor;
        _sensors = await Sensors.ListSensorsAsync();
        _devices = await Sensors.ListDevicesAsync();
        await RefreshAsync();
    }

    protected override async Task RefreshAsync()
    {
        _alarms = Alerts.ActiveAlarms();
        await LoadLogAsync();
    }

    private async Task LoadLogAsync()
    {
        _log = await Store.QueryAsync(new AlertQuery
        {
            SensorId = _sensor,
            DeviceId = _device,
            MinSeverity = _severity,
            From = _hours == 0 ? null : Time.GetUtcNow().AddHours(-_hours),
            Count = PageSize,
        });
    }

    private void StartAcknowledge(string key)
    {
        _acknowledging = key;
        _comment = "";
    }

    private async Task AcknowledgeAsync(string key)
    {
        // Hidden from viewers, and re-checked here: a page's handlers are reachable whatever the page shows.
        if (!await Rights.CanEditAsync())
        {
            return;
        }

        if (await Alerts.AcknowledgeAsync(key, await Rights.UserNameAsync() is { Length: > 0 } user ? user : "web", _comment, Audit) is null)
        {
            Snackbar.Add("The alarm cleared meanwhile", Severity.Info);
        }

        _acknowledging = null;
        await RefreshAsync();
    }

    private RenderFragment SubjectLink(Guid? sensor, string subject) => builder =>
    {
        if (sensor is { } id && _sensors.Any(s => s.Id == id))
        {
            builder.OpenElement(0, "a");
            builder.AddAttribute(1, "href", $"sensors/{id}");
            builder.AddContent(2, subject);
            builder.CloseElement();
        }
        else
        {
            builder.AddContent(3, subject);
        }
    };

    private string SensorName(Guid? id) => id is null ? "All sensors" : _sensors.FirstOrDefault(s => s.Id == id)?.Name ?? "(deleted sensor)";

    private string DeviceName(Guid? id) => id is null ? "All devices" : _devices.FirstOrDefault(d => d.Id == id)?.Name ?? "(deleted device)";

    private static string RangeName(int hours) => hours switch
    {
        0 => "Everything kept",
        1 => "Last hour",
        24 => "Last 24 hours",
        168 => "Last 7 days",
        _ => $"Last {hours / 24} days",
    };

    private static string PhaseName(AlertPhase phase) => phase switch
    {
        AlertPhase.Started => "started",
        AlertPhase.Cleared => "cleared",
        AlertPhase.Acknowledged => "acknowledged",
        _ => "",
    };

    private static Color SeverityColor(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Error => Color.Error,
        AlertSeverity.Warning => Color.Warning,
        _ => Color.Info,
    };
}

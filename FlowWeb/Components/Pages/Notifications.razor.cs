using FlowWeb.Accounts;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Notifications;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages;

/// <summary>
/// Notification channels with their delivery counts, last problem and a "Send test" button each; the rules; the latest
/// deliveries. Channels and rules are edited through the API or configuration.
/// </summary>
public sealed partial class Notifications
{
    private const int DeliveryCount = 20;

    private readonly HashSet<Guid> _testing = [];
    private readonly Dictionary<Guid, (DeliveryOutcome Outcome, string Text)> _results = [];
    private IReadOnlyList<NotificationChannelDefinition> _channels = [];
    private IReadOnlyList<NotificationRuleDefinition> _rules = [];
    private IReadOnlyList<DeliveryRecord> _deliveries = [];
    private IReadOnlyList<SensorDefinition> _sensors = [];

    [Inject]
    private NotificationService Service { get; set; } = default!;

    [Inject]
    private SensorService Sensors { get; set; } = default!;

    [Inject]
    private UserRights Rights { get; set; } = default!;

    [CascadingParameter]
    public DisplayZone? CascadedZone { get; set; }

    private DisplayZone Zone => CascadedZone ?? DisplayZone.Utc;

    protected override async Task OnInitializedAsync()
    {
        _sensors = await Sensors.ListSensorsAsync();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _channels = [.. Service.Channels.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)];
        _rules = [.. Service.Rules.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase)];
        _deliveries = await Service.DeliveriesAsync(null, DeliveryCount);
    }

    private async Task SendTestAsync(NotificationChannelDefinition channel)
    {
        if (!await Rights.CanEditAsync() || !_testing.Add(channel.Id))
        {
            return;
        }

        _results.Remove(channel.Id);
        try
        {
            var result = await Service.SendTestAsync(channel.Id);
            _results[channel.Id] = result is not { } r
                ? (DeliveryOutcome.Failed, "the channel was deleted")
                : (r.Outcome, r.Outcome == DeliveryOutcome.Sent
                    ? $"sent ({r.Attempts} attempt{(r.Attempts == 1 ? "" : "s")})"
                    : $"{r.Outcome.ToString().ToLowerInvariant()} after {r.Attempts} attempt{(r.Attempts == 1 ? "" : "s")}: {r.Error}");
        }
        finally
        {
            _testing.Remove(channel.Id);
        }

        await LoadAsync();
    }

    private static string Target(NotificationChannelDefinition channel) => channel.Type switch
    {
        NotificationChannelType.Email => $"{string.Join(", ", channel.Email.To)} via {channel.Email.Host}:{channel.Email.Port}",
        NotificationChannelType.Webhook => channel.Webhook.Url,
        NotificationChannelType.Script => channel.Script.Path,
        _ => "",
    };

    private static string Events(NotificationRuleDefinition rule)
    {
        var kinds = rule.Kinds.Count == 0 ? "all events" : string.Join(", ", rule.Kinds);
        var states = rule.States.Count == 0 ? "" : $" (states {string.Join(", ", rule.States)})";
        return $"{kinds}{states}, {rule.MinSeverity} and worse";
    }

    private string SensorName(Guid id) => _sensors.FirstOrDefault(s => s.Id == id)?.Name ?? "(deleted sensor)";
}

using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Configuration;

namespace FlowWeb.Core.Notifications;

/// <summary>
/// Channels and rules declared in configuration (<c>Notifications:Channels</c> and <c>Notifications:Rules</c>), so a
/// container starts with its notifications ready. Unlike sensors, declared channels and rules are created or
/// replaced (matched by name) at every start: configuration is where they are managed, secrets included (e.g.
/// <c>Notifications__Channels__0__Secret</c> from a container secret). A rule names its channels by
/// <c>Channels</c> (channel names) and its sensors by <c>Sensors</c> (sensor names). Problems stop the start-up
/// with every error, each naming its configuration key.
/// </summary>
public static class DeclaredNotifications
{
    public const string ChannelsSection = NotificationsOptions.SectionName + ":Channels";
    public const string RulesSection = NotificationsOptions.SectionName + ":Rules";

    public static async Task ImportAsync(IConfiguration configuration, NotificationService service, SensorService sensors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(sensors);
        var errors = new List<string>();
        foreach (var section in configuration.GetSection(ChannelsSection).GetChildren())
        {
            var channel = Bind<NotificationChannelDefinition>(section, errors);
            if (channel is null)
            {
                continue;
            }

            var existing = service.Channels.FirstOrDefault(c => string.Equals(c.Name, channel.Name.Trim(), StringComparison.OrdinalIgnoreCase));
            var result = await service.SaveChannelAsync(channel with { Id = existing?.Id ?? channel.Id, Secret = null }, channel.Secret,
                clearSecret: string.IsNullOrEmpty(channel.Secret), cancellationToken).ConfigureAwait(false);
            errors.AddRange(result.Errors.Select(e => $"{section.Path}:{e.Field}: {e.Message}"));
        }

        var allSensors = await sensors.ListSensorsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var section in configuration.GetSection(RulesSection).GetChildren())
        {
            var rule = Bind<NotificationRuleDefinition>(section, errors);
            if (rule is null)
            {
                continue;
            }

            var channelIds = new List<Guid>(rule.ChannelIds);
            foreach (var name in section.GetSection("Channels").GetChildren().Select(c => c.Value ?? ""))
            {
                if (service.Channels.FirstOrDefault(c => string.Equals(c.Name, name.Trim(), StringComparison.OrdinalIgnoreCase)) is { } channel)
                {
                    channelIds.Add(channel.Id);
                }
                else
                {
                    errors.Add($"{section.Path}:Channels: no channel named '{name}' (declare it under {ChannelsSection})");
                }
            }

            var sensorIds = new List<Guid>(rule.SensorIds);
            foreach (var name in section.GetSection("Sensors").GetChildren().Select(c => c.Value ?? ""))
            {
                if (allSensors.FirstOrDefault(s => string.Equals(s.Name, name.Trim(), StringComparison.OrdinalIgnoreCase)) is { } sensor)
                {
                    sensorIds.Add(sensor.Id);
                }
                else
                {
                    errors.Add($"{section.Path}:Sensors: no sensor named '{name}'");
                }
            }

            var existing = service.Rules.FirstOrDefault(r => string.Equals(r.Name, rule.Name.Trim(), StringComparison.OrdinalIgnoreCase));
            var result = await service.SaveRuleAsync(rule with { Id = existing?.Id ?? rule.Id, ChannelIds = channelIds, SensorIds = sensorIds }, cancellationToken)
                .ConfigureAwait(false);
            errors.AddRange(result.Errors.Select(e => $"{section.Path}:{e.Field}: {e.Message}"));
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Declared notification channels or rules are invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }
    }

    private static T? Bind<T>(IConfigurationSection section, List<string> errors)
        where T : class
    {
        try
        {
            return section.Get<T>(o => o.ErrorOnUnknownConfiguration = false);
        }
        catch (InvalidOperationException e)
        {
            errors.Add($"{section.Path}: {e.Message}");
            return null;
        }
    }
}

using System.Globalization;
using System.Net;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Rules;

namespace FlowWeb.Core.Sensors;

/// <summary>One problem with a setting: the field it concerns (as named in the form, the API and configuration) and what is wrong.</summary>
public sealed record ValidationError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Answers whether a UDP port can be used for a sensor (free, or already ours).</summary>
public interface IPortAvailability
{
    /// <summary>Null when the port is usable, otherwise why not.</summary>
    string? Check(int port);

    /// <summary>True when the address belongs to this host (or is a wildcard).</summary>
    bool IsLocalAddress(IPAddress address);
}

/// <summary>
/// Every check on a sensor's or a device's settings, in one place, used by the form, the API and configuration
/// alike; all problems are reported at once, each naming its field, and a limit (<see cref="LimitsOptions"/>) by its
/// setting.
/// </summary>
public sealed class SensorValidator
{
    /// <summary>A host has a handful of addresses; more in one sensor is a mistake, not a need.</summary>
    public const int MaxReceiveAddresses = 64;

    private readonly IPortAvailability _ports;
    private readonly LimitsOptions _limits;

    public SensorValidator(IPortAvailability ports, Microsoft.Extensions.Options.IOptions<LimitsOptions> limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _ports = ports;
        _limits = limits.Value;
    }

    /// <summary>With the default limits.</summary>
    public SensorValidator(IPortAvailability ports)
        : this(ports, Microsoft.Extensions.Options.Options.Create(new LimitsOptions()))
    {
    }

    public LimitsOptions Limits => _limits;

    /// <summary>
    /// Checks a sensor; with <paramref name="sensors"/> (those stored) also that a new one stays within
    /// <c>Limits:MaxSensors</c>.
    /// </summary>
    public IReadOnlyList<ValidationError> Validate(SensorDefinition sensor, IReadOnlyCollection<DeviceDefinition> devices, IReadOnlyCollection<SensorDefinition>? sensors = null)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        ArgumentNullException.ThrowIfNull(devices);
        var errors = new List<ValidationError>();
        void Fail(string field, string message) => errors.Add(new ValidationError(field, message));

        if (sensors is not null && sensors.Count >= _limits.MaxSensors && sensors.All(s => s.Id != sensor.Id))
        {
            Fail("Sensors", Limit($"at most {_limits.MaxSensors:N0} sensors, and {sensors.Count:N0} exist: delete one before adding another", nameof(LimitsOptions.MaxSensors)));
        }

        foreach (var tag in sensor.Tags)
        {
            if (DisplayText.Problem(tag) is { } tagProblem)
            {
                Fail(nameof(sensor.Tags), $"'{tag}': {tagProblem}");
            }
        }

        CheckName(nameof(sensor.Name), sensor.Name, Fail);
        CheckTags(sensor.Tags, Fail);

        if (sensor.Priority is < 1 or > 5)
        {
            Fail(nameof(sensor.Priority), "must be 1 to 5");
        }

        if (sensor.DeviceId is { } deviceId && devices.All(d => d.Id != deviceId))
        {
            Fail(nameof(sensor.DeviceId), "no such device");
        }

        if (sensor.Port is < 1 or > 65535)
        {
            Fail(nameof(sensor.Port), "must be 1 to 65535");
        }
        else if (_ports.Check(sensor.Port) is { } portProblem)
        {
            Fail(nameof(sensor.Port), portProblem);
        }

        if (sensor.ReceiveAddresses.Count > MaxReceiveAddresses)
        {
            Fail(nameof(sensor.ReceiveAddresses), $"at most {MaxReceiveAddresses} addresses");
        }

        foreach (var address in sensor.ReceiveAddresses.Take(MaxReceiveAddresses))
        {
            if (!IPAddress.TryParse(address, out var ip))
            {
                Fail(nameof(sensor.ReceiveAddresses), $"'{Shorten(address)}' is not an IP address");
            }
            else if (!_ports.IsLocalAddress(ip))
            {
                Fail(nameof(sensor.ReceiveAddresses), $"{address} is not an address of this host");
            }
        }

        if (!string.IsNullOrWhiteSpace(sensor.SenderIp) && (sensor.SenderIp.Length > 64 || !IPAddress.TryParse(sensor.SenderIp.Trim(), out _)))
        {
            Fail(nameof(sensor.SenderIp), $"'{Shorten(sensor.SenderIp)}' is not an IP address (leave empty to accept any device)");
        }

        if (sensor.ActiveFlowTimeoutMinutes is < 0 or > 60)
        {
            Fail(nameof(sensor.ActiveFlowTimeoutMinutes), "must be 0 to 60 minutes");
        }

        if (sensor.SamplingMode == SamplingMode.Fixed && sensor.SamplingRate is < 1 or > 1_000_000)
        {
            Fail(nameof(sensor.SamplingRate), "must be 1 to 1,000,000 when sampling is fixed");
        }

        CheckChannels(sensor, Fail);
        CheckFilter(nameof(sensor.IncludeFilter), sensor.IncludeFilter, Fail);
        CheckFilter(nameof(sensor.ExcludeFilter), sensor.ExcludeFilter, Fail);
        CheckToplists(sensor, Fail);
        Alerts.Limits.ChannelLimitValidator.Check(sensor, Fail);
        foreach (var (field, message) in Detection.DetectionSettingsValidator.Validate(sensor.Detection ?? new()))
        {
            Fail($"{nameof(sensor.Detection)}.{field}", message);
        }

        return errors;
    }

    /// <summary>
    /// Checks a device; with <paramref name="devices"/> (those stored) also that a new one stays within
    /// <c>Limits:MaxDevices</c>.
    /// </summary>
    public IReadOnlyList<ValidationError> ValidateDevice(DeviceDefinition device, IReadOnlyCollection<DeviceDefinition>? devices = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        var errors = new List<ValidationError>();
        void Fail(string field, string message) => errors.Add(new ValidationError(field, message));

        if (devices is not null && devices.Count >= _limits.MaxDevices && devices.All(d => d.Id != device.Id))
        {
            Fail("Devices", Limit($"at most {_limits.MaxDevices:N0} devices, and {devices.Count:N0} exist: delete one before adding another", nameof(LimitsOptions.MaxDevices)));
        }

        CheckName(nameof(device.Name), device.Name, Fail);
        if ((device.Address?.Length ?? 0) > 64 || (!string.IsNullOrWhiteSpace(device.Address) && !IPAddress.TryParse(device.Address.Trim(), out _)))
        {
            Fail(nameof(device.Address), $"'{Shorten(device.Address!)}' is not an IP address");
        }

        if ((device.Notes?.Length ?? 0) > _limits.MaxNotesLength)
        {
            Fail(nameof(device.Notes), Limit($"{device.Notes!.Length:N0} characters, at most {_limits.MaxNotesLength:N0}", nameof(LimitsOptions.MaxNotesLength)));
        }
        else if (DisplayText.Problem(device.Notes, multiLine: true) is { } notesProblem)
        {
            Fail(nameof(device.Notes), notesProblem);
        }

        return errors;
    }

    /// <summary>A message that names the setting that sets the limit.</summary>
    private static string Limit(FormattableString message, string setting) =>
        $"{message.ToString(CultureInfo.InvariantCulture)} ({LimitsOptions.SectionName}:{setting})";

    private void CheckName(string field, string? name, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            fail(field, "a name is required");
        }
        else if (name.Length > _limits.MaxNameLength)
        {
            fail(field, Limit($"{name.Length:N0} characters, at most {_limits.MaxNameLength:N0}", nameof(LimitsOptions.MaxNameLength)));
        }
        else if (DisplayText.Problem(name) is { } problem)
        {
            fail(field, problem);
        }
    }

    private void CheckTags(IReadOnlyList<string>? tags, Action<string, string> fail)
    {
        const string field = nameof(SensorDefinition.Tags);
        tags ??= [];
        if (tags.Count > _limits.MaxTagsPerSensor)
        {
            fail(field, Limit($"{tags.Count:N0} tags, at most {_limits.MaxTagsPerSensor:N0}", nameof(LimitsOptions.MaxTagsPerSensor)));
            return;
        }

        foreach (var tag in tags)
        {
            if (string.IsNullOrWhiteSpace(tag))
            {
                fail(field, "a tag cannot be empty");
            }
            else if (tag.Length > _limits.MaxTagLength)
            {
                fail(field, Limit($"tag '{Shorten(tag)}' has {tag.Length:N0} characters, at most {_limits.MaxTagLength:N0}", nameof(LimitsOptions.MaxTagLength)));
            }
        }
    }

    private void CheckFilter(string field, string text, Action<string, string> fail)
    {
        var parsed = FilterRule.Parse(text, _limits.Filters);
        foreach (var e in parsed.Errors)
        {
            fail(field, $"position {e.Position}: {e.Message}");
        }
    }

    private void CheckChannels(SensorDefinition sensor, Action<string, string> fail)
    {
        if (!string.IsNullOrWhiteSpace(sensor.CustomChannels))
        {
            if (DisplayText.Problem(sensor.CustomChannels, multiLine: true) is { } textProblem)
            {
                fail(nameof(sensor.CustomChannels), textProblem);
            }

            var parsed = ChannelSet.FromDefinition(sensor.CustomChannels, _limits.Filters);
            foreach (var e in parsed.Errors)
            {
                fail(nameof(sensor.CustomChannels), $"line {e.Line}, column {e.Column}: {e.Message}");
            }

            // Total and Other come with every definition.
            if (parsed.Set is { } set && set.Channels.Count - 2 > _limits.MaxChannelsPerSensor)
            {
                fail(nameof(sensor.CustomChannels),
                    Limit($"{set.Channels.Count - 2:N0} channels, at most {_limits.MaxChannelsPerSensor:N0}", nameof(LimitsOptions.MaxChannelsPerSensor)));
            }

            return;
        }

        foreach (var (group, mode) in sensor.ChannelGroups)
        {
            if (!Enum.IsDefined(group) || !Enum.IsDefined(mode))
            {
                fail(nameof(sensor.ChannelGroups), $"unknown channel group or mode '{group}: {mode}'");
            }
        }
    }

    private void CheckToplists(SensorDefinition sensor, Action<string, string> fail)
    {
        const string field = nameof(sensor.Toplists);
        if (sensor.Toplists.Count > _limits.MaxToplistsPerSensor)
        {
            fail(field, Limit($"{sensor.Toplists.Count:N0} toplists, at most {_limits.MaxToplistsPerSensor:N0}", nameof(LimitsOptions.MaxToplistsPerSensor)));
            return;
        }

        foreach (var t in sensor.Toplists)
        {
            var name = string.IsNullOrWhiteSpace(t.Name) ? $"toplist {t.Id}" : Shorten(t.Name);
            if (string.IsNullOrWhiteSpace(t.Name))
            {
                fail(field, $"{name}: a name is required");
            }
            else if (t.Name.Length > _limits.MaxNameLength)
            {
                fail(field, Limit($"{name}: the name has {t.Name.Length:N0} characters, at most {_limits.MaxNameLength:N0}", nameof(LimitsOptions.MaxNameLength)));
            }
            else if (DisplayText.Problem(t.Name) is { } nameProblem)
            {
                fail(field, $"toplist {t.Id}: name {nameProblem}");
            }

            if (t.PeriodMinutes is < 1 or > 1440)
            {
                fail(field, $"{name}: period must be 1 to 1440 minutes");
            }

            if (t.Count is < 1 or > 10_000)
            {
                fail(field, $"{name}: top count must be 1 to 10,000");
            }

            if (t.Type == ToplistType.Custom && ToplistKeys.Validate(t.Fields) is { } problem)
            {
                fail(field, $"{name}: {problem}");
            }
        }

        foreach (var duplicate in sensor.Toplists.GroupBy(t => t.Id).Where(g => g.Count() > 1))
        {
            fail(field, $"toplist id {duplicate.Key} is used twice");
        }

        foreach (var duplicate in sensor.Toplists.GroupBy(t => t.Name.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1 && g.Key.Length > 0))
        {
            fail(field, $"toplist name '{duplicate.Key}' is used twice");
        }
    }

    /// <summary>Long input is quoted in a message by its start only.</summary>
    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");
}

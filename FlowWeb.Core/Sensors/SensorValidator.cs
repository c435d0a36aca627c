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
/// Every check on a sensor's settings, in one place, used by the form, the API and configuration alike; all
/// problems are reported at once, each naming its field.
/// </summary>
public sealed class SensorValidator(IPortAvailability ports)
{
    public const int MaxNameLength = 128;

    public IReadOnlyList<ValidationError> Validate(SensorDefinition sensor, IReadOnlyCollection<DeviceDefinition> devices)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        ArgumentNullException.ThrowIfNull(devices);
        var errors = new List<ValidationError>();
        void Fail(string field, string message) => errors.Add(new ValidationError(field, message));

        if (string.IsNullOrWhiteSpace(sensor.Name))
        {
            Fail(nameof(sensor.Name), "a name is required");
        }
        else if (sensor.Name.Length > MaxNameLength)
        {
            Fail(nameof(sensor.Name), $"at most {MaxNameLength} characters");
        }
        else if (DisplayText.Problem(sensor.Name) is { } nameProblem)
        {
            Fail(nameof(sensor.Name), nameProblem);
        }

        foreach (var tag in sensor.Tags)
        {
            if (DisplayText.Problem(tag) is { } tagProblem)
            {
                Fail(nameof(sensor.Tags), $"'{tag}': {tagProblem}");
            }
        }

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
        else if (ports.Check(sensor.Port) is { } portProblem)
        {
            Fail(nameof(sensor.Port), portProblem);
        }

        foreach (var address in sensor.ReceiveAddresses)
        {
            if (!IPAddress.TryParse(address, out var ip))
            {
                Fail(nameof(sensor.ReceiveAddresses), $"'{address}' is not an IP address");
            }
            else if (!ports.IsLocalAddress(ip))
            {
                Fail(nameof(sensor.ReceiveAddresses), $"{address} is not an address of this host");
            }
        }

        if (!string.IsNullOrWhiteSpace(sensor.SenderIp) && !IPAddress.TryParse(sensor.SenderIp.Trim(), out _))
        {
            Fail(nameof(sensor.SenderIp), $"'{sensor.SenderIp}' is not an IP address (leave empty to accept any device)");
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
        return errors;
    }

    private static void CheckFilter(string field, string text, Action<string, string> fail)
    {
        var parsed = FilterRule.Parse(text);
        foreach (var e in parsed.Errors)
        {
            fail(field, $"position {e.Position}: {e.Message}");
        }
    }

    private static void CheckChannels(SensorDefinition sensor, Action<string, string> fail)
    {
        if (!string.IsNullOrWhiteSpace(sensor.CustomChannels))
        {
            if (DisplayText.Problem(sensor.CustomChannels, multiLine: true) is { } textProblem)
            {
                fail(nameof(sensor.CustomChannels), textProblem);
            }

            foreach (var e in ChannelSet.FromDefinition(sensor.CustomChannels).Errors)
            {
                fail(nameof(sensor.CustomChannels), $"line {e.Line}, column {e.Column}: {e.Message}");
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

    private static void CheckToplists(SensorDefinition sensor, Action<string, string> fail)
    {
        const string field = nameof(sensor.Toplists);
        foreach (var t in sensor.Toplists)
        {
            var name = string.IsNullOrWhiteSpace(t.Name) ? $"toplist {t.Id}" : t.Name;
            if (string.IsNullOrWhiteSpace(t.Name))
            {
                fail(field, $"{name}: a name is required");
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
}

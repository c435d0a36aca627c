namespace FlowWeb.Core.Detection;

/// <summary>
/// Checks detection settings (a sensor's, or the global section's), reporting every problem with the field it
/// concerns: <c>ProtectedNetworks</c>, <c>Incoming.SynPacketsPerSecond</c>, <c>HostGroups[1].Prefixes</c>...
/// </summary>
public static class DetectionSettingsValidator
{
    public const int MaxNetworks = 1024;
    public const int MaxGroups = 256;
    public const int MaxPrefixesPerGroup = 1024;
    public const int MaxGroupNameLength = 100;

    public static IEnumerable<(string Field, string Message)> Validate(SensorDetectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!Enum.IsDefined(settings.Mode))
        {
            yield return (nameof(settings.Mode), $"unknown mode '{settings.Mode}'");
        }

        // The same bounds as the global Detection:StartAfterSeconds and EndAfterSeconds.
        if (settings.StartAfterSeconds is < 1 or > 600)
        {
            yield return (nameof(settings.StartAfterSeconds), "must be 1 to 600 seconds, or empty to inherit");
        }

        if (settings.EndAfterSeconds is < 1 or > 3600)
        {
            yield return (nameof(settings.EndAfterSeconds), "must be 1 to 3600 seconds, or empty to inherit");
        }

        if (settings.ProtectedNetworks.Count > MaxNetworks)
        {
            yield return (nameof(settings.ProtectedNetworks), $"at most {MaxNetworks} networks");
        }

        foreach (var problem in Prefixes(settings.ProtectedNetworks))
        {
            yield return (nameof(settings.ProtectedNetworks), problem);
        }

        foreach (var problem in settings.Incoming.Validate(nameof(settings.Incoming)).Concat(settings.Outgoing.Validate(nameof(settings.Outgoing))))
        {
            yield return problem;
        }

        if (settings.HostGroups.Count > MaxGroups)
        {
            yield return (nameof(settings.HostGroups), $"at most {MaxGroups} host groups");
        }

        for (var i = 0; i < settings.HostGroups.Count; i++)
        {
            var group = settings.HostGroups[i];
            var path = $"{nameof(settings.HostGroups)}[{i}]";
            if (string.IsNullOrWhiteSpace(group.Name))
            {
                yield return ($"{path}.{nameof(group.Name)}", "a name is required");
            }
            else if (group.Name.Length > MaxGroupNameLength)
            {
                yield return ($"{path}.{nameof(group.Name)}", $"at most {MaxGroupNameLength} characters");
            }

            if (group.Prefixes.Count == 0)
            {
                yield return ($"{path}.{nameof(group.Prefixes)}", "at least one address or prefix is required");
            }
            else if (group.Prefixes.Count > MaxPrefixesPerGroup)
            {
                yield return ($"{path}.{nameof(group.Prefixes)}", $"at most {MaxPrefixesPerGroup} prefixes");
            }

            foreach (var problem in Prefixes(group.Prefixes))
            {
                yield return ($"{path}.{nameof(group.Prefixes)}", problem);
            }

            foreach (var problem in group.Incoming.Validate($"{path}.{nameof(group.Incoming)}").Concat(group.Outgoing.Validate($"{path}.{nameof(group.Outgoing)}")))
            {
                yield return problem;
            }
        }

        foreach (var duplicate in settings.HostGroups.Where(g => !string.IsNullOrWhiteSpace(g.Name))
                     .GroupBy(g => g.Name.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return (nameof(settings.HostGroups), $"the name '{duplicate.Key}' is used twice");
        }
    }

    private static IEnumerable<string> Prefixes(IReadOnlyList<string> prefixes)
    {
        foreach (var text in prefixes.Take(MaxPrefixesPerGroup))
        {
            if (!IpPrefix.TryParse(text, out _, out var error))
            {
                yield return error!;
            }
        }
    }
}

namespace FlowWeb.Accounts;

/// <summary>
/// The three roles, most powerful first: an Administrator does everything, users and keys included; an Operator
/// changes sensors and devices; a Viewer reads. The policies name what a page or endpoint needs, not who may do it.
/// </summary>
internal static class AccountRoles
{
    public const string Administrator = "Administrator";
    public const string Operator = "Operator";
    public const string Viewer = "Viewer";

    public static IReadOnlyList<string> All { get; } = [Administrator, Operator, Viewer];

    /// <summary>Any signed-in user or key: reading pages, the API, metrics.</summary>
    public const string ViewPolicy = "View";

    /// <summary>Administrators and operators: sensors, devices, pause and resume.</summary>
    public const string EditPolicy = "Edit";

    /// <summary>/metrics: a key or session, except from loopback (Metrics:OpenToLoopback) or when Metrics:RequireApiKey is false.</summary>
    public const string MetricsPolicy = "Metrics";

    /// <summary>Administrators: users and everyone's keys.</summary>
    public const string AdminPolicy = "Admin";

    /// <summary>The role a key of <paramref name="level"/> acts with for a user of <paramref name="role"/>: the lower of the two.</summary>
    public static string Effective(string role, ApiKeyLevel level) => level switch
    {
        ApiKeyLevel.Read => Viewer,
        ApiKeyLevel.Write => role == Administrator ? Operator : role,
        _ => role,
    };

    public static string? Parse(string? text) => All.FirstOrDefault(r => string.Equals(r, text?.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>What an API key may do at most: read (GET), write (also change sensors and devices), full (all its user may).</summary>
public enum ApiKeyLevel
{
    Read,
    Write,
    Full,
}

using System.Text.RegularExpressions;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Mitigation;

public enum MitigationAction
{
    /// <summary>The attacked address (or an outgoing attack's sender) goes into an address list, with the ban time as its timeout.</summary>
    AddressList,

    /// <summary>A blackhole route for the attacked address (RouterOS v7).</summary>
    BlackholeRoute,
}

/// <summary>
/// How FlowWeb may act on a device through the RouterOS v7 REST API (<c>https://router/rest</c>, Basic auth). With
/// <see cref="Automatic"/> on, an attack on one of the device's sensors is banned when it starts and the ban removed
/// when it ends; bans made by hand from an attack's page stay until removed by hand.
/// </summary>
public sealed partial record DeviceMitigationSettings
{
    public Guid DeviceId { get; init; }

    /// <summary>Act on attacks without being asked.</summary>
    public bool Automatic { get; init; }

    /// <summary>The router's HTTPS address, e.g. <c>https://192.0.2.1</c> (the REST API is under <c>/rest</c>).</summary>
    public string Url { get; init; } = "";

    public string Username { get; init; } = "";

    /// <summary>Write only: a new password, or null to keep the stored one. Never read back.</summary>
    public string? Password { get; init; }

    /// <summary>True when a password is stored (the password itself is never shown).</summary>
    public bool HasPassword { get; init; }

    public MitigationAction Action { get; init; } = MitigationAction.AddressList;

    public string ListName { get; init; } = RouterOsCommands.DefaultList;

    /// <summary>Automatic bans time out on the router after this long even if FlowWeb is gone; FlowWeb removes them at the attack's end.</summary>
    public int BanMinutes { get; init; } = 60;

    /// <summary>Addresses and prefixes never banned automatically (the router itself, resolvers, customers who must stay up).</summary>
    public IReadOnlyList<string> Whitelist { get; init; } = [];

    /// <summary>SHA-256 fingerprint of the router's certificate, hex (colons allowed): trusted even if self-signed. Empty = normal validation.</summary>
    public string CertificateThumbprint { get; init; } = "";

    public const int MaxBanMinutes = 7 * 24 * 60;

    /// <summary>Every problem, each naming its field.</summary>
    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        var url = Url.Trim();
        if (url.Length > 0 || Automatic)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(uri.Query))
            {
                errors.Add(new(nameof(Url), "must be the router's https:// address, e.g. https://192.0.2.1 (the REST API needs the www-ssl service)"));
            }
        }

        if (Automatic && string.IsNullOrWhiteSpace(Username))
        {
            errors.Add(new(nameof(Username), "a RouterOS user is required for automatic action"));
        }

        if (Username.Length > 100)
        {
            errors.Add(new(nameof(Username), "at most 100 characters"));
        }

        if (Password is { Length: > 200 })
        {
            errors.Add(new(nameof(Password), "at most 200 characters"));
        }

        if (!Enum.IsDefined(Action))
        {
            errors.Add(new(nameof(Action), $"unknown action '{Action}'"));
        }

        if (!ListNamePattern().IsMatch(ListName ?? ""))
        {
            errors.Add(new(nameof(ListName), "1 to 64 letters, digits, '-' or '_'"));
        }

        if (BanMinutes is < 1 or > MaxBanMinutes)
        {
            errors.Add(new(nameof(BanMinutes), $"must be 1 to {MaxBanMinutes} minutes (7 days)"));
        }

        foreach (var entry in Whitelist)
        {
            if (!IpPrefix.TryParse(entry, out _, out var error))
            {
                errors.Add(new(nameof(Whitelist), error!));
            }
        }

        if (Whitelist.Count > 1024)
        {
            errors.Add(new(nameof(Whitelist), "at most 1024 entries"));
        }

        var thumbprint = NormalizedThumbprint;
        if (thumbprint.Length > 0 && (thumbprint.Length != 64 || !thumbprint.All(Uri.IsHexDigit)))
        {
            errors.Add(new(nameof(CertificateThumbprint), "a SHA-256 fingerprint (64 hex digits, colons allowed), or empty"));
        }

        return errors;
    }

    /// <summary>The fingerprint without separators, upper case.</summary>
    public string NormalizedThumbprint => (CertificateThumbprint ?? "").Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

    public bool IsWhitelisted(string target)
    {
        var address = target.Split('/')[0];
        if (!Flows.FlowAddress.TryParse(address, out var parsed))
        {
            return false;
        }

        return Whitelist.Any(w => IpPrefix.TryParse(w, out var prefix, out _) && prefix.Contains(parsed));
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ListNamePattern();
}

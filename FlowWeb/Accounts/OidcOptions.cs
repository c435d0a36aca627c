namespace FlowWeb.Accounts;

/// <summary>
/// <c>Auth:Oidc</c>: single sign-on with an OpenID Connect provider (Keycloak, Authentik, Entra ID...), off while
/// <see cref="Authority"/> is empty. The provider says who the user is and which groups they are in; FlowWeb's role
/// comes from <see cref="RoleMap"/> at every sign-in, so the provider stays the one place where access is granted.
/// </summary>
internal sealed class OidcOptions
{
    /// <summary>The provider's issuer URL (its discovery document is at <c>/.well-known/openid-configuration</c> below it).</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Space-separated scopes to ask for; <c>openid</c> is always added.</summary>
    public string Scopes { get; set; } = "openid profile email";

    /// <summary>The ID token claim that carries the user's groups or roles (<c>groups</c>, <c>roles</c>...).</summary>
    public string RoleClaim { get; set; } = "groups";

    /// <summary>A value of <see cref="RoleClaim"/> to a FlowWeb role; when several match, the most powerful wins.</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Role of a user none of whose claim values is mapped; empty = such users are refused.</summary>
    public string? DefaultRole { get; set; }

    /// <summary>The claim that names the FlowWeb account (falls back to <c>email</c>, then <c>sub</c>).</summary>
    public string UserNameClaim { get; set; } = "preferred_username";

    /// <summary>The button reads "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary>Refuse an http authority; only a provider on loopback in tests may turn this off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Signing out of FlowWeb also ends the session at the provider (its end-session endpoint).</summary>
    public bool SignOutAtProvider { get; set; }

    /// <summary>
    /// Link a provider user to the existing account of the same name when that account was made by proxy-header
    /// sign-on (it has no password and no other login). Off by default: a user who may choose their name at the
    /// provider would otherwise take over the proxy user's account. Turn on only when both sign-ons draw their user
    /// names from the same directory.
    /// </summary>
    public bool LinkAccountsByName { get; set; }

    /// <summary>The configuration key of <see cref="LinkAccountsByName"/>, as messages name it.</summary>
    public const string LinkAccountsByNameKey = "Auth:Oidc:LinkAccountsByName";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>Every problem of the section, each naming its key (only when enabled: an empty section is "off").</summary>
    public void Validate(List<string> errors)
    {
        if (!Enabled)
        {
            return;
        }

        const string Prefix = "Auth:Oidc";
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{Prefix}:Authority must be an absolute https URL (was '{Authority}').");
        }
        else if (authority.Scheme == Uri.UriSchemeHttp && RequireHttpsMetadata)
        {
            errors.Add($"{Prefix}:Authority must use https (or set {Prefix}:RequireHttpsMetadata to false, for a provider on a trusted network only).");
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            errors.Add($"{Prefix}:ClientId is required with {Prefix}:Authority.");
        }

        if (string.IsNullOrWhiteSpace(RoleClaim))
        {
            errors.Add($"{Prefix}:RoleClaim must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(UserNameClaim))
        {
            errors.Add($"{Prefix}:UserNameClaim must not be empty.");
        }

        foreach (var (value, role) in RoleMap)
        {
            if (AccountRoles.Parse(role) is null)
            {
                errors.Add($"{Prefix}:RoleMap:{value} must be one of {string.Join(", ", AccountRoles.All)} (was '{role}').");
            }
        }

        if (!string.IsNullOrWhiteSpace(DefaultRole) && AccountRoles.Parse(DefaultRole) is null)
        {
            errors.Add($"{Prefix}:DefaultRole must be one of {string.Join(", ", AccountRoles.All)} or empty (was '{DefaultRole}').");
        }

        if (RoleMap.Count == 0 && string.IsNullOrWhiteSpace(DefaultRole))
        {
            errors.Add($"{Prefix}:RoleMap or {Prefix}:DefaultRole is required: without either, every user would be refused.");
        }
    }

    /// <summary>The FlowWeb role for these claim values: the most powerful mapped one, else <see cref="DefaultRole"/>, else null.</summary>
    public string? RoleFor(IEnumerable<string> claimValues)
    {
        var mapped = claimValues.Select(v => RoleMap.TryGetValue(v, out var role) ? AccountRoles.Parse(role) : null).OfType<string>().ToHashSet();
        return AccountRoles.All.FirstOrDefault(mapped.Contains) ?? AccountRoles.Parse(DefaultRole);
    }
}

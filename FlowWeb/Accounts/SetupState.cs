using System.Net;
using System.Security.Cryptography;

namespace FlowWeb.Accounts;

/// <summary>
/// Whether the first administrator exists yet, and the one-time token that lets the setup page be used from another
/// machine (a headless server is set up from a laptop): loopback needs no token, anyone else must have read the log.
/// </summary>
internal sealed class SetupState
{
    private volatile bool _hasUsers;

    public SetupState() => Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public bool HasUsers
    {
        get => _hasUsers;
        set => _hasUsers = value;
    }

    public string Token { get; }

    /// <summary>Serialises the creation of the first user: two setup forms sent at once must not make two administrators.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public bool MayUse(HttpContext context, string? token) =>
        context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
        || token is { Length: > 0 } && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(token), System.Text.Encoding.UTF8.GetBytes(Token));
}

using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace FlowWeb.Core.Notifications;

/// <summary>
/// Encrypts channel secrets (SMTP passwords, webhook keys) with ASP.NET Core Data Protection. The keys live in the
/// data directory (<c>keys/</c>, see <c>AddFlowAlerts</c>), so secrets survive restarts; whoever can read that folder
/// and the database can decrypt them, so both belong to the service account only.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("FlowWeb.Notifications.ChannelSecret.v1");

    public string? Protect(string? secret) => string.IsNullOrEmpty(secret) ? null : _protector.Protect(secret);

    /// <summary>The plain secret, or null with <paramref name="problem"/> set when the keys that encrypted it are gone.</summary>
    public string? Unprotect(string? ciphertext, out string? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(ciphertext))
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(ciphertext);
        }
        catch (CryptographicException e)
        {
            problem = $"the stored secret cannot be decrypted (were the data directory's keys lost?): {e.Message}";
            return null;
        }
    }
}

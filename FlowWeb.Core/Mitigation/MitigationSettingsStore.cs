using FlowWeb.Core.Storage;
using FlowWeb.Core.Storage.Entities;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace FlowWeb.Core.Mitigation;

/// <summary>
/// Devices' RouterOS REST settings in the database. Passwords are encrypted with ASP.NET Core Data Protection
/// (keys in the data directory's <c>keys</c> folder) before they are stored, and only decrypted to call the router.
/// </summary>
public sealed class MitigationSettingsStore
{
    private readonly Lazy<IDbContextFactory<FlowWebDbContext>> _contexts;
    private readonly Lazy<IDataProtector> _protector;

    /// <param name="contexts">Resolved at first use (hosted services are built before start-up validation).</param>
    public MitigationSettingsStore(Lazy<IDbContextFactory<FlowWebDbContext>> contexts, Lazy<IDataProtectionProvider> protection)
    {
        _contexts = contexts;
        _protector = new Lazy<IDataProtector>(() => protection.Value.CreateProtector("FlowWeb.Mitigation.RouterOsPassword.v1"));
    }

    public MitigationSettingsStore(IDbContextFactory<FlowWebDbContext> contexts, IDataProtectionProvider protection)
        : this(new Lazy<IDbContextFactory<FlowWebDbContext>>(contexts), new Lazy<IDataProtectionProvider>(protection))
    {
    }

    private IDbContextFactory<FlowWebDbContext> Contexts => _contexts.Value;

    /// <summary>A device's settings (password left out), or defaults when none are stored.</summary>
    public async Task<DeviceMitigationSettings> GetAsync(Guid deviceId, CancellationToken cancellationToken = default)
    {
        var row = await RowAsync(deviceId, cancellationToken).ConfigureAwait(false);
        return row is null ? new DeviceMitigationSettings { DeviceId = deviceId } : ToSettings(row);
    }

    public async Task<IReadOnlyList<DeviceMitigationSettings>> ListAsync(CancellationToken cancellationToken = default)
    {
        var db = await Contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.DeviceMitigations.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(ToSettings)];
        }
    }

    /// <summary>The stored password in clear, to authenticate to the router (null when none is stored or the keys are gone).</summary>
    public async Task<string?> PasswordAsync(Guid deviceId, CancellationToken cancellationToken = default)
    {
        var row = await RowAsync(deviceId, cancellationToken).ConfigureAwait(false);
        if (row is null || row.ProtectedPassword.Length == 0)
        {
            return null;
        }

        try
        {
            return _protector.Value.Unprotect(row.ProtectedPassword);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // The key ring was lost or replaced: the password must be entered again.
            return null;
        }
    }

    /// <summary>
    /// Saves validated settings of <paramref name="device"/>; a null password keeps the stored one, an empty one
    /// removes it. The change is recorded in the audit log (<c>device.mitigation</c>) as read back before and after
    /// the save, so every caller records it alike: the password never appears, only whether one is stored.
    /// Returns the settings as saved.
    /// </summary>
    public async Task<DeviceMitigationSettings> SaveAsync(DeviceMitigationSettings settings, DeviceDefinition device, IChangeAudit audit,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(audit);
        if (settings.DeviceId != device.Id)
        {
            throw new ArgumentException($"The settings are of device {settings.DeviceId}, not {device.Id}.", nameof(settings));
        }

        var before = await GetAsync(device.Id, cancellationToken).ConfigureAwait(false);
        await WriteAsync(settings, cancellationToken).ConfigureAwait(false);
        var after = await GetAsync(device.Id, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync("device.mitigation", $"{device.Name} ({device.Id})", before with { Password = null }, after with { Password = null },
            cancellationToken).ConfigureAwait(false);
        return after;
    }

    private async Task WriteAsync(DeviceMitigationSettings settings, CancellationToken cancellationToken)
    {
        var db = await Contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.DeviceMitigations.FirstOrDefaultAsync(m => m.DeviceId == settings.DeviceId, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                row = new DeviceMitigationRow { DeviceId = settings.DeviceId };
                db.DeviceMitigations.Add(row);
            }

            row.Automatic = settings.Automatic;
            row.Url = settings.Url.Trim().TrimEnd('/');
            row.Username = settings.Username.Trim();
            if (settings.Password is not null)
            {
                row.ProtectedPassword = settings.Password.Length == 0 ? "" : _protector.Value.Protect(settings.Password);
            }

            row.Action = settings.Action.ToString();
            row.ListName = settings.ListName;
            row.BanMinutes = settings.BanMinutes;
            row.Whitelist = [.. settings.Whitelist.Select(w => w.Trim()).Where(w => w.Length > 0)];
            row.CertificateThumbprint = settings.NormalizedThumbprint;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task DeleteAsync(Guid deviceId, CancellationToken cancellationToken = default)
    {
        var db = await Contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.DeviceMitigations.Where(m => m.DeviceId == deviceId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<DeviceMitigationRow?> RowAsync(Guid deviceId, CancellationToken cancellationToken)
    {
        var db = await Contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.DeviceMitigations.AsNoTracking().FirstOrDefaultAsync(m => m.DeviceId == deviceId, cancellationToken).ConfigureAwait(false);
        }
    }

    private static DeviceMitigationSettings ToSettings(DeviceMitigationRow row) => new()
    {
        DeviceId = row.DeviceId,
        Automatic = row.Automatic,
        Url = row.Url,
        Username = row.Username,
        HasPassword = row.ProtectedPassword.Length > 0,
        Action = Enum.TryParse<MitigationAction>(row.Action, out var action) ? action : MitigationAction.AddressList,
        ListName = row.ListName,
        BanMinutes = row.BanMinutes,
        Whitelist = row.Whitelist,
        CertificateThumbprint = row.CertificateThumbprint,
    };
}

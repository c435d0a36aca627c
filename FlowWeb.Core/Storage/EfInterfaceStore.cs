using FlowWeb.Core.Interfaces;
using FlowWeb.Core.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace FlowWeb.Core.Storage;

/// <summary>Interface names in the database: a device's list is replaced by upserts and deletes by ifIndex, never all rows anew.</summary>
public sealed class EfInterfaceStore(IDbContextFactory<FlowWebDbContext> contexts) : IInterfaceStore
{
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<DeviceInterface>>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.DeviceInterfaces.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return rows.GroupBy(r => r.DeviceId).ToDictionary(g => g.Key, g => (IReadOnlyList<DeviceInterface>)[.. g.OrderBy(r => r.IfIndex).Select(ToInterface)]);
        }
    }

    public async Task ReplaceAsync(Guid deviceId, IReadOnlyList<DeviceInterface> interfaces, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var stored = await db.DeviceInterfaces.Where(r => r.DeviceId == deviceId).ToDictionaryAsync(r => r.IfIndex, cancellationToken).ConfigureAwait(false);
            var wanted = interfaces.ToDictionary(i => (long)i.IfIndex);
            foreach (var (index, row) in stored)
            {
                if (!wanted.ContainsKey(index))
                {
                    db.DeviceInterfaces.Remove(row);
                }
            }

            foreach (var (index, x) in wanted)
            {
                if (stored.TryGetValue(index, out var row))
                {
                    (row.Name, row.Description, row.SpeedBitsPerSecond, row.Source) = (x.Name, x.Description, x.SpeedBitsPerSecond, x.Source);
                }
                else
                {
                    db.DeviceInterfaces.Add(new DeviceInterfaceRow
                    {
                        DeviceId = deviceId, IfIndex = index, Name = x.Name, Description = x.Description, SpeedBitsPerSecond = x.SpeedBitsPerSecond, Source = x.Source,
                    });
                }
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static DeviceInterface ToInterface(DeviceInterfaceRow r) => new((uint)r.IfIndex, r.Name, r.Description, r.SpeedBitsPerSecond, r.Source);
}

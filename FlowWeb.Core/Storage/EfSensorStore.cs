using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace FlowWeb.Core.Storage;

/// <summary>Sensor and device settings in the database: one context per call, no-tracking reads, a transaction per save.</summary>
public sealed class EfSensorStore(IDbContextFactory<FlowWebDbContext> contexts) : ISensorStore
{
    public async Task<IReadOnlyList<SensorDefinition>> GetSensorsAsync(CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Sensors.AsNoTracking().AsSplitQuery()
                .Include(s => s.ChannelGroups)
                .Include(s => s.Toplists)
                .Include(s => s.Limits)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(SensorMapping.ToDefinition).OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];
        }
    }

    /// <summary>Inserts or replaces the sensor with all its channel groups and toplists.</summary>
    public async Task SaveSensorAsync(SensorDefinition sensor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var id = sensor.Id;
                await db.SensorChannelGroups.Where(g => g.SensorId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                await db.SensorToplists.Where(t => t.SensorId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                await db.SensorChannelLimits.Where(l => l.SensorId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                var exists = await db.Sensors.AnyAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);

                var row = SensorMapping.ToEntity(sensor);
                var groups = row.ChannelGroups;
                var toplists = row.Toplists;
                var limits = row.Limits;
                row.ChannelGroups = [];
                row.Toplists = [];
                row.Limits = [];
                if (exists)
                {
                    db.Sensors.Update(row);
                }
                else
                {
                    db.Sensors.Add(row);
                }

                db.SensorChannelGroups.AddRange(groups);
                db.SensorToplists.AddRange(toplists);
                db.SensorChannelLimits.AddRange(limits);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<bool> DeleteSensorAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            // Child rows go by ON DELETE CASCADE.
            return await db.Sensors.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    public async Task<IReadOnlyList<DeviceDefinition>> GetDevicesAsync(CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Devices.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(SensorMapping.ToDefinition).OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase)];
        }
    }

    public async Task SaveDeviceAsync(DeviceDefinition device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var id = device.Id;
            var row = SensorMapping.ToEntity(device);
            if (await db.Devices.AnyAsync(d => d.Id == id, cancellationToken).ConfigureAwait(false))
            {
                db.Devices.Update(row);
            }
            else
            {
                db.Devices.Add(row);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the device; its sensors stay, no longer attached to a device.</summary>
    public async Task<bool> DeleteDeviceAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                Guid? deviceId = id;
                await db.Sensors.Where(s => s.DeviceId == deviceId)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.DeviceId, (Guid?)null), cancellationToken).ConfigureAwait(false);
                var deleted = await db.Devices.Where(d => d.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return deleted > 0;
            }
        }
    }
}

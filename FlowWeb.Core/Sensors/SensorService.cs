using System.Net;

namespace FlowWeb.Core.Sensors;

/// <summary>The outcome of a change: saved, or every problem found, each naming its field.</summary>
public sealed record SaveResult(bool Saved, IReadOnlyList<ValidationError> Errors)
{
    public static SaveResult Ok { get; } = new(true, []);

    /// <summary>The sensor to change no longer exists (deleted meanwhile); nothing was saved.</summary>
    public static SaveResult Missing { get; } = new(false, [new ValidationError("Id", "no such sensor")]) { NotFound = true };

    public bool NotFound { get; init; }

    /// <summary>The stored version is not the one the caller read (HTTP If-Match); nothing was saved.</summary>
    public static SaveResult Changed { get; } = new(false, [new ValidationError("If-Match", "changed since it was read: read it again and repeat the change")]) { Conflict = true };

    public bool Conflict { get; init; }

    public static SaveResult Invalid(IReadOnlyList<ValidationError> errors) => new(false, errors);
}

/// <summary>
/// The one way to change sensors and devices, shared by the UI, the API and configuration: validate, store,
/// then make the runner (the collector) run what is stored. Changes take effect at once, without a restart.
/// </summary>
public sealed class SensorService(ISensorStore store, ISensorRunner runner, SensorValidator validator, IChangeAudit? audit = null) : IDisposable
{
    /// <summary>A device's notes are free text, but not a place to store megabytes.</summary>
    public const int MaxDeviceNotesLength = 4000;

    private readonly SemaphoreSlim _gate = new(1, 1);

    // Live pages ask for the sensors every second or two; the store is read once and again only after a change
    // made through this service (the only way settings change), so pages never poll the database.
    private volatile IReadOnlyList<SensorDefinition>? _sensors;
    private volatile IReadOnlyList<DeviceDefinition>? _devices;

    /// <summary>The limits every change is checked against (for forms that show them).</summary>
    public LimitsOptions Limits => validator.Limits;

    public async Task<IReadOnlyList<SensorDefinition>> ListSensorsAsync(CancellationToken cancellationToken = default) =>
        _sensors ??= await store.GetSensorsAsync(cancellationToken).ConfigureAwait(false);

    public async Task<SensorDefinition?> GetSensorAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await ListSensorsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.Id == id);

    public async Task<IReadOnlyList<DeviceDefinition>> ListDevicesAsync(CancellationToken cancellationToken = default) =>
        _devices ??= await store.GetDevicesAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Checks a sensor without saving it (the form's inline validation).</summary>
    public async Task<IReadOnlyList<ValidationError>> ValidateAsync(SensorDefinition sensor, CancellationToken cancellationToken = default)
    {
        var devices = await ListDevicesAsync(cancellationToken).ConfigureAwait(false);
        var sensors = await ListSensorsAsync(cancellationToken).ConfigureAwait(false);
        return validator.Validate(sensor, [.. devices], [.. sensors]);
    }

    /// <summary>Creates or replaces a sensor after validation; nothing is saved when anything is wrong.</summary>
    public Task<SaveResult> SaveSensorAsync(SensorDefinition sensor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        return ChangeSensorAsync(sensor.Id, _ => sensor, cancellationToken);
    }

    /// <summary>
    /// Replaces a sensor that exists: the check and the save happen under the same gate as a delete, so an update
    /// racing a delete finds the sensor gone (<see cref="SaveResult.NotFound"/>) instead of bringing it back.
    /// </summary>
    public Task<SaveResult> UpdateSensorAsync(SensorDefinition sensor, CancellationToken cancellationToken = default) =>
        UpdateSensorAsync(sensor, null, cancellationToken);

    /// <summary>
    /// As above, only while <paramref name="unchanged"/> holds for the stored sensor (the version a client read, HTTP
    /// If-Match), checked under the same gate as the save: of two editors who read the same version, the second gets
    /// <see cref="SaveResult.Changed"/> instead of overwriting the first one's change.
    /// </summary>
    public Task<SaveResult> UpdateSensorAsync(SensorDefinition sensor, Func<SensorDefinition, bool>? unchanged, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        return ChangeSensorAsync(sensor.Id, current => current is null ? null : sensor, cancellationToken, unchanged);
    }

    public Task<SaveResult> SetPausedAsync(Guid id, bool paused, CancellationToken cancellationToken = default) =>
        ChangeSensorAsync(id, current => current is null ? null : current with { Paused = paused }, cancellationToken);

    /// <summary>Reads the stored sensor, asks <paramref name="change"/> for its next state (null: refuse), validates and saves, all under the gate.</summary>
    private async Task<SaveResult> ChangeSensorAsync(Guid id, Func<SensorDefinition?, SensorDefinition?> change, CancellationToken cancellationToken,
        Func<SensorDefinition, bool>? unchanged = null)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = await GetSensorAsync(id, cancellationToken).ConfigureAwait(false);
            if (before is not null && unchanged is not null && !unchanged(before))
            {
                return SaveResult.Changed;
            }

            if (change(before) is not { } sensor)
            {
                return SaveResult.Missing;
            }

            var errors = await ValidateAsync(sensor, cancellationToken).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                return SaveResult.Invalid(errors);
            }

            await store.SaveSensorAsync(sensor, cancellationToken).ConfigureAwait(false);
            await ApplyAsync(cancellationToken).ConfigureAwait(false);
            if (before is not null && !before.Limits.SequenceEqual(sensor.Limits) && OnlyLimitsDiffer(before, sensor))
            {
                // Only the channel limits changed: the entry shows the limits themselves, not the whole sensor.
                await RecordAsync("sensor.limits", Subject(sensor.Name, sensor.Id), before.Limits, sensor.Limits, cancellationToken).ConfigureAwait(false);
                return SaveResult.Ok;
            }

            await RecordAsync(before is null ? "sensor.create" : before.Paused != sensor.Paused && before with { Paused = sensor.Paused } == sensor ? (sensor.Paused ? "sensor.pause" : "sensor.resume") : "sensor.update",
                Subject(sensor.Name, sensor.Id), before, sensor, cancellationToken).ConfigureAwait(false);
            return SaveResult.Ok;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> DeleteSensorAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await DeleteSensorAsync(id, null, cancellationToken).ConfigureAwait(false)).Saved;

    /// <summary>Deletes a sensor while <paramref name="unchanged"/> holds for it (HTTP If-Match); Missing or Changed otherwise.</summary>
    public async Task<SaveResult> DeleteSensorAsync(Guid id, Func<SensorDefinition, bool>? unchanged, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = await GetSensorAsync(id, cancellationToken).ConfigureAwait(false);
            if (before is not null && unchanged is not null && !unchanged(before))
            {
                return SaveResult.Changed;
            }

            var deleted = await store.DeleteSensorAsync(id, cancellationToken).ConfigureAwait(false);
            await ApplyAsync(cancellationToken).ConfigureAwait(false);
            if (deleted)
            {
                await RecordAsync("sensor.delete", Subject(before?.Name ?? "", id), before, null, cancellationToken).ConfigureAwait(false);
            }

            return deleted ? SaveResult.Ok : SaveResult.Missing;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<SaveResult> SaveDeviceAsync(DeviceDefinition device, CancellationToken cancellationToken = default) =>
        SaveDeviceAsync(device, null, cancellationToken);

    /// <summary>
    /// Creates or replaces a device after validation; an update (<paramref name="unchanged"/> given) only while the
    /// stored device still is the version the caller read and still exists, checked under the gate deletes take.
    /// </summary>
    public async Task<SaveResult> SaveDeviceAsync(DeviceDefinition device, Func<DeviceDefinition, bool>? unchanged, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = (await ListDevicesAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(d => d.Id == device.Id);
            if (unchanged is not null && (before is null || !unchanged(before)))
            {
                return before is null ? SaveResult.Missing : SaveResult.Changed;
            }

            var errors = validator.ValidateDevice(device, await ListDevicesAsync(cancellationToken).ConfigureAwait(false));
            if (errors.Count > 0)
            {
                return SaveResult.Invalid(errors);
            }

            await store.SaveDeviceAsync(device, cancellationToken).ConfigureAwait(false);
            _devices = null;
            await RecordAsync(before is null ? "device.create" : "device.update", Subject(device.Name, device.Id), before, device, cancellationToken).ConfigureAwait(false);
            return SaveResult.Ok;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes a device; its sensors stay, without a device.</summary>
    public async Task<bool> DeleteDeviceAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var sensor in (await store.GetSensorsAsync(cancellationToken).ConfigureAwait(false)).Where(s => s.DeviceId == id))
            {
                await store.SaveSensorAsync(sensor with { DeviceId = null }, cancellationToken).ConfigureAwait(false);
            }

            var before = (await ListDevicesAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(d => d.Id == id);
            var deleted = await store.DeleteDeviceAsync(id, cancellationToken).ConfigureAwait(false);
            _devices = null;
            await ApplyAsync(cancellationToken).ConfigureAwait(false);
            if (deleted)
            {
                await RecordAsync("device.delete", Subject(before?.Name ?? "", id), before, null, cancellationToken).ConfigureAwait(false);
            }

            return deleted;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private static string Subject(string name, Guid id) => $"{name} ({id})";

    /// <summary>Compared as JSON: the definitions' lists (toplists, tags) are distinct instances after a load, so record equality would see a change.</summary>
    private static bool OnlyLimitsDiffer(SensorDefinition before, SensorDefinition after) =>
        System.Text.Json.JsonSerializer.Serialize(before with { Limits = [] }) == System.Text.Json.JsonSerializer.Serialize(after with { Limits = [] });

    private Task RecordAsync(string action, string subject, object? before, object? after, CancellationToken cancellationToken) =>
        audit is null ? Task.CompletedTask : audit.RecordAsync(action, subject, before, after, cancellationToken);

    /// <summary>Makes the collector run exactly the stored sensors.</summary>
    public async Task ApplyAsync(CancellationToken cancellationToken = default)
    {
        _sensors = null;
        runner.Apply(await ListSensorsAsync(cancellationToken).ConfigureAwait(false));
    }
}

using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Interfaces;

/// <summary>
/// Interface names and speeds of every device, for pages and the API: read once from the store into an immutable
/// snapshot that lookups use without a lock (a page may look up every row of a flow tail each second), replaced on
/// each change. A device's interfaces are found by the device, or by its address (the exporter a record came from).
/// Bounded: at most <see cref="MaxPerDevice"/> interfaces per device, names and descriptions of limited length.
/// </summary>
public sealed class InterfaceCatalog(IInterfaceStore store, SensorService sensors) : IDisposable
{
    public const int MaxPerDevice = 1024;
    public const int MaxNameLength = 64;
    public const int MaxDescriptionLength = 200;

    /// <summary>10 Tbit/s: no interface is faster, so a larger speed is a typing error.</summary>
    public const long MaxSpeedBitsPerSecond = 10_000_000_000_000;

    private static readonly IReadOnlyDictionary<uint, DeviceInterface> None = new Dictionary<uint, DeviceInterface>();

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary><see cref="Devices"/> is the sensor service's cached list it was built from: a new list means a device changed.</summary>
    private sealed record Snapshot(
        IReadOnlyList<DeviceDefinition> Devices,
        IReadOnlyDictionary<Guid, IReadOnlyDictionary<uint, DeviceInterface>> ByDevice,
        IReadOnlyDictionary<FlowAddress, IReadOnlyDictionary<uint, DeviceInterface>> ByAddress);

    /// <summary>The device's interfaces by ifIndex (empty when it has none).</summary>
    public async Task<IReadOnlyDictionary<uint, DeviceInterface>> OfDeviceAsync(Guid deviceId, CancellationToken cancellationToken = default) =>
        (await SnapshotAsync(cancellationToken).ConfigureAwait(false)).ByDevice.GetValueOrDefault(deviceId) ?? None;

    /// <summary>The interfaces of the device a sensor belongs to, or of the device whose address is the exporter's.</summary>
    public async Task<InterfaceNames> ForSensorAsync(SensorDefinition sensor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        var snapshot = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        var device = sensor.DeviceId is { } id ? snapshot.ByDevice.GetValueOrDefault(id) : null;
        return new InterfaceNames(device, snapshot.ByAddress);
    }

    /// <summary>Checks a device's interface list without saving it; every problem names its row and field.</summary>
    public static IReadOnlyList<ValidationError> Validate(IReadOnlyList<DeviceInterface> interfaces)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        var errors = new List<ValidationError>();
        if (interfaces.Count > MaxPerDevice)
        {
            errors.Add(new ValidationError("Interfaces", $"at most {MaxPerDevice:N0} interfaces per device (got {interfaces.Count:N0})"));
            return errors;
        }

        var seen = new HashSet<uint>();
        for (var i = 0; i < interfaces.Count; i++)
        {
            var x = interfaces[i];
            var row = $"Interfaces[{i}]";
            if (!seen.Add(x.IfIndex))
            {
                errors.Add(new ValidationError($"{row}.IfIndex", $"ifIndex {x.IfIndex} is listed twice"));
            }

            if (string.IsNullOrWhiteSpace(x.Name))
            {
                errors.Add(new ValidationError($"{row}.Name", $"ifIndex {x.IfIndex} needs a name"));
            }
            else if (x.Name.Trim().Length > MaxNameLength || x.Name.Any(char.IsControl))
            {
                errors.Add(new ValidationError($"{row}.Name", $"at most {MaxNameLength} characters, no control characters"));
            }

            if (x.Description.Length > MaxDescriptionLength || x.Description.Any(char.IsControl))
            {
                errors.Add(new ValidationError($"{row}.Description", $"at most {MaxDescriptionLength} characters, no control characters"));
            }

            if (x.SpeedBitsPerSecond is < 0 or > MaxSpeedBitsPerSecond)
            {
                errors.Add(new ValidationError($"{row}.SpeedBitsPerSecond", "must be 0 (unknown) to 10 Tbit/s"));
            }
        }

        return errors;
    }

    /// <summary>Replaces a device's interface list after validation; nothing is saved when anything is wrong.</summary>
    public async Task<SaveResult> SaveAsync(Guid deviceId, IReadOnlyList<DeviceInterface> interfaces, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        if ((await sensors.ListDevicesAsync(cancellationToken).ConfigureAwait(false)).All(d => d.Id != deviceId))
        {
            return SaveResult.Invalid([new ValidationError("DeviceId", "no such device")]);
        }

        var errors = Validate(interfaces);
        if (errors.Count > 0)
        {
            return SaveResult.Invalid(errors);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var clean = interfaces.Select(x => x with { Name = x.Name.Trim(), Description = x.Description.Trim() }).OrderBy(x => x.IfIndex).ToList();
            await store.ReplaceAsync(deviceId, clean, cancellationToken).ConfigureAwait(false);
            _snapshot = null;
            return SaveResult.Ok;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var devices = await sensors.ListDevicesAsync(cancellationToken).ConfigureAwait(false);
        if (_snapshot is { } current && ReferenceEquals(current.Devices, devices))
        {
            return current;
        }

        var stored = await store.GetAllAsync(cancellationToken).ConfigureAwait(false);
        var byDevice = stored.ToDictionary(d => d.Key, d => (IReadOnlyDictionary<uint, DeviceInterface>)d.Value.ToDictionary(x => x.IfIndex));
        var byAddress = new Dictionary<FlowAddress, IReadOnlyDictionary<uint, DeviceInterface>>();
        foreach (var device in devices)
        {
            if (byDevice.TryGetValue(device.Id, out var list) && FlowAddress.TryParse(device.Address?.Trim(), out var address))
            {
                byAddress.TryAdd(address, list);
            }
        }

        return _snapshot = new Snapshot(devices, byDevice, byAddress);
    }
}

/// <summary>
/// The interface names a page shows for one sensor: its device's, or, for a record from another exporter (a sensor
/// that accepts any sender), the device whose address is that exporter's. Immutable; lookups take no lock.
/// </summary>
public sealed class InterfaceNames(IReadOnlyDictionary<uint, DeviceInterface>? device, IReadOnlyDictionary<FlowAddress, IReadOnlyDictionary<uint, DeviceInterface>> byAddress)
{
    public static InterfaceNames Empty { get; } = new(null, new Dictionary<FlowAddress, IReadOnlyDictionary<uint, DeviceInterface>>());

    /// <summary>The sensor's own device's interfaces (empty when it has none).</summary>
    public IReadOnlyCollection<DeviceInterface> OfDevice => (IReadOnlyCollection<DeviceInterface>?)device?.Values ?? [];

    public DeviceInterface? Find(uint ifIndex, FlowAddress? exporter = null)
    {
        if (exporter is { } e && byAddress.TryGetValue(e, out var of) && of.TryGetValue(ifIndex, out var x))
        {
            return x;
        }

        return device is not null && device.TryGetValue(ifIndex, out var d) ? d : null;
    }
}

using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Interfaces;

/// <summary>
/// Interface names and speeds of every device, for pages and the API: read once from the store into an immutable
/// snapshot that lookups use without a lock (a page may look up every row of a flow tail each second), replaced on
/// each change. A device's interfaces are found by the device, or by its address (the exporter a record came from).
/// Bounded: at most <see cref="MaxPerDevice"/> interfaces per device, names and descriptions of limited length.
/// Interfaces the exporter named in its v9/IPFIX options data (read from the live frame) fill in what nobody typed;
/// a typed name always wins.
/// </summary>
public sealed class InterfaceCatalog(IInterfaceStore store, SensorService sensors, LivePublisher? live = null) : IDisposable
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
    public async Task<IReadOnlyDictionary<uint, DeviceInterface>> OfDeviceAsync(Guid deviceId, CancellationToken cancellationToken = default)
    {
        var snapshot = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        var typed = snapshot.ByDevice.GetValueOrDefault(deviceId) ?? None;
        var address = snapshot.Devices.FirstOrDefault(d => d.Id == deviceId)?.Address;
        return FlowAddress.TryParse(address?.Trim(), out var exporter) ? WithLearned(typed, Learned(exporter)) : typed;
    }

    /// <summary>The interfaces of the device a sensor belongs to, or of the device whose address is the exporter's.</summary>
    public async Task<InterfaceNames> ForSensorAsync(SensorDefinition sensor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        var snapshot = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        var device = sensor.DeviceId is { } id ? snapshot.ByDevice.GetValueOrDefault(id) : null;
        var deviceAddress = sensor.DeviceId is { } d && FlowAddress.TryParse(snapshot.Devices.FirstOrDefault(x => x.Id == d)?.Address?.Trim(), out var a) ? a : (FlowAddress?)null;
        if (deviceAddress is { } own && Learned(own) is { Count: > 0 } learned)
        {
            device = WithLearned(device ?? None, learned);
        }

        return new InterfaceNames(device, snapshot.ByAddress, Learned);
    }

    /// <summary>What the exporter at <paramref name="address"/> announced in options data (null when nothing).</summary>
    private IReadOnlyDictionary<uint, LearnedInterface>? Learned(FlowAddress address) => live?.Current.Exporter(address)?.Interfaces;

    /// <summary>
    /// The typed interfaces, and the learned ones nobody typed (marked as from the exporter). A row saved as from
    /// the exporter (someone added its speed) keeps its speed and takes the name the router announces now.
    /// </summary>
    internal static IReadOnlyDictionary<uint, DeviceInterface> WithLearned(IReadOnlyDictionary<uint, DeviceInterface> typed, IReadOnlyDictionary<uint, LearnedInterface>? learned)
    {
        if (learned is not { Count: > 0 })
        {
            return typed;
        }

        var merged = new Dictionary<uint, DeviceInterface>(typed);
        foreach (var (ifIndex, x) in learned)
        {
            if (merged.Count >= MaxPerDevice && !merged.ContainsKey(ifIndex))
            {
                break;
            }

            var announced = FromExporter(ifIndex, x);
            if (!merged.TryGetValue(ifIndex, out var stored))
            {
                merged[ifIndex] = announced;
            }
            else if (stored.Source == InterfaceSource.Exporter)
            {
                // Saved from the router's names (with a typed speed): the router's current name follows a rename.
                merged[ifIndex] = announced with { SpeedBitsPerSecond = stored.SpeedBitsPerSecond };
            }
        }

        return merged;
    }

    internal static DeviceInterface FromExporter(uint ifIndex, LearnedInterface x) =>
        new(ifIndex, x.Name.Length > 0 ? x.Name : x.Description, x.Name.Length > 0 ? x.Description : "", 0, InterfaceSource.Exporter);

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
public sealed class InterfaceNames(IReadOnlyDictionary<uint, DeviceInterface>? device, IReadOnlyDictionary<FlowAddress, IReadOnlyDictionary<uint, DeviceInterface>> byAddress,
    Func<FlowAddress, IReadOnlyDictionary<uint, LearnedInterface>?>? learned = null)
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

        if (device is not null && device.TryGetValue(ifIndex, out var d))
        {
            return d;
        }

        // A record from another exporter whose device nobody described: the names that exporter announced itself.
        return exporter is { } from && learned?.Invoke(from) is { } announced && announced.TryGetValue(ifIndex, out var l)
            ? InterfaceCatalog.FromExporter(ifIndex, l)
            : null;
    }
}

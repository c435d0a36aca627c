namespace FlowWeb.Core.Interfaces;

/// <summary>Where interface names live: per device, replaced as a whole list by key (ifIndex).</summary>
public interface IInterfaceStore
{
    Task<IReadOnlyDictionary<Guid, IReadOnlyList<DeviceInterface>>> GetAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes the device's stored interfaces exactly these: upserts by ifIndex, deletes the ones not listed.</summary>
    Task ReplaceAsync(Guid deviceId, IReadOnlyList<DeviceInterface> interfaces, CancellationToken cancellationToken = default);
}

/// <summary>Interface names kept in memory only (tests, and a host without storage).</summary>
public sealed class InMemoryInterfaceStore : IInterfaceStore
{
    private readonly Dictionary<Guid, IReadOnlyList<DeviceInterface>> _devices = [];
    private readonly Lock _sync = new();

    public Task<IReadOnlyDictionary<Guid, IReadOnlyList<DeviceInterface>>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            return Task.FromResult<IReadOnlyDictionary<Guid, IReadOnlyList<DeviceInterface>>>(new Dictionary<Guid, IReadOnlyList<DeviceInterface>>(_devices));
        }
    }

    public Task ReplaceAsync(Guid deviceId, IReadOnlyList<DeviceInterface> interfaces, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            _devices[deviceId] = [.. interfaces];
        }

        return Task.CompletedTask;
    }
}

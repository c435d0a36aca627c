using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Collection;

/// <summary>
/// Which running sensors a datagram on one port goes to, by sender and receive address. Immutable: the
/// collector swaps in a new table when sensors change, so receive loops read it without locks.
/// </summary>
public sealed class SensorRoutes
{
    private readonly Dictionary<FlowAddress, SensorAggregator[]> _bySender;
    private readonly SensorAggregator[] _anySender;
    private readonly (SensorAggregator Sensor, FlowAddress[] Local)[] _restricted;

    public static SensorRoutes Empty { get; } = new([]);

    public SensorRoutes(IReadOnlyList<SensorAggregator> sensors)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        _bySender = sensors.Where(s => s.Sender is not null && !IsRestricted(s))
            .GroupBy(s => s.Sender!.Value)
            .ToDictionary(g => g.Key, g => g.ToArray());
        _anySender = [.. sensors.Where(s => s.Sender is null && !IsRestricted(s))];
        _restricted = [.. sensors.Where(IsRestricted).Select(s => (s, LocalAddresses(s)))];
        Count = sensors.Count;
    }

    /// <summary>A sensor that receives only on some of this host's addresses (a wildcard in the list means any).</summary>
    private static bool IsRestricted(SensorAggregator sensor) =>
        sensor.Definition.ReceiveAddresses.Count > 0 && !LocalAddresses(sensor).Any(a => a.IsNone || a == FlowAddress.FromIPv4(0));

    private static FlowAddress[] LocalAddresses(SensorAggregator sensor) =>
        [.. sensor.Definition.ReceiveAddresses.Select(a => FlowAddress.TryParse(a.Trim(), out var ip) ? ip : FlowAddress.None)];

    public int Count { get; }

    /// <summary>True when some sensor listens only on certain local addresses, so the receive loop must learn each datagram's destination.</summary>
    public bool NeedsLocalAddress => _restricted.Length > 0;

    /// <summary>Calls <paramref name="deliver"/> for every sensor the datagram belongs to; returns how many.</summary>
    public int Route<TState>(FlowAddress sender, FlowAddress local, TState state, Action<SensorAggregator, TState> deliver)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        var delivered = 0;
        if (_bySender.TryGetValue(sender, out var exact))
        {
            foreach (var s in exact)
            {
                deliver(s, state);
                delivered++;
            }
        }

        foreach (var s in _anySender)
        {
            deliver(s, state);
            delivered++;
        }

        foreach (var (sensor, locals) in _restricted)
        {
            if ((sensor.Sender is null || sensor.Sender == sender) && Array.IndexOf(locals, local) >= 0)
            {
                deliver(sensor, state);
                delivered++;
            }
        }

        return delivered;
    }
}

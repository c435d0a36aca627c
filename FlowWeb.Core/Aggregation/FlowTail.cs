using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Aggregation;

/// <summary>A record as the live flow tail shows it: the record, its exporter and when it arrived.</summary>
public readonly record struct TailedFlow(FlowRecord Record, FlowAddress Exporter, DateTimeOffset ArrivedAt, uint EffectiveSamplingRate);

/// <summary>
/// The last records a sensor accepted, in a fixed ring. Records are copied only while <see cref="Active"/> (someone
/// watches the tail; the collector's tick sets it), so an unwatched sensor pays one branch per record. Not
/// thread-safe: the owner locks.
/// </summary>
public sealed class FlowTail(int capacity)
{
    private readonly TailedFlow[] _ring = new TailedFlow[capacity];
    private long _written;

    public bool Active { get; set; }

    public void Add(in FlowRecord record, FlowAddress exporter, DateTimeOffset arrivedAt, uint rate)
    {
        _ring[_written % _ring.Length] = new TailedFlow(record, exporter, arrivedAt, rate);
        _written++;
    }

    /// <summary>The newest records first, at most <paramref name="count"/>.</summary>
    public List<TailedFlow> Latest(int count)
    {
        var n = (int)Math.Min(Math.Min(count, _ring.Length), _written);
        var result = new List<TailedFlow>(n);
        for (var i = 1; i <= n; i++)
        {
            result.Add(_ring[(_written - i) % _ring.Length]);
        }

        return result;
    }
}

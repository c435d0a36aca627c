using FlowWeb.Core.Decoding;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Live;

/// <summary>Turns a tick's reading of a sensor into its frame: state, current values, and toplists (kept from the previous frame between row reads).</summary>
internal static class SensorFrames
{
    public static SensorFrame Build(SensorReading reading, SensorFrame? previous, string? portError, IReadOnlyDictionary<FlowAddress, ExporterFrame> exporters,
        Func<FlowAddress, ExporterRefusal?> refusalOf)
    {
        var definition = reading.Definition;
        var counters = reading.Counters;
        var hasSender = FlowAddress.TryParse(definition.SenderIp?.Trim(), out var sender);
        var exporter = hasSender ? exporters.GetValueOrDefault(sender) : null;
        var status = SensorStatusEvaluator.Evaluate(definition, counters.LastDataAt, counters.VersionsSeen, portError,
            exporter?.ErrorsLastMinute ?? 0, exporter?.PendingSets ?? 0, reading.At, exporter?.LastSeen, hasSender ? refusalOf(sender) : null);
        var snapshot = new SensorLiveSnapshot(definition, status, CurrentValues(reading), counters.LastDataAt, counters.FlowsAccepted,
            counters.FlowsFiltered, counters.Bytes, counters.Packets);
        var toplists = reading.Toplists.Select(t => Toplist(t, reading.At, previous?.Toplist(t.Definition.Id))).ToList();
        return new SensorFrame(snapshot, reading.Series, reading.Tail ?? [], toplists);
    }

    /// <summary>A toplist as read now; when this tick did not read its rows, the rows of the last read while it is the same period.</summary>
    private static ToplistFrame Toplist(ToplistReading reading, DateTimeOffset at, ToplistFrame? previous)
    {
        if (reading.RowsRead > 0)
        {
            return new ToplistFrame(reading.Definition, reading.Running, reading.RowsRead, at, reading.Completed);
        }

        if (previous is not null && previous.Definition == reading.Definition && previous.Running.Start == reading.Running.Start && previous.RowsRead > 0)
        {
            // Totals move every second; the rows and their key count are those of the last read (at most a few seconds old).
            var running = reading.Running with { Rows = previous.Running.Rows, DistinctKeys = previous.Running.DistinctKeys };
            return previous with { Running = running, Completed = reading.Completed };
        }

        return new ToplistFrame(reading.Definition, reading.Running, 0, null, reading.Completed);
    }

    /// <summary>
    /// Each channel's current rate: what arrived over the last <see cref="ArrivalWindow.Seconds"/> complete seconds,
    /// per second (see <see cref="ArrivalWindow"/> for why not the newest seconds of the series, which are incomplete
    /// until the exporter reports them).
    /// </summary>
    private static List<ChannelValue> CurrentValues(SensorReading reading)
    {
        var channels = reading.Channels.Channels;
        var result = new List<ChannelValue>(channels.Count);
        if (reading.Arrivals is not { } arrived)
        {
            return [.. channels.Select(c => new ChannelValue(c.Id, c.Name, c.Unit, 0, 0, 0))];
        }

        for (var c = 0; c < channels.Count; c++)
        {
            result.Add(new ChannelValue(channels[c].Id, channels[c].Name, channels[c].Unit,
                arrived.Bytes[c] * 8 / arrived.Seconds, arrived.Packets[c] / arrived.Seconds, arrived.Flows[c] / arrived.Seconds));
        }

        return result;
    }
}

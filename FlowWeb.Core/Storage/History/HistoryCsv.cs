using System.Globalization;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Storage.History;

/// <summary>
/// CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or line break) of
/// channel and toplist history. Numbers in invariant culture, times in ISO 8601 UTC plus Unix seconds. Counts
/// (bytes, packets, flows) are whole numbers: sampling scaling and spreading a flow over its seconds make fractions
/// that no spreadsheet user wants, so each is rounded to the nearest integer; rates are bit/s with at most three
/// decimals. A bucket still filling has <c>seconds</c> below the bucket's width, and its rate is over those seconds.
/// </summary>
public static class HistoryCsv
{
    public const string ChannelHeader = "time_utc,unix_seconds,channel_id,channel_name,bytes,packets,flows,bits_per_second,peak_bits_per_second,seconds";

    public const string ToplistHeader = "period_start_utc,period_end_utc,rank,address_a,address_b,port_1,port_2,protocol,number_1,number_2,bytes,packets,flows,error_bytes,host_name_a,host_name_b,as_a,as_name_a,country_a,as_b,as_name_b,country_b";

    /// <summary>One line per bucket and channel, in time order, then channel order.</summary>
    public static async Task WriteChannelHistoryAsync(TextWriter writer, ChannelHistory history, IReadOnlyDictionary<int, string>? channelNames = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(history);
        await writer.WriteAsync(ChannelHeader + "\r\n").ConfigureAwait(false);
        var lines = history.Channels
            .SelectMany(c => c.Buckets.Select(b => (c.ChannelId, Bucket: b)))
            .OrderBy(x => x.Bucket.Start)
            .ThenBy(x => x.ChannelId);
        foreach (var (channel, b) in lines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = channelNames is not null && channelNames.TryGetValue(channel, out var n) ? Escape(n) : "";
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $"{b.Start.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{b.Start.ToUnixTimeSeconds()},{channel},{name},{Whole(b.Bytes)},{Whole(b.Packets)},{Whole(b.Flows)},{b.BitsPerSecond:0.###},{b.PeakBytesPerSecond * 8:0.###},{b.Seconds}\r\n")).ConfigureAwait(false);
        }
    }

    public static Task WriteToplistHeaderAsync(TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        cancellationToken.ThrowIfCancellationRequested();
        return writer.WriteAsync(ToplistHeader + "\r\n");
    }

    /// <summary>The rows of one period (or of a merge), rank 1 first; unused address parts are empty.</summary>
    public static async Task WriteToplistRowsAsync(TextWriter writer, StoredToplist toplist, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(toplist);
        var rank = 0;
        foreach (var r in toplist.Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rank++;
            var k = r.Key;
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $"{toplist.Start.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{toplist.End.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{rank},{Address(k.A)},{Address(k.B)},{k.Port1},{k.Port2},{k.Protocol},{k.Number1},{k.Number2},{r.Bytes},{r.Packets},{r.Flows},{r.ErrorBytes},{Escape(r.HostName ?? "")},{Escape(r.HostNameB ?? "")},{Owner(r.OwnerA)},{Owner(r.OwnerB)}\r\n")).ConfigureAwait(false);
        }
    }

    private static long Whole(double count) => (long)Math.Round(count, MidpointRounding.AwayFromZero);

    private static string Address(FlowAddress address) => address.IsNone ? "" : address.ToString();

    /// <summary>
    /// RFC 4180 quoting, after neutralising formulas (OWASP "CSV injection"): a cell starting with = + - @ tab or CR
    /// is run as a formula by spreadsheets, and host names come from PTR records written by whoever owns the remote
    /// address space, channel names from whoever may edit sensors. A leading apostrophe makes the cell text.
    /// </summary>
    internal static string Escape(string field)
    {
        if (field.Length > 0 && FormulaStarts.Contains(field[0]))
        {
            field = "'" + field;
        }

        return field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private const string FormulaStarts = "=+-@\t\r";

    /// <summary>The AS number, AS name and country code stored with the row (empty when none was recorded or known).</summary>
    private static string Owner(string? stored) => Enrichment.AddressOwner.Parse(stored) is { } o
        ? string.Create(CultureInfo.InvariantCulture, $"{(o.As == 0 ? "" : o.As.ToString(CultureInfo.InvariantCulture))},{Escape(o.AsName ?? "")},{o.Country}")
        : ",,";
}

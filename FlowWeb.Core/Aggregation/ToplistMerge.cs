namespace FlowWeb.Core.Aggregation;

/// <summary>
/// Sums the top rows of one toplist period counted by several shards (receive threads) of a sensor. One part is
/// returned as it is. With several, a key missing from one part's rows may still have counted there, up to that
/// part's smallest listed row (or its error bound when it listed everything it had): the merged rows are then
/// marked approximate, with that much added to the error bound.
/// </summary>
internal static class ToplistMerge
{
    public static ToplistPeriodResult Merge(IReadOnlyList<ToplistPeriodResult> parts, int count)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var first = parts[0];
        var sums = new Dictionary<ToplistKey, (long Bytes, long Packets, long Flows, long Error)>();
        long totalBytes = 0, totalPackets = 0, totalFlows = 0, errorBound = 0;
        var distinct = 0;
        var approximate = false;
        foreach (var part in parts)
        {
            totalBytes += part.TotalBytes;
            totalPackets += part.TotalPackets;
            totalFlows += part.TotalFlows;
            distinct = Math.Max(distinct, part.DistinctKeys);
            approximate |= part.Approximate;
            var truncated = part.Rows.Count < part.DistinctKeys;
            errorBound += !truncated ? part.ErrorBound : part.Rows.Count > 0 ? part.Rows[^1].Bytes : part.TotalBytes;
            approximate |= truncated;
            foreach (var row in part.Rows)
            {
                var s = sums.GetValueOrDefault(row.Key);
                sums[row.Key] = (s.Bytes + row.Bytes, s.Packets + row.Packets, s.Flows + row.Flows, s.Error + row.ErrorBytes);
            }
        }

        var rows = sums.Select(kv => new ToplistRow(kv.Key, kv.Value.Bytes, kv.Value.Packets, kv.Value.Flows, kv.Value.Error))
            .OrderByDescending(r => r.Bytes).ThenBy(r => r.Key.GetHashCode()).Take(count).ToList();
        return new ToplistPeriodResult(first.Start, first.End, rows, totalBytes, totalPackets, totalFlows, approximate, errorBound,
            Math.Max(distinct, sums.Count));
    }
}

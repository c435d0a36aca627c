namespace FlowWeb.Core.Storage.History;

/// <summary>The three history resolutions; <see cref="Auto"/> lets <see cref="HistoryQueryService"/> choose from the range.</summary>
public enum HistoryResolution
{
    Auto,
    Minute,
    Hour,
    Day,
}

/// <summary>Bucket arithmetic shared by the writer, the reader and retention. Buckets are aligned in UTC; a day is a UTC day.</summary>
public static class HistoryBuckets
{
    public const int MinuteSeconds = 60;
    public const int HourSeconds = 3600;
    public const int DaySeconds = 86_400;

    public static int SecondsOf(HistoryResolution resolution) => resolution switch
    {
        HistoryResolution.Minute => MinuteSeconds,
        HistoryResolution.Hour => HourSeconds,
        HistoryResolution.Day => DaySeconds,
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "Choose a resolution first."),
    };

    /// <summary>The start of the bucket holding <paramref name="unixSeconds"/>.</summary>
    public static long AlignDown(long unixSeconds, long bucketSeconds) =>
        unixSeconds - (((unixSeconds % bucketSeconds) + bucketSeconds) % bucketSeconds);

    /// <summary>The first bucket start at or after <paramref name="unixSeconds"/>.</summary>
    public static long AlignUp(long unixSeconds, long bucketSeconds)
    {
        var down = AlignDown(unixSeconds, bucketSeconds);
        return down == unixSeconds ? down : down + bucketSeconds;
    }

    /// <summary>
    /// Where stored data ends at <paramref name="now"/>: minutes reach history once complete, so hour and day rows
    /// hold data up to the newest complete minute; data finer than a minute (the live seconds) up to now.
    /// </summary>
    public static long CoverageEnd(int bucketSeconds, DateTimeOffset now) =>
        AlignDown(now.ToUnixTimeSeconds(), Math.Min(bucketSeconds, MinuteSeconds));

    /// <summary>The seconds a bucket's data covers at <paramref name="now"/>: its width, or, while it fills, its complete minutes so far (at least one).</summary>
    public static int CoveredSeconds(long bucketStart, int bucketSeconds, DateTimeOffset now) =>
        bucketSeconds <= MinuteSeconds ? bucketSeconds
            : (int)Math.Clamp(CoverageEnd(bucketSeconds, now) - bucketStart, MinuteSeconds, bucketSeconds);

    internal static string TableOf(HistoryResolution resolution) => resolution switch
    {
        HistoryResolution.Minute => FlowWebDbContext.ChannelMinutesTable,
        HistoryResolution.Hour => FlowWebDbContext.ChannelHoursTable,
        HistoryResolution.Day => FlowWebDbContext.ChannelDaysTable,
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "Choose a resolution first."),
    };
}

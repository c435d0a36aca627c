using System.ComponentModel;
using System.Text;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowWeb.Api;

/// <summary>
/// Stored history through <see cref="HistoryQueryService"/>: channel history of a sensor or a device (JSON and CSV)
/// and toplist history of a sensor (periods, one period, a merged range, CSV). Ranges default to the last two hours.
/// </summary>
internal static class HistoryEndpoints
{
    private const string Csv = "text/csv";
    private const string FromText = "Start of the range: " + HistoryRangeQuery.TimeDescription + "; default: two hours before to";
    private const string ToText = "End of the range (exclusive): " + HistoryRangeQuery.TimeDescription + "; default: now";
    private const string ResolutionText = "auto (default: minute up to 2 days, hour up to 60 days, else day), minute, hour or day";

    public static RouteGroupBuilder MapHistoryEndpoints(this RouteGroupBuilder api)
    {
        var sensors = api.MapGroup("/sensors/{id:guid}/history").WithTags("History");
        sensors.MapGet("/channels", GetSensorChannelHistory).WithName(nameof(GetSensorChannelHistory))
            .WithSummary("Channel history of a sensor: buckets and average, maximum and 95th percentile per channel").ProducesProblem(StatusCodes.Status404NotFound);
        sensors.MapGet("/channels.csv", GetSensorChannelHistoryCsv).WithName(nameof(GetSensorChannelHistoryCsv))
            .WithSummary("Channel history of a sensor as CSV, one line per bucket and channel").Produces<string>(StatusCodes.Status200OK, Csv)
            .ProducesProblem(StatusCodes.Status404NotFound);
        sensors.MapGet("/toplists/{toplistId:int}/periods", ListToplistPeriods).WithName(nameof(ListToplistPeriods))
            .WithSummary("Stored periods of a toplist that overlap the range, oldest first").ProducesProblem(StatusCodes.Status404NotFound);
        sensors.MapGet("/toplists/{toplistId:int}/periods/{periodId:long}", GetToplistPeriod).WithName(nameof(GetToplistPeriod))
            .WithSummary("One stored toplist period with its rows").ProducesProblem(StatusCodes.Status404NotFound);
        sensors.MapGet("/toplists/{toplistId:int}/merged", GetMergedToplist).WithName(nameof(GetMergedToplist))
            .WithSummary("The stored periods overlapping the range merged: rows summed by key, largest first").ProducesProblem(StatusCodes.Status404NotFound);
        sensors.MapGet("/toplists/{toplistId:int}/periods.csv", GetToplistPeriodsCsv).WithName(nameof(GetToplistPeriodsCsv))
            .WithSummary("Every stored period of a toplist overlapping the range as CSV, one line per row and period").Produces<string>(StatusCodes.Status200OK, Csv)
            .ProducesProblem(StatusCodes.Status404NotFound);
        sensors.MapGet("/toplists/{toplistId:int}/merged.csv", GetMergedToplistCsv).WithName(nameof(GetMergedToplistCsv))
            .WithSummary("The merged toplist of the range as CSV").Produces<string>(StatusCodes.Status200OK, Csv).ProducesProblem(StatusCodes.Status404NotFound);

        var devices = api.MapGroup("/devices/{id:guid}/history").WithTags("History");
        devices.MapGet("/channels", GetDeviceChannelHistory).WithName(nameof(GetDeviceChannelHistory))
            .WithSummary("Channel history of a device: its sensors summed by channel").ProducesProblem(StatusCodes.Status404NotFound);
        devices.MapGet("/channels.csv", GetDeviceChannelHistoryCsv).WithName(nameof(GetDeviceChannelHistoryCsv))
            .WithSummary("Channel history of a device as CSV").Produces<string>(StatusCodes.Status200OK, Csv).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<Results<Ok<ChannelHistoryResponse>, ValidationProblem, ProblemHttpResult>> GetSensorChannelHistory(
        Guid id, [Description(FromText)] string? from, [Description(ToText)] string? to, [Description(ResolutionText)] string? resolution,
        SensorService sensors, HistoryQueryService history, TimeProvider time, CancellationToken cancellationToken)
    {
        if (HistoryRangeQuery.Parse(from, to, resolution, time.GetUtcNow(), history, out var errors) is not { } range)
        {
            return ApiProblems.Validation(errors);
        }

        return await sensors.GetSensorAsync(id, cancellationToken) is { } sensor
            ? TypedResults.Ok(await ChannelsAsync([sensor], range, history, cancellationToken))
            : ApiProblems.NoSensor(id);
    }

    public static async Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> GetSensorChannelHistoryCsv(
        Guid id, [Description(FromText)] string? from, [Description(ToText)] string? to, [Description(ResolutionText)] string? resolution,
        SensorService sensors, HistoryQueryService history, TimeProvider time, CancellationToken cancellationToken)
    {
        if (HistoryRangeQuery.Parse(from, to, resolution, time.GetUtcNow(), history, out var errors) is not { } range)
        {
            return ApiProblems.Validation(errors);
        }

        return await sensors.GetSensorAsync(id, cancellationToken) is { } sensor
            ? await ChannelsCsvAsync([sensor], sensor.Name, range, history, cancellationToken)
            : ApiProblems.NoSensor(id);
    }

    public static async Task<Results<Ok<ChannelHistoryResponse>, ValidationProblem, ProblemHttpResult>> GetDeviceChannelHistory(
        Guid id, [Description(FromText)] string? from, [Description(ToText)] string? to, [Description(ResolutionText)] string? resolution,
        SensorService sensors, HistoryQueryService history, TimeProvider time, CancellationToken cancellationToken)
    {
        if (HistoryRangeQuery.Parse(from, to, resolution, time.GetUtcNow(), history, out var errors) is not { } range)
        {
            return ApiProblems.Validation(errors);
        }

        return await DeviceSensorsAsync(id, sensors, cancellationToken) is var (_, members)
            ? TypedResults.Ok(await ChannelsAsync(members, range, history, cancellationToken))
            : ApiProblems.NoDevice(id);
    }

    public static async Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> GetDeviceChannelHistoryCsv(
        Guid id, [Description(FromText)] string? from, [Description(ToText)] string? to, [Description(ResolutionText)] string? resolution,
        SensorService sensors, HistoryQueryService history, TimeProvider time, CancellationToken cancellationToken)
    {
        if (HistoryRangeQuery.Parse(from, to, resolution, time.GetUtcNow(), history, out var errors) is not { } range)
        {
            return ApiProblems.Validation(errors);
        }

        return await DeviceSensorsAsync(id, sensors, cancellationToken) is var (device, members)
            ? await ChannelsCsvAsync(members, device.Name, range, history, cancellationToken)
            : ApiProblems.NoDevice(id);
    }

    public static async Task<Results<Ok<ToplistPeriodResponse[]>, ValidationProblem, ProblemHttpResult>> ListToplistPeriods(
        Guid id, int toplistId, [Description(FromText)] string? from, [Description(ToText)] string? to,
        SensorService sensors, HistoryQueryService history, TimeProvider time, CancellationToken cancellationToken)
    {
        if (HistoryRangeQuery.Parse(from, to, null, time.GetUtcNow(), history, out var errors) is not { } range)
        {
            return ApiProblems.Validation(errors);
        }

        if (await ToplistAsync(id, toplistId, sensors, cancellationToken) is { Problem: { } problem })
        {
            return problem;
        }

        var periods = await history.GetToplistPeriodsAsync(id, toplistId, range.From, range.To, cancellationToken);
        return TypedResults.Ok(periods.Select(ToplistPeriodResponse.From).ToArray());
    }

    public static async Task<Results<Ok<StoredToplistResponse>, ValidationProblem, ProblemHttpResult>> GetToplistPeriod(
        Guid id, int toplistId, long periodId, [Description("Rows to return, 1 to 10,000 (default: all stored)")] int? count,
        SensorService sensors, HistoryQueryService history, IpEnrichment enrichment, CancellationToken cancellationToken)
    {
        if (count is < 1 or > 10_000)
        {
            return ApiProblems.Validation(nameof(count), "must be 1 to 10,000");
        }

        var (sensor, toplist, problem) = await ToplistAsync(id, toplistId, sensors, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (await history.FindToplistPeriodAsync(id, toplistId, periodId, cancellationToken) is null
            || await history.GetToplistPeriodAsync(periodId, cancellationToken) is not { } period)
        {
            return ApiProblems.NotFound($"Toplist {toplist!.Name} of sensor {sensor!.Name} has no stored period with id {periodId}.");
        }

        return TypedResults.Ok(StoredToplistResponse.From(id, toplist!, period, count ?? int.MaxValue, enrichment));
    }

    public static async Task<Results<Ok<StoredToplistResponse>, ValidationProblem, ProblemHttpResult>> GetMergedToplist(
        Guid id, int toplistId, [Description(FromText)] string? from, [Description(ToText)] string? to,
        [Description("Rows to return, 1 to 10,000 (default: the toplist's top count)")] int? count,
        SensorService sensors, HistoryQueryService history, TimeProvider time, IpEnrichment enrichment, CancellationToken cancellationToken)
    {
        var (range, errors) = (HistoryRangeQuery.Parse(from, to, null, time.GetUtcNow(), history, out var e), e);
        if (count is < 1 or > 10_000)
        {
            errors.Add(new ValidationError(nameof(count), "must be 1 to 10,000"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var (_, toplist, problem) = await ToplistAsync(id, toplistId, sensors, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var rows = count ?? toplist!.Count;
        var merged = await history.MergeToplistPeriodsAsync(id, toplistId, range!.From, range.To, rows, cancellationToken);
        return TypedResults.Ok(StoredToplistResponse.From(id, toplist!, merged, rows, enrichment));
    }

    public static async Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> GetToplistPeriodsCsv(
        Guid id, int toplistId, [Description(FromText)] string? from, [Description(ToText)] string? to,
        SensorService sensors, HistoryQueryService history, TimeProvider time, CancellationToken cancellationToken)
    {
        if (HistoryRangeQuery.Parse(from, to, null, time.GetUtcNow(), history, out var errors) is not { } range)
        {
            return ApiProblems.Validation(errors);
        }

        var (sensor, toplist, problem) = await ToplistAsync(id, toplistId, sensors, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return CsvStream(FileName(sensor!.Name, toplist!.Name, range), writer => history.ExportToplistCsvAsync(writer, id, toplistId, range.From, range.To, cancellationToken));
    }

    public static async Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> GetMergedToplistCsv(
        Guid id, int toplistId, [Description(FromText)] string? from, [Description(ToText)] string? to,
        SensorService sensors, HistoryQueryService history, TimeProvider time, CancellationToken cancellationToken)
    {
        if (HistoryRangeQuery.Parse(from, to, null, time.GetUtcNow(), history, out var errors) is not { } range)
        {
            return ApiProblems.Validation(errors);
        }

        var (sensor, toplist, problem) = await ToplistAsync(id, toplistId, sensors, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var merged = await history.MergeToplistPeriodsAsync(id, toplistId, range.From, range.To, toplist!.Count, cancellationToken);
        return CsvStream(FileName(sensor!.Name, toplist.Name + "-merged", range), async writer =>
        {
            await HistoryCsv.WriteToplistHeaderAsync(writer, cancellationToken);
            await HistoryCsv.WriteToplistRowsAsync(writer, merged, cancellationToken);
        });
    }

    private static async Task<ChannelHistoryResponse> ChannelsAsync(IReadOnlyList<SensorDefinition> sensors, HistoryRangeQuery range, HistoryQueryService history, CancellationToken cancellationToken)
    {
        var ids = sensors.Select(s => s.Id).ToArray();
        var result = await history.GetChannelHistoryAsync(ids, range.From, range.To, range.Resolution, null, cancellationToken);
        var names = ChannelNames(sensors);
        var seconds = result.BucketSeconds;
        return new ChannelHistoryResponse(ids, range.From, range.To, result.Resolution, seconds, [.. result.Channels.Select(c => new ChannelHistoryChannelResponse(
            c.ChannelId, names.GetValueOrDefault(c.ChannelId, $"Channel {c.ChannelId}"), c.Summary.AverageBitsPerSecond, c.Summary.MaximumBitsPerSecond,
            c.Summary.Percentile95BitsPerSecond, c.Summary.PeakBitsPerSecond, c.Summary.TotalBytes, c.Summary.Samples, c.Summary.SampleSeconds,
            [.. c.Buckets.Select(b => new HistoryBucketResponse(b.Start, b.Bytes, b.Packets, b.Flows, b.BitsPerSecond, b.PeakBytesPerSecond * 8)
            {
                Seconds = b.Seconds,
                Complete = b.Seconds == seconds,
            })])
        {
            CoveredFrom = c.Summary.CoveredFrom,
            CoveredTo = c.Summary.CoveredTo,
            MaximumAt = c.Summary.MaximumAt,
            SamplesFrom = c.Summary.SamplesFrom,
            SamplesTo = c.Summary.SamplesTo,
            PeakIsUpperBound = c.Summary.PeakIsUpperBound,
        })]);
    }

    private static async Task<PushStreamHttpResult> ChannelsCsvAsync(IReadOnlyList<SensorDefinition> sensors, string name, HistoryRangeQuery range, HistoryQueryService history, CancellationToken cancellationToken)
    {
        // Read before the response starts, so that a failing query is an error status rather than a cut-off file.
        var result = await history.GetChannelHistoryAsync([.. sensors.Select(s => s.Id)], range.From, range.To, range.Resolution, null, cancellationToken);
        var names = ChannelNames(sensors);
        return CsvStream(FileName(name, "channels", range), writer => HistoryCsv.WriteChannelHistoryAsync(writer, result, names, cancellationToken));
    }

    private static PushStreamHttpResult CsvStream(string fileName, Func<TextWriter, Task> write) =>
        TypedResults.Stream(async stream =>
        {
            var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            await using (writer)
            {
                await write(writer);
            }
        }, Csv + "; charset=utf-8", fileName);

    /// <summary>Channel names by id over the sensors (the first sensor's name wins when two differ).</summary>
    private static Dictionary<int, string> ChannelNames(IEnumerable<SensorDefinition> sensors) =>
        sensors.SelectMany(s => SensorAggregator.BuildChannels(s).Channels).DistinctBy(c => c.Id).ToDictionary(c => c.Id, c => c.Name);

    private static async Task<(DeviceDefinition Device, IReadOnlyList<SensorDefinition> Sensors)?> DeviceSensorsAsync(Guid id, SensorService sensors, CancellationToken cancellationToken)
    {
        if ((await sensors.ListDevicesAsync(cancellationToken)).FirstOrDefault(d => d.Id == id) is not { } device)
        {
            return null;
        }

        return (device, [.. (await sensors.ListSensorsAsync(cancellationToken)).Where(s => s.DeviceId == id)]);
    }

    private static async Task<(SensorDefinition? Sensor, ToplistDefinition? Toplist, ProblemHttpResult? Problem)> ToplistAsync(
        Guid id, int toplistId, SensorService sensors, CancellationToken cancellationToken)
    {
        if (await sensors.GetSensorAsync(id, cancellationToken) is not { } sensor)
        {
            return (null, null, ApiProblems.NoSensor(id));
        }

        return sensor.Toplists.FirstOrDefault(t => t.Id == toplistId) is { } toplist
            ? (sensor, toplist, null)
            : (sensor, null, ApiProblems.NotFound($"Sensor {sensor.Name} has no toplist with id {toplistId}."));
    }

    /// <summary>e.g. <c>office-uplink-channels-20250301-1000-20250301-1200.csv</c>.</summary>
    private static string FileName(string name, string what, HistoryRangeQuery range)
    {
        var safe = new string([.. $"{name}-{what}".ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        return $"{safe}-{range.From.UtcDateTime:yyyyMMdd-HHmm}-{range.To.UtcDateTime:yyyyMMdd-HHmm}.csv";
    }
}

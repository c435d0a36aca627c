using System.ComponentModel;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowWeb.Api;

/// <summary>What sensors count, from memory (<see cref="SensorLiveState"/>): current channel values, per-second series and toplists.</summary>
internal static class SensorLiveEndpoints
{
    public const int DefaultSeriesSeconds = 60;

    /// <summary>Longest series asked for; the live window (<c>Aggregation:LiveWindowSeconds</c>) may keep less, and then the series is shorter.</summary>
    public const int MaxSeriesSeconds = 86_400;

    public static RouteGroupBuilder MapSensorLiveEndpoints(this RouteGroupBuilder api)
    {
        var sensors = api.MapGroup("/sensors/{id:guid}").WithTags("Live data");
        sensors.MapGet("/live", GetLive).WithName(nameof(GetLive))
            .WithSummary("The sensor's state and every channel's current value (bit/s, packets/s, flows/s)").ProducesProblem(StatusCodes.Status404NotFound);
        sensors.MapGet("/series", GetSeries).WithName(nameof(GetSeries))
            .WithSummary("Per-second values of every channel for the last N seconds")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        sensors.MapGet("/toplists", ListToplists).WithName(nameof(ListToplists))
            .WithSummary("The sensor's toplists with the start of their running and completed periods")
            .ProducesProblem(StatusCodes.Status404NotFound);
        sensors.MapGet("/toplists/{toplistId:int}", GetToplist).WithName(nameof(GetToplist))
            .WithSummary("A toplist's running period, or the completed period starting at periodStart")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    public static async Task<Results<Ok<SensorLiveResponse>, ProblemHttpResult>> GetLive(Guid id, SensorLiveState live, CancellationToken cancellationToken) =>
        await live.SnapshotAsync(id, cancellationToken) is { } snapshot ? TypedResults.Ok(SensorLiveResponse.From(snapshot)) : ApiProblems.NoSensor(id);

    public static async Task<Results<Ok<SensorSeriesResponse>, ValidationProblem, ProblemHttpResult>> GetSeries(
        Guid id, [Description("Seconds to return, the current one last (default 60)")] int? seconds, SensorLiveState live, CancellationToken cancellationToken)
    {
        var span = seconds ?? DefaultSeriesSeconds;
        if (span is < 1 or > MaxSeriesSeconds)
        {
            return ApiProblems.Validation(nameof(seconds), $"must be 1 to {MaxSeriesSeconds}");
        }

        if (await live.SnapshotAsync(id, cancellationToken) is not { } defined)
        {
            return ApiProblems.NoSensor(id);
        }

        if (await live.SeriesAsync(id, span, cancellationToken) is not { } series)
        {
            return NotRunning(defined.Definition);
        }

        // Read again: the series may have waited for the sensor's first frame, which the first snapshot predates.
        var snapshot = await live.SnapshotAsync(id, cancellationToken) ?? defined;

        // The names come from the snapshot; both list the channels of the running sensor in the same order.
        var channels = snapshot.Channels.Take(series.BytesPerSecond.Length).Select((c, i) => new ChannelSeriesResponse(
            c.ChannelId, c.Name, c.Unit, [.. series.BytesPerSecond[i].Select(b => b * 8)], series.PacketsPerSecond[i], series.FlowsPerSecond[i]));
        return TypedResults.Ok(new SensorSeriesResponse(id, series.FirstSecond, series.BytesPerSecond.FirstOrDefault()?.Length ?? 0, [.. channels]));
    }

    public static async Task<Results<Ok<ToplistSummaryResponse[]>, ProblemHttpResult>> ListToplists(
        Guid id, SensorService sensors, SensorLiveState live, CancellationToken cancellationToken)
    {
        if (await sensors.GetSensorAsync(id, cancellationToken) is not { } sensor)
        {
            return ApiProblems.NoSensor(id);
        }

        var summaries = new List<ToplistSummaryResponse>(sensor.Toplists.Count);
        foreach (var t in sensor.Toplists)
        {
            var periods = await live.ToplistPeriodsAsync(id, t.Id, cancellationToken);
            summaries.Add(new ToplistSummaryResponse(t.Id, t.Name, t.Type, t.Fields, t.PeriodMinutes, t.Count, periods?.Running.Start,
                periods?.Completed.Select(c => c.Start).ToArray() ?? []));
        }

        return TypedResults.Ok(summaries.ToArray());
    }

    public static async Task<Results<Ok<ToplistResponse>, ValidationProblem, ProblemHttpResult>> GetToplist(
        Guid id,
        int toplistId,
        [Description("Start of a completed period, as listed by the toplists endpoint (e.g. 2025-03-01T10:00:00Z); omitted = the running period")] DateTimeOffset? periodStart,
        [Description("Rows to return, 1 to 10,000 (default: the toplist's top count)")] int? count,
        SensorService sensors,
        SensorLiveState live,
        ReverseDnsResolver resolver,
        IpEnrichment enrichment,
        CancellationToken cancellationToken)
    {
        if (count is < 1 or > 10_000)
        {
            return ApiProblems.Validation(nameof(count), "must be 1 to 10,000");
        }

        if (await sensors.GetSensorAsync(id, cancellationToken) is not { } sensor)
        {
            return ApiProblems.NoSensor(id);
        }

        if (sensor.Toplists.FirstOrDefault(t => t.Id == toplistId) is not { } toplist)
        {
            return ApiProblems.NotFound($"Sensor {sensor.Name} has no toplist with id {toplistId}.");
        }

        var rows = count ?? toplist.Count;
        if (await live.ToplistAsync(id, toplistId, rows, cancellationToken) is not var (running, completed))
        {
            return NotRunning(sensor);
        }

        if (periodStart is null || periodStart == running.Start)
        {
            return TypedResults.Ok(ToplistRows.Response(id, toplist, running, running: true, rows, resolver, enrichment));
        }

        return completed.FirstOrDefault(c => c.Start == periodStart) is { } period
            ? TypedResults.Ok(ToplistRows.Response(id, toplist, period, running: false, rows, resolver, enrichment))
            : ApiProblems.NotFound($"Toplist {toplist.Name} has no period starting at {periodStart:O} in memory; the running one started at {running.Start:O}.");
    }

    private static ProblemHttpResult NotRunning(SensorDefinition sensor) =>
        ApiProblems.Conflict(sensor.Paused
            ? $"Sensor {sensor.Name} is paused: it counts nothing until it is resumed."
            : $"Sensor {sensor.Name} is not running yet.");
}

using FlowWeb.Core.Alerts;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowWeb.Api;

/// <summary>Active alarms (list, acknowledge) and the event log (filtered, newest first).</summary>
internal static class AlertEndpoints
{
    public static RouteGroupBuilder MapAlertEndpoints(this RouteGroupBuilder api)
    {
        var alarms = api.MapGroup("/alarms").WithTags("Alerts");
        alarms.MapGet("/", ListAlarms).WithName(nameof(ListAlarms)).WithSummary("Active alarms: unacknowledged first, then by severity and start");
        alarms.MapPost("/acknowledge", AcknowledgeAlarm).WithName(nameof(AcknowledgeAlarm))
            .WithSummary("Acknowledges an active alarm with a comment; its notifications stop repeating").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/events", ListEvents).WithTags("Alerts").WithName(nameof(ListEvents))
            .WithSummary("The event log, newest first: filter by sensorId, deviceId, severity (this and worse), kind, from/to; page with before (an event id)");
        return api;
    }

    public static Ok<Alarm[]> ListAlarms(AlertCenter alerts) => TypedResults.Ok(alerts.ActiveAlarms().ToArray());

    public static async Task<Results<Ok<Alarm>, ValidationProblem, ProblemHttpResult>> AcknowledgeAlarm(AcknowledgeRequest request, AlertCenter alerts, FlowWeb.Core.Sensors.IChangeAudit audit)
    {
        if (string.IsNullOrWhiteSpace(request?.Key))
        {
            return ApiProblems.Validation("Key", "the key of an active alarm is required");
        }

        if ((request.Comment?.Length ?? 0) > 1000)
        {
            return ApiProblems.Validation("Comment", "at most 1000 characters");
        }

        return await alerts.AcknowledgeAsync(request.Key, request.By ?? "api", request.Comment ?? "", audit) is { } alarm
            ? TypedResults.Ok(alarm)
            : ApiProblems.NotFound($"There is no active alarm with key '{request.Key}'.");
    }

    public static async Task<Results<Ok<AlertEvent[]>, ValidationProblem>> ListEvents(
        AlertStore store, Guid? sensorId, Guid? deviceId, string? severity, string? kind, string? from, string? to, long? before, int? count,
        CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        AlertSeverity? minSeverity = null;
        if (!string.IsNullOrEmpty(severity))
        {
            if (Enum.TryParse<AlertSeverity>(severity, ignoreCase: true, out var s) && Enum.IsDefined(s))
            {
                minSeverity = s;
            }
            else
            {
                errors.Add(new ValidationError(nameof(severity), $"'{severity}' is not one of {string.Join(", ", Enum.GetNames<AlertSeverity>())}"));
            }
        }

        AlertKind? kindFilter = null;
        if (!string.IsNullOrEmpty(kind))
        {
            if (Enum.TryParse<AlertKind>(kind, ignoreCase: true, out var k) && Enum.IsDefined(k))
            {
                kindFilter = k;
            }
            else
            {
                errors.Add(new ValidationError(nameof(kind), $"'{kind}' is not one of {string.Join(", ", Enum.GetNames<AlertKind>())}"));
            }
        }

        var start = HistoryRangeQuery.ParseTime(from, nameof(from), errors);
        var end = HistoryRangeQuery.ParseTime(to, nameof(to), errors);
        if (count is < 1 or > AlertQuery.MaxCount)
        {
            errors.Add(new ValidationError(nameof(count), $"must be 1 to {AlertQuery.MaxCount}"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var events = await store.QueryAsync(new AlertQuery
        {
            SensorId = sensorId,
            DeviceId = deviceId,
            MinSeverity = minSeverity,
            Kind = kindFilter,
            From = start,
            To = end,
            BeforeId = before,
            Count = count ?? 100,
        }, cancellationToken);
        return TypedResults.Ok(events.ToArray());
    }
}

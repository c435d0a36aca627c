using System.ComponentModel;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowWeb.Api;

/// <summary>Detected attacks: ongoing ones as of the last second, ended ones from the database.</summary>
internal static class AttackEndpoints
{
    public static RouteGroupBuilder MapAttackEndpoints(this RouteGroupBuilder api)
    {
        var attacks = api.MapGroup("/attacks").WithTags("Attacks");
        attacks.MapGet("/", ListAttacks).WithName(nameof(ListAttacks))
            .WithSummary("Attacks, newest first, without their graph and sample records");
        attacks.MapGet("/{id:long}", GetAttack).WithName(nameof(GetAttack))
            .WithSummary("One attack with its graph, sample records, actions and the RouterOS commands").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<Results<Ok<AttackResponse[]>, ValidationProblem>> ListAttacks(
        [Description("true: only ongoing attacks; false: only ended ones; empty: both")] bool? active,
        [Description("Attacks on at some time at or after this: " + HistoryRangeQuery.TimeDescription)] string? from,
        [Description("Attacks that started before this: " + HistoryRangeQuery.TimeDescription)] string? to,
        [Description("Only this sensor's attacks")] Guid? sensorId,
        [Description("incoming or outgoing")] string? direction,
        [Description("An attack type, e.g. syn-flood, ntp-amplification, carpet-bombing (matches the type or, for carpet bombing, its vector)")] string? type,
        [Description("The victim starts with this text (an address, or the start of one)")] string? victim,
        [Description("At most this many (1 to 1000, default 100)")] int? count,
        [Description("Only attacks with a smaller id: the next page")] long? beforeId,
        AttackQueryService attacks, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        var start = HistoryRangeQuery.ParseTime(from, nameof(from), errors);
        var end = HistoryRangeQuery.ParseTime(to, nameof(to), errors);
        AttackDirection? parsedDirection = null;
        if (!string.IsNullOrWhiteSpace(direction))
        {
            if (Enum.TryParse<AttackDirection>(direction.Trim(), ignoreCase: true, out var d) && Enum.IsDefined(d) && !char.IsDigit(direction.Trim()[0]))
            {
                parsedDirection = d;
            }
            else
            {
                errors.Add(new ValidationError(nameof(direction), $"\"{direction.Trim()}\" is not a direction: use incoming or outgoing"));
            }
        }

        AttackType? parsedType = null;
        if (!string.IsNullOrWhiteSpace(type))
        {
            if (AttackTypeNames.TryParse(type.Trim(), out var t))
            {
                parsedType = t;
            }
            else
            {
                errors.Add(new ValidationError(nameof(type), $"\"{type.Trim()}\" is not an attack type: use one of {string.Join(", ", Enum.GetValues<AttackType>().Select(x => x.Code()))}"));
            }
        }

        if (count is < 1 or > AttackQuery.MaxCount)
        {
            errors.Add(new ValidationError(nameof(count), $"must be 1 to {AttackQuery.MaxCount}"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var list = await attacks.ListAsync(new AttackQuery
        {
            Active = active,
            From = start,
            To = end,
            SensorId = sensorId,
            Direction = parsedDirection,
            Type = parsedType,
            Victim = victim,
            Count = count ?? 100,
            BeforeId = beforeId,
        }, cancellationToken);
        return TypedResults.Ok(list.Select(AttackResponse.From).ToArray());
    }

    public static async Task<Results<Ok<AttackResponse>, ProblemHttpResult>> GetAttack(long id, AttackQueryService attacks, CancellationToken cancellationToken) =>
        await attacks.GetAsync(id, cancellationToken) is { } attack
            ? TypedResults.Ok(AttackResponse.From(attack))
            : ApiProblems.NotFound($"There is no attack with id {id}.");
}

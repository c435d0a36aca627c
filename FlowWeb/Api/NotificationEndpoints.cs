using FlowWeb.Core.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowWeb.Api;

/// <summary>Notification channels (with "send test" and their delivery outcomes) and rules, through <see cref="NotificationService"/>.</summary>
internal static class NotificationEndpoints
{
    public static RouteGroupBuilder MapNotificationEndpoints(this RouteGroupBuilder api)
    {
        var channels = api.MapGroup("/notifications/channels").WithTags("Notifications");
        channels.MapGet("/", ListChannels).WithName(nameof(ListChannels)).WithSummary("Every channel; secrets are never returned, only whether one is set");
        channels.MapGet("/{id:guid}", GetChannel).WithName(nameof(GetChannel)).WithSummary("One channel").ProducesProblem(StatusCodes.Status404NotFound);
        channels.MapPost("/", CreateChannel).WithName(nameof(CreateChannel)).WithSummary("Creates an email, webhook or script channel");
        channels.MapPut("/{id:guid}", UpdateChannel).WithName(nameof(UpdateChannel))
            .WithSummary("Replaces a channel; an omitted secret keeps the stored one").ProducesProblem(StatusCodes.Status404NotFound);
        channels.MapDelete("/{id:guid}", DeleteChannel).WithName(nameof(DeleteChannel))
            .WithSummary("Deletes a channel and takes it out of the rules").ProducesProblem(StatusCodes.Status404NotFound);
        channels.MapPost("/{id:guid}/test", TestChannel).WithName(nameof(TestChannel))
            .WithSummary("Sends a test message now (with the usual retries) and answers with the outcome").ProducesProblem(StatusCodes.Status404NotFound);
        channels.MapGet("/{id:guid}/deliveries", ChannelDeliveries).WithName(nameof(ChannelDeliveries))
            .WithSummary("The channel's latest delivery outcomes, newest first").ProducesProblem(StatusCodes.Status404NotFound);

        var rules = api.MapGroup("/notifications/rules").WithTags("Notifications");
        rules.MapGet("/", ListRules).WithName(nameof(ListRules)).WithSummary("Every rule");
        rules.MapGet("/{id:guid}", GetRule).WithName(nameof(GetRule)).WithSummary("One rule").ProducesProblem(StatusCodes.Status404NotFound);
        rules.MapPost("/", CreateRule).WithName(nameof(CreateRule)).WithSummary("Creates a rule");
        rules.MapPut("/{id:guid}", UpdateRule).WithName(nameof(UpdateRule)).WithSummary("Replaces a rule").ProducesProblem(StatusCodes.Status404NotFound);
        rules.MapDelete("/{id:guid}", DeleteRule).WithName(nameof(DeleteRule)).WithSummary("Deletes a rule").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static Ok<ChannelResponse[]> ListChannels(NotificationService service) =>
        TypedResults.Ok(service.Channels.Select(c => ChannelResponse.From(c, service)).ToArray());

    public static Results<Ok<ChannelResponse>, ProblemHttpResult> GetChannel(Guid id, NotificationService service) =>
        service.Channel(id) is { } c ? TypedResults.Ok(ChannelResponse.From(c, service)) : NoChannel(id);

    public static async Task<Results<Created<ChannelResponse>, ValidationProblem>> CreateChannel(ChannelRequest request, NotificationService service,
        CancellationToken cancellationToken)
    {
        var channel = request.ToDefinition(Guid.NewGuid());
        var result = await service.SaveChannelAsync(channel, request.Secret, request.ClearSecret, cancellationToken);
        return result.Saved
            ? TypedResults.Created($"/api/notifications/channels/{channel.Id}", ChannelResponse.From(service.Channel(channel.Id)!, service))
            : ApiProblems.Validation(result.Errors);
    }

    public static async Task<Results<Ok<ChannelResponse>, ValidationProblem, ProblemHttpResult>> UpdateChannel(Guid id, ChannelRequest request,
        NotificationService service, CancellationToken cancellationToken)
    {
        if (service.Channel(id) is null)
        {
            return NoChannel(id);
        }

        var result = await service.SaveChannelAsync(request.ToDefinition(id), request.Secret, request.ClearSecret, cancellationToken);
        return result.Saved ? TypedResults.Ok(ChannelResponse.From(service.Channel(id)!, service)) : ApiProblems.Validation(result.Errors);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteChannel(Guid id, NotificationService service, CancellationToken cancellationToken) =>
        await service.DeleteChannelAsync(id, cancellationToken) ? TypedResults.NoContent() : NoChannel(id);

    public static async Task<Results<Ok<TestResponse>, ProblemHttpResult>> TestChannel(Guid id, NotificationService service, CancellationToken cancellationToken) =>
        await service.SendTestAsync(id, cancellationToken) is { } r ? TypedResults.Ok(new TestResponse(r.Outcome, r.Attempts, r.Error)) : NoChannel(id);

    public static async Task<Results<Ok<DeliveryRecord[]>, ProblemHttpResult>> ChannelDeliveries(Guid id, NotificationService service, int? count,
        CancellationToken cancellationToken) =>
        service.Channel(id) is null
            ? NoChannel(id)
            : TypedResults.Ok((await service.DeliveriesAsync(id, Math.Clamp(count ?? 50, 1, 1000), cancellationToken)).ToArray());

    public static Ok<NotificationRuleDefinition[]> ListRules(NotificationService service) => TypedResults.Ok(service.Rules.ToArray());

    public static Results<Ok<NotificationRuleDefinition>, ProblemHttpResult> GetRule(Guid id, NotificationService service) =>
        service.Rule(id) is { } r ? TypedResults.Ok(r) : NoRule(id);

    public static async Task<Results<Created<NotificationRuleDefinition>, ValidationProblem>> CreateRule(RuleRequest request, NotificationService service,
        CancellationToken cancellationToken)
    {
        var rule = request.ToDefinition(Guid.NewGuid());
        var result = await service.SaveRuleAsync(rule, cancellationToken);
        return result.Saved ? TypedResults.Created($"/api/notifications/rules/{rule.Id}", service.Rule(rule.Id)!) : ApiProblems.Validation(result.Errors);
    }

    public static async Task<Results<Ok<NotificationRuleDefinition>, ValidationProblem, ProblemHttpResult>> UpdateRule(Guid id, RuleRequest request,
        NotificationService service, CancellationToken cancellationToken)
    {
        if (service.Rule(id) is null)
        {
            return NoRule(id);
        }

        var result = await service.SaveRuleAsync(request.ToDefinition(id), cancellationToken);
        return result.Saved ? TypedResults.Ok(service.Rule(id)!) : ApiProblems.Validation(result.Errors);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteRule(Guid id, NotificationService service, CancellationToken cancellationToken) =>
        await service.DeleteRuleAsync(id, cancellationToken) ? TypedResults.NoContent() : NoRule(id);

    private static ProblemHttpResult NoChannel(Guid id) => ApiProblems.NotFound($"There is no notification channel with id {id}.");

    private static ProblemHttpResult NoRule(Guid id) => ApiProblems.NotFound($"There is no notification rule with id {id}.");
}

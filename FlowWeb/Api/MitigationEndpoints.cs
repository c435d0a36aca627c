using FlowWeb.Core.Detection;
using FlowWeb.Core.Mitigation;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowWeb.Api;

/// <summary>A device's RouterOS REST settings as the API shows them: everything but the password, which is write-only.</summary>
internal sealed record MitigationSettingsResponse(
    bool Automatic, string Url, string Username, bool HasPassword, MitigationAction Action, string ListName, int BanMinutes,
    IReadOnlyList<string> Whitelist, string CertificateThumbprint)
{
    public static MitigationSettingsResponse From(DeviceMitigationSettings s) =>
        new(s.Automatic, s.Url, s.Username, s.HasPassword, s.Action, s.ListName, s.BanMinutes, s.Whitelist, s.CertificateThumbprint);
}

/// <summary>New RouterOS REST settings for a device. <c>password</c>: omitted or null keeps the stored one, "" removes it.</summary>
internal sealed record MitigationSettingsRequest(
    bool Automatic, string? Url, string? Username, string? Password, MitigationAction Action = MitigationAction.AddressList, string? ListName = null,
    int BanMinutes = 60, IReadOnlyList<string>? Whitelist = null, string? CertificateThumbprint = null);

/// <summary>Mitigation: a device's RouterOS REST settings, and bans of an attack made or removed by hand.</summary>
internal static class MitigationEndpoints
{
    public static RouteGroupBuilder MapMitigationEndpoints(this RouteGroupBuilder api)
    {
        var devices = api.MapGroup("/devices/{id:guid}/mitigation").WithTags("Mitigation");
        devices.MapGet("/", GetMitigationSettings).WithName(nameof(GetMitigationSettings))
            .WithSummary("A device's RouterOS REST settings (the password is never returned)").ProducesProblem(StatusCodes.Status404NotFound);
        // A router's credentials: administrators only, as the device's Mitigation page.
        devices.MapPut("/", PutMitigationSettings).WithName(nameof(PutMitigationSettings))
            .WithSummary("Replaces a device's RouterOS REST settings (administrators); the password is stored encrypted").ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Accounts.AccountRoles.AdminPolicy);

        var bans = api.MapGroup("/attacks/{id:long}/bans").WithTags("Mitigation");
        bans.MapPost("/", BanAttack).WithName(nameof(BanAttack))
            .WithSummary("Bans the attack's target on a device through its REST API, without a timeout (a manual ban stays until removed)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        bans.MapDelete("/", RemoveAttackBans).WithName(nameof(RemoveAttackBans))
            .WithSummary("Removes the attack's bans on a device (manual or automatic)").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<Results<Ok<MitigationSettingsResponse>, ProblemHttpResult>> GetMitigationSettings(
        Guid id, SensorService sensors, MitigationSettingsStore settings, CancellationToken cancellationToken)
    {
        if ((await sensors.ListDevicesAsync(cancellationToken)).All(d => d.Id != id))
        {
            return ApiProblems.NoDevice(id);
        }

        return TypedResults.Ok(MitigationSettingsResponse.From(await settings.GetAsync(id, cancellationToken)));
    }

    public static async Task<Results<Ok<MitigationSettingsResponse>, ValidationProblem, ProblemHttpResult>> PutMitigationSettings(
        Guid id, MitigationSettingsRequest request, SensorService sensors, MitigationSettingsStore settings, FlowWeb.Core.Sensors.IChangeAudit audit,
        CancellationToken cancellationToken)
    {
        if ((await sensors.ListDevicesAsync(cancellationToken)).FirstOrDefault(d => d.Id == id) is not { } device)
        {
            return ApiProblems.NoDevice(id);
        }

        var candidate = new DeviceMitigationSettings
        {
            DeviceId = id,
            Automatic = request.Automatic,
            Url = request.Url ?? "",
            Username = request.Username ?? "",
            Password = request.Password,
            Action = request.Action,
            ListName = string.IsNullOrWhiteSpace(request.ListName) ? RouterOsCommands.DefaultList : request.ListName.Trim(),
            BanMinutes = request.BanMinutes,
            Whitelist = request.Whitelist ?? [],
            CertificateThumbprint = request.CertificateThumbprint ?? "",
        };
        var errors = candidate.Validate();
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        return TypedResults.Ok(MitigationSettingsResponse.From(await settings.SaveAsync(candidate, device, audit, cancellationToken)));
    }

    public static async Task<Results<Ok<AttackAction>, ValidationProblem, ProblemHttpResult>> BanAttack(
        long id, Guid deviceId, AttackQueryService attacks, MitigationService mitigation, FlowWeb.Core.Sensors.IChangeAudit audit, CancellationToken cancellationToken)
    {
        if (await attacks.GetAsync(id, cancellationToken) is not { } attack)
        {
            return ApiProblems.NotFound($"There is no attack with id {id}.");
        }

        var action = await mitigation.BanAsync(attack, deviceId, audit, cancellationToken);
        return action is null
            ? ApiProblems.Validation("deviceId", "the device has no RouterOS REST address (PUT /api/devices/{id}/mitigation)")
            : TypedResults.Ok(action);
    }

    public static async Task<Results<Ok<AttackAction>, ProblemHttpResult>> RemoveAttackBans(
        long id, Guid deviceId, AttackQueryService attacks, MitigationService mitigation, FlowWeb.Core.Sensors.IChangeAudit audit, CancellationToken cancellationToken)
    {
        if (await attacks.GetAsync(id, cancellationToken) is not { } attack)
        {
            return ApiProblems.NotFound($"There is no attack with id {id}.");
        }

        return await mitigation.RemoveBansAsync(attack, deviceId, audit, cancellationToken) is { } action
            ? TypedResults.Ok(action)
            : ApiProblems.NotFound($"Attack {id} has no ban on device {deviceId}.");
    }
}

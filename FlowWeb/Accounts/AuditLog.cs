using System.Text.Json;
using System.Text.Json.Serialization;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage;
using FlowWeb.Core.Storage.Entities;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.EntityFrameworkCore;

namespace FlowWeb.Accounts;

/// <summary>A recorded change as the Audit page lists it.</summary>
internal sealed record AuditEntry(DateTimeOffset Time, string Actor, string Action, string Subject, string? Before, string? After);

/// <summary>
/// The audit log: who changed which sensor, device, user or key, when, with the settings before and after, kept
/// <c>Audit:RetentionDays</c> (default 365) days. The actor is the user (and key) of the request or circuit in which
/// the change happens (<see cref="AuditActor"/>); changes made by FlowWeb itself (configuration, demo) are "system".
/// </summary>
internal sealed class AuditLog(IDbContextFactory<FlowWebDbContext> contexts, TimeProvider time, IConfiguration configuration) : IChangeAudit
{
    /// <summary>Old entries are deleted every this many writes (and at the first): cheap, and bounded by the retention.</summary>
    private const int PruneEvery = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private int _writes;

    public async Task RecordAsync(string action, string subject, object? before, object? after, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.AuditEntries.Add(new AuditEntryRow
        {
            TimeUnixMs = now.ToUnixTimeMilliseconds(), Actor = Shorten(AuditActor.Current ?? "system", 300), Action = action, Subject = Shorten(subject, 400),
            Before = before is null ? null : JsonSerializer.Serialize(before, Json), After = after is null ? null : JsonSerializer.Serialize(after, Json),
        });
        await db.SaveChangesAsync(cancellationToken);
        if (Interlocked.Increment(ref _writes) % PruneEvery == 1)
        {
            var cutoff = now.AddDays(-configuration.GetValue("Audit:RetentionDays", 365)).ToUnixTimeMilliseconds();
            await db.AuditEntries.Where(a => a.TimeUnixMs < cutoff).ExecuteDeleteAsync(cancellationToken);
        }
    }

    /// <summary>The newest entries first, at most <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<AuditEntry>> LatestAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Id).Take(count).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new AuditEntry(DateTimeOffset.FromUnixTimeMilliseconds(r.TimeUnixMs), r.Actor, r.Action, r.Subject, r.Before, r.After))];
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max];
}

/// <summary>
/// Who is acting in the current flow of execution: set per request (after authentication) and per inbound event of a
/// Blazor circuit, so services deep below (SensorService) record the right person without being handed it.
/// </summary>
internal static class AuditActor
{
    private static readonly AsyncLocal<string?> Actor = new();

    public static string? Current
    {
        get => Actor.Value;
        set => Actor.Value = value;
    }

    public static string? Describe(System.Security.Claims.ClaimsPrincipal user)
    {
        if (user.Identity is not { IsAuthenticated: true, Name: var name })
        {
            return null;
        }

        var key = user.FindFirst(ApiKeyAuthenticationHandler.KeyClaim)?.Value;
        return key is null ? name : $"{name} (API key {key})";
    }
}

/// <summary>Sets <see cref="AuditActor.Current"/> for each event a circuit handles (a click that saves a sensor).</summary>
internal sealed class AuditCircuitHandler(Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider authentication) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) => async context =>
    {
        AuditActor.Current = AuditActor.Describe((await authentication.GetAuthenticationStateAsync()).User);
        await next(context);
    };
}

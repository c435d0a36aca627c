using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlowWeb.Core.Storage.History;

/// <summary>What the history writer is going through, for <c>/health</c>, the UI's banner and <c>/metrics</c>.</summary>
public sealed record HistoryCondition(bool Healthy, string? Problem, DateTimeOffset? Since, DateTimeOffset? NextAttempt, int Attempts, int Waiting)
{
    public static HistoryCondition Ok { get; } = new(true, null, null, null, 0, 0);

    /// <summary>One sentence a person can act on: what fails, since when, what waits, when the next try is.</summary>
    public string? Describe() => Healthy
        ? null
        : string.Create(CultureInfo.InvariantCulture,
            $"History is not being written since {Since:yyyy-MM-dd HH:mm:ss} UTC: {Problem}. {Waiting:N0} item(s) wait in memory and in the journal; "
            + $"attempt {Attempts}, next at {NextAttempt:HH:mm:ss} UTC.");
}

/// <summary>
/// The history writer's condition: healthy, or failing to write with the reason (disk full, database locked...) and
/// the retry schedule. Changes are announced, so a banner updates without polling.
/// </summary>
public sealed class HistoryStatus
{
    private HistoryCondition _current = HistoryCondition.Ok;

    public HistoryCondition Current => Volatile.Read(ref _current);

    /// <summary>Raised after every change (on the writer's thread).</summary>
    public event Action<HistoryCondition>? Changed;

    internal void Set(HistoryCondition condition)
    {
        Volatile.Write(ref _current, condition);
        Changed?.Invoke(condition);
    }
}

/// <summary><c>history</c> in <c>/health</c>: Degraded (still HTTP 200: flows are collected and shown) while writes fail, with the reason.</summary>
public sealed class HistoryHealthCheck(HistoryStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var current = status.Current;
        return Task.FromResult(current.Healthy
            ? HealthCheckResult.Healthy("History is written.")
            : HealthCheckResult.Degraded(current.Describe()));
    }
}

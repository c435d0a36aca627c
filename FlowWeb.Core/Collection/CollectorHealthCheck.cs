using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlowWeb.Core.Collection;

/// <summary>Healthy while the collector's UDP socket is bound; otherwise says why it is not.</summary>
public sealed class CollectorHealthCheck(CollectorStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.ListeningOn is { } endpoint
            ? HealthCheckResult.Healthy($"Listening on UDP {endpoint}")
            : HealthCheckResult.Unhealthy(status.BindError ?? "The collector socket is not bound."));
}

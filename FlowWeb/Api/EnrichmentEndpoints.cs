using FlowWeb.Core.Enrichment;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowWeb.Api;

/// <summary>One enrichment database: its configuration key, path, whether it is loaded, and the message the UI shows.</summary>
internal sealed record EnrichmentSourceResponse(
    string Key, string? Path, bool Enabled, bool Loaded, string? DatabaseType, DateTimeOffset? BuildDate, int Ranges, DateTimeOffset? LoadedAt, string? Error, string Message)
{
    public static EnrichmentSourceResponse From(EnrichmentSource s) => new(
        s.Key, s.IsOff ? null : s.Path, !s.IsOff, s.Data is not null, s.Data?.DatabaseType, s.Data?.BuildDate, s.Ranges.Count, s.LoadedAt, s.Error, s.Describe());
}

/// <summary>The AS and country databases (both parts of <c>Enrichment</c>).</summary>
internal sealed record EnrichmentResponse(EnrichmentSourceResponse Asn, EnrichmentSourceResponse Country);

/// <summary>Status of the AS and country databases, so that a script (or a test) sees a load or a bad file.</summary>
internal static class EnrichmentEndpoints
{
    public static RouteGroupBuilder MapEnrichmentEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/enrichment", GetEnrichment).WithTags("Enrichment").WithName(nameof(GetEnrichment))
            .WithSummary("The AS and country databases: configured path, loaded or not, ranges, build date, and any error naming its configuration key");
        return api;
    }

    public static Ok<EnrichmentResponse> GetEnrichment(IpEnrichment enrichment) =>
        TypedResults.Ok(new EnrichmentResponse(EnrichmentSourceResponse.From(enrichment.Asn), EnrichmentSourceResponse.From(enrichment.Country)));
}

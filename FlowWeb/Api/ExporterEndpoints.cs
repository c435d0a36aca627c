using System.Text.Json.Serialization;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowWeb.Api;

/// <summary>An exporter the collector has heard from, with its counters.</summary>
internal sealed record ExporterResponse(
    string Address,
    int Version,
    string Protocol,
    long Datagrams,
    long Flows,
    long DecodeErrors,
    IReadOnlyDictionary<DecodeStatus, long> ErrorsByReason,
    int TemplatesKnown,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<ExporterStreamResponse> Streams,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SFlowInterfaceResponse>? SFlowInterfaces = null)
{
    public static ExporterResponse From(ExporterFrame e) => new(
        e.Address.ToString(), e.Version, ProtocolOf(e.Version), e.Datagrams, e.Flows, e.DecodeErrors, e.ErrorsByReason, e.TemplatesKnown, e.FirstSeen, e.LastSeen,
        [.. e.Streams.Select(s => new ExporterStreamResponse(s.LocalPort, s.Version, ProtocolOf(s.Version), s.Domain, s.Datagrams, s.Flows, s.DecodeErrors, s.FirstSeen, s.LastSeen))],
        e.SFlowInterfaces is { } interfaces ? [.. interfaces.Select(SFlowInterfaceResponse.From)] : null);

    internal static string ProtocolOf(int version) => version switch
    {
        1 => "NetFlow v1",
        5 => "NetFlow v5",
        9 => "NetFlow v9",
        10 => "IPFIX",
        Core.Decoding.SFlow.SFlowDatagram.Version => "sFlow v5",
        _ => "unknown",
    };
}

/// <summary>
/// One stream of an exporter: a version and observation domain (v9 source id, IPFIX observation domain, v5 engine
/// type × 256 + engine id, sFlow sub-agent) heard on one local port.
/// </summary>
internal sealed record ExporterStreamResponse(
    int Port, int Version, string Protocol, uint Domain, long Datagrams, long Flows, long DecodeErrors, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>
/// An sFlow agent's interface from its counters samples: the latest counters and, from the second sample on, the
/// rates between the last two (bit/s, utilisation in percent of ifSpeed, errors and discards in the interval).
/// </summary>
internal sealed record SFlowInterfaceResponse(
    string Agent, uint SubAgent, uint IfIndex, ulong IfSpeed, bool AdminUp, bool OperUp, ulong InOctets, ulong OutOctets,
    uint InErrors, uint OutErrors, uint InDiscards, uint OutDiscards, DateTimeOffset ReceivedAt, double? IntervalSeconds,
    double? InBitsPerSecond, double? OutBitsPerSecond, double? InUtilisation, double? OutUtilisation,
    long? InErrorsDelta, long? OutErrorsDelta, long? InDiscardsDelta, long? OutDiscardsDelta)
{
    public static SFlowInterfaceResponse From(SFlowInterfaceReading r) => new(
        r.Agent.ToString(), r.SubAgent, r.IfIndex, r.IfSpeed, r.AdminUp, r.OperUp, r.InOctets, r.OutOctets, r.InErrors, r.OutErrors, r.InDiscards,
        r.OutDiscards, r.ReceivedAt, r.IntervalSeconds, r.InBitsPerSecond, r.OutBitsPerSecond, r.InUtilisation, r.OutUtilisation,
        r.InErrorsDelta, r.OutErrorsDelta, r.InDiscardsDelta, r.OutDiscardsDelta);
}

/// <summary>Exporters discovered on any port (from the live frame, <see cref="SensorLiveState"/>), whether or not a sensor takes their flows.</summary>
internal static class ExporterEndpoints
{
    public static RouteGroupBuilder MapExporterEndpoints(this RouteGroupBuilder api)
    {
        var exporters = api.MapGroup("/exporters").WithTags("Exporters");
        exporters.MapGet("/", ListExporters).WithName(nameof(ListExporters))
            .WithSummary("Exporters that have sent a datagram: paged (offset, limit at most 1000; X-Total-Count, Link rel=next), sorted (sort, descending) and searched by address (search)");
        exporters.MapGet("/{address}", GetExporter).WithName(nameof(GetExporter))
            .WithSummary("One exporter by IP address").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static Results<Ok<ExporterResponse[]>, ValidationProblem> ListExporters(
        ExporterQueryService exporters, HttpContext context, int? offset, int? limit, string? search, ExporterSort? sort, bool? descending)
    {
        ArgumentNullException.ThrowIfNull(exporters);
        var errors = ListPaging.Check(offset, limit);
        if (search?.Length > 64)
        {
            errors = [.. errors, new Core.Sensors.ValidationError(nameof(search), "at most 64 characters")];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var page = exporters.Query(new ExporterQuery(offset ?? 0, limit ?? ListPaging.MaxLimit, search, sort ?? ExporterSort.Address, descending ?? false));
        ListPaging.Describe(context, page.Offset, page.Rows.Count, page.Matching);
        return TypedResults.Ok(page.Rows.Select(ExporterResponse.From).ToArray());
    }

    public static Results<Ok<ExporterResponse>, ValidationProblem, ProblemHttpResult> GetExporter(string address, SensorLiveState live)
    {
        if (!FlowAddress.TryParse(address, out var exporter))
        {
            return ApiProblems.Validation(nameof(address), $"'{address}' is not an IP address");
        }

        return live.Exporter(exporter) is { } summary
            ? TypedResults.Ok(ExporterResponse.From(summary))
            : ApiProblems.NotFound($"No datagram has come from {exporter}.");
    }
}

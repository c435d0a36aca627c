using System.ComponentModel;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Storage.History;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowWeb.Api;

/// <summary>One interface of an sFlow agent over a range: its stored buckets, oldest first.</summary>
internal sealed record SFlowInterfaceHistoryResponse(uint SubAgent, uint IfIndex, IReadOnlyList<SFlowCounterBucketResponse> Buckets);

/// <summary>
/// One bucket of an interface's counters history: rates are the counters' increases over the seconds measured in the
/// bucket (<c>measuredSeconds</c>, the agent's uptime between usable samples); null when nothing was measured.
/// </summary>
internal sealed record SFlowCounterBucketResponse(
    DateTimeOffset Start, long IfSpeed, double? InBitsPerSecond, double? OutBitsPerSecond, double? InUtilisation, double? OutUtilisation,
    double? InErrorsPerSecond, double? OutErrorsPerSecond, double? InDiscardsPerSecond, double? OutDiscardsPerSecond,
    long InOctets, long OutOctets, long InErrors, long OutErrors, long InDiscards, long OutDiscards, double MeasuredSeconds, long Intervals, long Discontinuities)
{
    public static SFlowCounterBucketResponse From(SFlowCounterBucket b) => new(
        b.Start, b.IfSpeed, b.InBitsPerSecond, b.OutBitsPerSecond, b.InUtilisation, b.OutUtilisation, b.InErrorsPerSecond, b.OutErrorsPerSecond,
        b.InDiscardsPerSecond, b.OutDiscardsPerSecond, b.InOctets, b.OutOctets, b.InErrors, b.OutErrors, b.InDiscards, b.OutDiscards, b.CoveredMs / 1000.0,
        b.Intervals, b.Discontinuities);
}

/// <summary>An sFlow agent's interface counters history, with what the recorder stores and refuses.</summary>
internal sealed record SFlowCounterHistoryResponse(
    string Agent, DateTimeOffset From, DateTimeOffset To, string Resolution, int BucketSeconds, IReadOnlyList<SFlowInterfaceHistoryResponse> Interfaces,
    SFlowCounterRecorderStatus Recorder);

/// <summary>sFlow interface counters stored per minute (<see cref="SFlowCounterRecorder"/>), by agent address.</summary>
internal static class SFlowCounterEndpoints
{
    public static RouteGroupBuilder MapSFlowCounterEndpoints(this RouteGroupBuilder api)
    {
        api.MapGroup("/sflow").WithTags("History")
            .MapGet("/agents/{agent}/history", GetSFlowCounterHistory).WithName(nameof(GetSFlowCounterHistory))
            .WithSummary("Interface counters history of an sFlow agent: in/out bit/s, utilisation, errors and discards per second, per bucket and interface");
        return api;
    }

    public static async Task<Results<Ok<SFlowCounterHistoryResponse>, ValidationProblem>> GetSFlowCounterHistory(
        string agent, [Description("One interface (ifIndex); default: every stored interface")] long? ifIndex,
        [Description("One sub-agent; default: every sub-agent")] long? subAgent,
        [Description("Start of the range: " + HistoryRangeQuery.TimeDescription + "; default: two hours before to")] string? from,
        [Description("End of the range (exclusive): " + HistoryRangeQuery.TimeDescription + "; default: now")] string? to,
        [Description("auto (default), minute, hour or day")] string? resolution,
        SFlowCounterStore store, SFlowCounterRecorder recorder, HistoryQueryService history, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!FlowAddress.TryParse(agent, out var address))
        {
            return ApiProblems.Validation(nameof(agent), $"'{agent}' is not an IP address");
        }

        if (ifIndex is < 0 or > uint.MaxValue)
        {
            return ApiProblems.Validation(nameof(ifIndex), $"{ifIndex} is not an ifIndex (0 to {uint.MaxValue})");
        }

        if (subAgent is < 0 or > uint.MaxValue)
        {
            return ApiProblems.Validation(nameof(subAgent), $"{subAgent} is not a sub-agent id (0 to {uint.MaxValue})");
        }

        if (HistoryRangeQuery.Parse(from, to, resolution, time.GetUtcNow(), history, out var errors) is not { } range)
        {
            return ApiProblems.Validation(errors);
        }

        var bucketSeconds = HistoryBuckets.SecondsOf(range.Resolution);
        var found = await store.QueryAsync(address.ToString(), (uint?)subAgent, (uint?)ifIndex, range.From, range.To, bucketSeconds, cancellationToken);
        if (found.OverCap)
        {
            // Named after what the client can change: the interface choice when several are stored, else the resolution (or range).
            return ApiProblems.Validation(ifIndex is null && found.Interfaces > 1 ? nameof(ifIndex) : nameof(resolution),
                $"{found.Interfaces:N0} interface(s) × {found.BucketsPerInterface:N0} {range.Resolution.ToString().ToLowerInvariant()} bucket(s) = {found.RowsAtMost:N0} rows, "
                + $"more than {SFlowCounterStore.MaxRows:N0}: choose one interface (ifIndex), a coarser resolution or a shorter range");
        }

        var interfaces = found.Buckets.GroupBy(b => (b.SubAgent, b.IfIndex))
            .Select(g => new SFlowInterfaceHistoryResponse(g.Key.SubAgent, g.Key.IfIndex, [.. g.Select(SFlowCounterBucketResponse.From)])).ToList();
        return TypedResults.Ok(new SFlowCounterHistoryResponse(address.ToString(), range.From, range.To, range.Resolution.ToString().ToLowerInvariant(), bucketSeconds,
            interfaces, recorder.Status));
    }
}

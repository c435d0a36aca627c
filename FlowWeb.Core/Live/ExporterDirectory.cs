using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Live;

/// <summary>What the UI may know about one exporter: a copy taken at one moment, safe to keep and render.</summary>
public sealed record ExporterSummary(
    FlowAddress Address,
    int Version,
    long Datagrams,
    long Flows,
    long DecodeErrors,
    IReadOnlyDictionary<DecodeStatus, long> ErrorsByReason,
    int TemplatesKnown,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen);

/// <summary>
/// Read-only view of the exporters the collector has heard from, for pages and the API. Copies the decoder's
/// live counters so that callers never hold objects the receive loop is writing.
/// </summary>
public sealed class ExporterDirectory(FlowDecoder decoder)
{
    /// <summary>Every exporter that has sent at least one datagram, ordered by address.</summary>
    public IReadOnlyList<ExporterSummary> List() =>
        [.. decoder.Exporters.Select(Summarize).OrderBy(e => e.Address)];

    public ExporterSummary? Find(FlowAddress exporter) =>
        decoder.StatisticsOf(exporter) is { } stats ? Summarize(stats) : null;

    /// <summary>Datagrams refused because the exporter table was full (<c>Decoder:MaxExporters</c>).</summary>
    public long ExportersRefused => decoder.ExportersRefused;

    private static ExporterSummary Summarize(ExporterStatistics s) => new(
        s.Address,
        s.Version,
        s.Datagrams,
        s.Flows,
        s.DecodeErrors,
        s.ErrorsByReason(),
        s.TemplatesKnown,
        s.FirstSeen,
        s.LastSeen);
}

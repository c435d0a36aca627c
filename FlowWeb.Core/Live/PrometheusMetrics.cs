using System.Globalization;
using System.Text;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.SFlow;

namespace FlowWeb.Core.Live;

/// <summary>
/// The collector's counters in the Prometheus text exposition format (version 0.0.4), from the live frame: a scrape
/// waits for the next frame (at most a second or so), so that it counts everything received before it was asked,
/// and costs the receive path nothing. Octet and packet totals are the records' own counters, before sampling scaling.
/// </summary>
public sealed class PrometheusMetrics(LivePublisher publisher, DecoderLimits limits, IEnumerable<IMetricsSource> sources)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly TimeSpan FrameWait = TimeSpan.FromSeconds(3);

    public async Task<string> RenderAsync(CancellationToken cancellationToken = default) =>
        Render(await publisher.NextFrameAsync(FrameWait, cancellationToken).ConfigureAwait(false));

    public string Render(LiveFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var exporters = frame.Exporters.Select(e => (Label: e.Address.ToString(), Exporter: e)).OrderBy(e => e.Label, StringComparer.Ordinal).ToList();
        var text = new StringBuilder(4096);
        Family(text, "flowweb_datagrams_received_total", "counter", "Datagrams received, by exporter.");
        exporters.ForEach(e => Sample(text, "flowweb_datagrams_received_total", e.Exporter.Datagrams, ("exporter", e.Label)));
        Family(text, "flowweb_flows_received_total", "counter", "Flow records decoded, by exporter.");
        exporters.ForEach(e => Sample(text, "flowweb_flows_received_total", e.Exporter.Flows, ("exporter", e.Label)));
        Family(text, "flowweb_flow_octets_total", "counter", "Sum of the records' own octet counters (before sampling scaling), by exporter.");
        exporters.ForEach(e => Sample(text, "flowweb_flow_octets_total", e.Exporter.Octets, ("exporter", e.Label)));
        Family(text, "flowweb_flow_packets_total", "counter", "Sum of the records' own packet counters (before sampling scaling), by exporter.");
        exporters.ForEach(e => Sample(text, "flowweb_flow_packets_total", e.Exporter.Packets, ("exporter", e.Label)));

        Family(text, "flowweb_decode_errors_total", "counter", "Datagrams or data sets with a decoding problem, by exporter and reason.");
        foreach (var (label, e) in exporters)
        {
            foreach (var (reason, count) in e.ErrorsByReason.OrderBy(r => r.Key))
            {
                Sample(text, "flowweb_decode_errors_total", count, ("exporter", label), ("reason", reason.ToLabel()));
            }
        }

        Family(text, "flowweb_lost_flows_estimate_total", "counter", "Flows the exporters sent that never arrived, estimated from sequence numbers.");
        exporters.ForEach(e => Sample(text, "flowweb_lost_flows_estimate_total", e.Exporter.LostFlowsEstimate, ("exporter", e.Label)));
        Family(text, "flowweb_implausible_records_total", "counter", "Records with impossible counters (flagged, still counted).");
        exporters.ForEach(e => Sample(text, "flowweb_implausible_records_total", e.Exporter.ImplausibleRecords, ("exporter", e.Label)));
        Family(text, "flowweb_sflow_late_counters_samples_total", "counter", "sFlow counters samples that arrived behind their interface's latest one (overtaken on the way): not used for history, by exporter.");
        var sflow = exporters.Where(e => e.Exporter.Version == SFlowDatagram.Version).ToList();
        sflow.ForEach(e => Sample(text, "flowweb_sflow_late_counters_samples_total", e.Exporter.SFlowDrops.LateCounters, ("exporter", e.Label)));
        Family(text, "flowweb_sflow_agent_dropped_samples_total", "counter", "Samples the sFlow agents dropped themselves for lack of resources (the increase of their flow samples' drops counter): never sent, so the traffic they stood for is missing, by exporter.");
        sflow.ForEach(e => Sample(text, "flowweb_sflow_agent_dropped_samples_total", e.Exporter.SFlowDrops.AgentDropped, ("exporter", e.Label)));
        Family(text, "flowweb_sflow_headers_cut_short_total", "counter", "sFlow flow samples whose sampled packet header ended before the layer it announced: the flow is counted, the fields the header did not hold (addresses, ports) are unknown, by exporter.");
        sflow.ForEach(e => Sample(text, "flowweb_sflow_headers_cut_short_total", e.Exporter.SFlowDrops.HeadersCutShort, ("exporter", e.Label)));
        Family(text, "flowweb_sflow_untracked_source_samples_total", "counter", string.Create(CultureInfo.InvariantCulture, $"sFlow flow samples from data sources beyond the {SFlowAgent.MaxSources} followed per agent: the flow is counted, but its sample sequence (lost samples), sample pool and the agent's drops are not, by exporter."));
        sflow.ForEach(e => Sample(text, "flowweb_sflow_untracked_source_samples_total", e.Exporter.SFlowDrops.UntrackedSourceSamples, ("exporter", e.Label)));
        Family(text, "flowweb_sflow_refused_interface_counters_samples_total", "counter", string.Create(CultureInfo.InvariantCulture, $"sFlow counters samples for interfaces beyond the {SFlowAgent.MaxInterfaces} kept per agent: not shown and not stored in history, by exporter."));
        sflow.ForEach(e => Sample(text, "flowweb_sflow_refused_interface_counters_samples_total", e.Exporter.SFlowDrops.RefusedInterfaceSamples, ("exporter", e.Label)));
        Family(text, "flowweb_templates", "gauge", "Templates known, by exporter.");
        exporters.ForEach(e => Sample(text, "flowweb_templates", e.Exporter.TemplatesKnown, ("exporter", e.Label)));
        Family(text, "flowweb_pending_sets", "gauge", "Data sets waiting for their template, by exporter.");
        exporters.ForEach(e => Sample(text, "flowweb_pending_sets", e.Exporter.PendingSets, ("exporter", e.Label)));

        Family(text, "flowweb_dropped_total", "counter", "Datagrams or records dropped, by stage: kernel (socket receive buffer full), template_hold (held data evicted or expired), exporter_table (table full of proven exporters), not_allowed (sender outside Collector:AllowedExporters), malformed_unknown_sender (failed header checks, no exporter entry made), record_limit (records beyond Decoder:MaxRecordsPerDatagram), receive_loop (a handler failed).");
        Sample(text, "flowweb_dropped_total", frame.KernelDrops.Values.Sum(), ("stage", "kernel"));
        Sample(text, "flowweb_dropped_total", exporters.Sum(e => e.Exporter.ErrorsByReason.GetValueOrDefault(DecodeStatus.PendingOverflow) + e.Exporter.ErrorsByReason.GetValueOrDefault(DecodeStatus.PendingExpired)), ("stage", "template_hold"));
        Sample(text, "flowweb_dropped_total", frame.ExportersRefused, ("stage", "exporter_table"));
        Sample(text, "flowweb_dropped_total", limits.DatagramsNotAllowed, ("stage", "not_allowed"));
        Sample(text, "flowweb_dropped_total", limits.UnattributedErrorsByReason().Values.Sum(), ("stage", "malformed_unknown_sender"));
        Sample(text, "flowweb_dropped_total", limits.RecordsOverLimit, ("stage", "record_limit"));
        Sample(text, "flowweb_dropped_total", frame.DecoderFaults, ("stage", "receive_loop"));
        Family(text, "flowweb_exporters_evicted_total", "counter", "Exporters dropped from the decoder's table, by why: evicted (least recently heard unproven exporter, for a newcomer) or expired (silent).");
        Sample(text, "flowweb_exporters_evicted_total", limits.ExportersEvicted, ("why", "evicted"));
        Sample(text, "flowweb_exporters_evicted_total", limits.ExportersExpired, ("why", "expired"));
        Family(text, "flowweb_templates_refused_total", "counter", "Templates refused by a cap (count or bytes; per domain, per exporter or in total).");
        Sample(text, "flowweb_templates_refused_total", limits.TemplatesRefused);
        Family(text, "flowweb_decoder_budget", "gauge", "Decoder tables against their caps (all decoders together), by table and measure.");
        Sample(text, "flowweb_decoder_budget", limits.Exporters.Used, ("table", "exporters"), ("measure", "used"));
        Sample(text, "flowweb_decoder_budget", limits.Exporters.Max, ("table", "exporters"), ("measure", "max"));
        Sample(text, "flowweb_decoder_budget", limits.TemplateBytes.Used, ("table", "template_bytes"), ("measure", "used"));
        Sample(text, "flowweb_decoder_budget", limits.TemplateBytes.Max, ("table", "template_bytes"), ("measure", "max"));
        Sample(text, "flowweb_decoder_budget", limits.PendingBytes.Used, ("table", "pending_bytes"), ("measure", "used"));
        Sample(text, "flowweb_decoder_budget", limits.PendingBytes.Max, ("table", "pending_bytes"), ("measure", "max"));

        Family(text, "flowweb_receive_lock_wait_max_seconds", "gauge", "The longest a receive thread waited for a lock (its decoder's, a sensor's) in the last minute, by port; the live pages and metrics never take these locks, only the collector's once-a-second tick.");
        foreach (var listener in frame.Listeners.OrderBy(l => l.Port))
        {
            Sample(text, "flowweb_receive_lock_wait_max_seconds", listener.LongestLockWait.TotalSeconds, ("port", listener.Port.ToString(CultureInfo.InvariantCulture)));
        }

        Family(text, "flowweb_sensor_flows_total", "counter", "Flows accepted by a sensor's filters, by sensor (name, and id: two sensors may share a name).");
        Family(text, "flowweb_sensor_filtered_flows_total", "counter", "Flows a sensor's include/exclude filters left out, by sensor.");
        foreach (var s in frame.Sensors.Values.Select(s => s.Snapshot).OrderBy(s => s.Definition.Name, StringComparer.Ordinal))
        {
            Sample(text, "flowweb_sensor_flows_total", s.FlowsAccepted, ("sensor", s.Definition.Name), ("sensor_id", s.Definition.Id.ToString()));
            Sample(text, "flowweb_sensor_filtered_flows_total", s.FlowsFiltered, ("sensor", s.Definition.Name), ("sensor_id", s.Definition.Id.ToString()));
        }

        foreach (var source in sources)
        {
            source.WriteMetrics(text);
        }

        return text.ToString();
    }

    public static void Family(StringBuilder text, string name, string type, string help)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public static void Sample(StringBuilder text, string name, double value, params (string Name, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(labels);
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                text.Append(i == 0 ? "" : ",").Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

using System.Text;
using FlowWeb.Core.Live;

namespace FlowWeb.Core.Dns;

/// <summary>Reverse DNS counters for <c>/metrics</c>: cache hits and misses, lookups by outcome, drops, in flight.</summary>
public sealed class ReverseDnsMetrics(ReverseDnsResolver resolver) : IMetricsSource
{
    public void WriteMetrics(StringBuilder text)
    {
        var s = resolver.GetStatistics();
        PrometheusMetrics.Family(text, "flowweb_reverse_dns_cache_total", "counter", "Reverse DNS cache reads, by result.");
        PrometheusMetrics.Sample(text, "flowweb_reverse_dns_cache_total", s.CacheHits, ("result", "hit"));
        PrometheusMetrics.Sample(text, "flowweb_reverse_dns_cache_total", s.CacheMisses, ("result", "miss"));
        PrometheusMetrics.Family(text, "flowweb_reverse_dns_lookups_total", "counter", "Reverse DNS lookups finished, by outcome.");
        PrometheusMetrics.Sample(text, "flowweb_reverse_dns_lookups_total", s.LookupsSucceeded, ("outcome", "name"));
        PrometheusMetrics.Sample(text, "flowweb_reverse_dns_lookups_total", s.LookupsNxDomain, ("outcome", "nxdomain"));
        PrometheusMetrics.Sample(text, "flowweb_reverse_dns_lookups_total", s.LookupsNoPtr, ("outcome", "no_ptr"));
        PrometheusMetrics.Sample(text, "flowweb_reverse_dns_lookups_total", s.LookupsTimedOut, ("outcome", "timeout"));
        PrometheusMetrics.Sample(text, "flowweb_reverse_dns_lookups_total", s.LookupsServerFailure, ("outcome", "server_failure"));
        PrometheusMetrics.Sample(text, "flowweb_reverse_dns_lookups_total", s.LookupsFailedOther, ("outcome", "other"));
        PrometheusMetrics.Family(text, "flowweb_reverse_dns_requests_dropped_total", "counter", "Lookup requests dropped because the queue was full (oldest first).");
        PrometheusMetrics.Sample(text, "flowweb_reverse_dns_requests_dropped_total", s.RequestsDropped);
        PrometheusMetrics.Family(text, "flowweb_reverse_dns_in_flight", "gauge", "Reverse DNS queries in flight.");
        PrometheusMetrics.Sample(text, "flowweb_reverse_dns_in_flight", s.InFlight);
        PrometheusMetrics.Family(text, "flowweb_reverse_dns_cache_entries", "gauge", "Entries in the reverse DNS cache.");
        PrometheusMetrics.Sample(text, "flowweb_reverse_dns_cache_entries", s.CacheEntries);
    }
}

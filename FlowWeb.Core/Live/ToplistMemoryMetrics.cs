using System.Text;
using FlowWeb.Core.Aggregation.Tables;

namespace FlowWeb.Core.Live;

/// <summary>
/// The toplist memory budget in <c>/metrics</c>: bytes all sensors' toplist tables hold, the limit
/// (<c>Aggregation:MemoryBudgetBytes</c>), and how often a table was refused a doubling (each refusal means a list
/// went on at a smaller size with a larger error bound). Read from three counters at scrape time.
/// </summary>
public sealed class ToplistMemoryMetrics(TableBudget budget) : IMetricsSource
{
    public void WriteMetrics(StringBuilder text)
    {
        PrometheusMetrics.Family(text, "flowweb_toplist_memory_bytes", "gauge", "Memory of every sensor's toplist tables, by measure: used (tables held now, their floors included) or limit (Aggregation:MemoryBudgetBytes).");
        PrometheusMetrics.Sample(text, "flowweb_toplist_memory_bytes", budget.UsedBytes, ("measure", "used"));
        PrometheusMetrics.Sample(text, "flowweb_toplist_memory_bytes", budget.LimitBytes, ("measure", "limit"));
        PrometheusMetrics.Family(text, "flowweb_toplist_memory_refusals_total", "counter", "Times a toplist table was refused more memory by the budget and went on purging at its size (its error bound grows).");
        PrometheusMetrics.Sample(text, "flowweb_toplist_memory_refusals_total", budget.Refusals);
    }
}

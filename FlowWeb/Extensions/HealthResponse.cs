using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlowWeb.Extensions;

/// <summary>
/// The <c>/health</c> body: the overall status on the first line (<c>Healthy</c>, <c>Degraded</c>, <c>Unhealthy</c>; a
/// monitor that compares the body to "Healthy" keeps working), then one line per check that is not healthy with its
/// reason, e.g. <c>history: Degraded: History is not being written since ...: the disk is full</c>. Degraded answers
/// 200 (flows are still collected and shown), Unhealthy 503.
/// </summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder(report.Status.ToString());
        foreach (var (name, entry) in report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(name).Append(": ").Append(entry.Status).Append(": ").Append(entry.Description ?? entry.Exception?.Message ?? "");
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.ToString());
    }
}

using System.Text;

namespace FlowWeb.Core.Live;

/// <summary>A subsystem that adds its metric families to <c>/metrics</c> (reverse DNS, the history writer...).</summary>
public interface IMetricsSource
{
    void WriteMetrics(StringBuilder text);
}

using FlowWeb.Core.Alerts.Limits;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>
/// The sensor form's editable copy of a <see cref="ChannelLimit"/>. Bit rates are entered in Mbit/s (what people
/// think in for links); packets and flows per second as they are.
/// </summary>
public sealed class LimitFormModel
{
    public int ChannelId { get; set; } = FlowWeb.Core.Channels.ChannelIds.Total;

    public LimitMetric Metric { get; set; } = LimitMetric.BitsPerSecond;

    public double? UpperError { get; set; }

    public double? UpperWarning { get; set; }

    public double? LowerWarning { get; set; }

    public double? LowerError { get; set; }

    public string UpperErrorMessage { get; set; } = "";

    public string UpperWarningMessage { get; set; } = "";

    public string LowerWarningMessage { get; set; } = "";

    public string LowerErrorMessage { get; set; } = "";

    public int HoldSeconds { get; set; } = 60;

    /// <summary>The unit the numbers are entered in.</summary>
    public string Unit => Metric switch
    {
        LimitMetric.BitsPerSecond => "Mbit/s",
        LimitMetric.PacketsPerSecond => "packets/s",
        _ => "flows/s",
    };

    private double Scale => Metric == LimitMetric.BitsPerSecond ? 1e6 : 1;

    public static LimitFormModel From(ChannelLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var model = new LimitFormModel { ChannelId = limit.ChannelId, Metric = limit.Metric, HoldSeconds = limit.HoldSeconds };
        model.UpperError = limit.UpperError / model.Scale;
        model.UpperWarning = limit.UpperWarning / model.Scale;
        model.LowerWarning = limit.LowerWarning / model.Scale;
        model.LowerError = limit.LowerError / model.Scale;
        model.UpperErrorMessage = limit.UpperErrorMessage;
        model.UpperWarningMessage = limit.UpperWarningMessage;
        model.LowerWarningMessage = limit.LowerWarningMessage;
        model.LowerErrorMessage = limit.LowerErrorMessage;
        return model;
    }

    public ChannelLimit ToDefinition() => new()
    {
        ChannelId = ChannelId,
        Metric = Metric,
        UpperError = UpperError * Scale,
        UpperWarning = UpperWarning * Scale,
        LowerWarning = LowerWarning * Scale,
        LowerError = LowerError * Scale,
        UpperErrorMessage = (UpperErrorMessage ?? "").Trim(),
        UpperWarningMessage = (UpperWarningMessage ?? "").Trim(),
        LowerWarningMessage = (LowerWarningMessage ?? "").Trim(),
        LowerErrorMessage = (LowerErrorMessage ?? "").Trim(),
        HoldSeconds = HoldSeconds,
    };
}

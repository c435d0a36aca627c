namespace FlowWeb.Core.Alerts;

/// <summary>The event log and the collector's own health limits (configuration section <c>Alerts</c>).</summary>
public sealed class AlertsOptions
{
    public const string SectionName = "Alerts";

    /// <summary>Events waiting to be written; when full, new events are dropped and counted (nothing waits on the database).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Events older than this are deleted (as long as hour history by default).</summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(730);

    /// <summary>At most this many events are kept; the oldest go first.</summary>
    public int MaxEvents { get; set; } = 1_000_000;

    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often sensor states, channel limits and the collector's health are evaluated.</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The collector's own health limits (kernel drops, decode errors, data waiting for templates, silent exporters).</summary>
    public CollectorHealthLimits Collector { get; set; } = new();

    public IEnumerable<string> Validate()
    {
        if (QueueCapacity is < 10 or > 1_000_000)
        {
            yield return $"{SectionName}:{nameof(QueueCapacity)} must be between 10 and 1000000 (was {QueueCapacity}).";
        }

        if (EventRetention < TimeSpan.FromHours(1))
        {
            yield return $"{SectionName}:{nameof(EventRetention)} must be at least 01:00:00 (was {EventRetention}).";
        }

        if (MaxEvents is < 1000 or > 100_000_000)
        {
            yield return $"{SectionName}:{nameof(MaxEvents)} must be between 1000 and 100000000 (was {MaxEvents}).";
        }

        if (RetentionInterval <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:{nameof(RetentionInterval)} must be positive (was {RetentionInterval}).";
        }

        if (EvaluationInterval < TimeSpan.FromMilliseconds(100) || EvaluationInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{SectionName}:{nameof(EvaluationInterval)} must be between 00:00:00.1 and 00:01:00 (was {EvaluationInterval}).";
        }

        foreach (var error in Collector.Validate($"{SectionName}:{nameof(Collector)}"))
        {
            yield return error;
        }
    }
}

/// <summary>
/// Limits on the collector's own health. Each is a count per minute (or a number of data sets, or a silence) above
/// which an alarm opens; it clears when the value is back at or below the limit. A negative value turns it off.
/// </summary>
public sealed class CollectorHealthLimits
{
    /// <summary>Datagrams the kernel dropped (receive buffer full) in the last minute: above this, a Warning alarm.</summary>
    public long KernelDropsPerMinute { get; set; }

    /// <summary>Decode errors of one exporter in the last minute: above this, a Warning alarm for the exporter.</summary>
    public long DecodeErrorsPerMinute { get; set; }

    /// <summary>Data sets of one exporter waiting for their template: above this, a Warning alarm (templates missing).</summary>
    public long PendingSets { get; set; }

    /// <summary>An exporter heard from before and silent this long opens an alarm; it clears when it sends again.</summary>
    public TimeSpan ExporterSilentAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a health limit must be exceeded before its alarm opens.</summary>
    public TimeSpan HoldTime { get; set; } = TimeSpan.FromSeconds(60);

    internal IEnumerable<string> Validate(string prefix)
    {
        if (ExporterSilentAfter < TimeSpan.FromSeconds(10))
        {
            yield return $"{prefix}:{nameof(ExporterSilentAfter)} must be at least 00:00:10 (was {ExporterSilentAfter}).";
        }

        if (HoldTime < TimeSpan.Zero || HoldTime > TimeSpan.FromHours(1))
        {
            yield return $"{prefix}:{nameof(HoldTime)} must be between 00:00:00 and 01:00:00 (was {HoldTime}).";
        }
    }
}

namespace FlowWeb.Core.Decoding;

/// <summary>
/// Bounds on everything the decoders learn from the network (configuration section <c>Decoder</c>).
/// Every table is capped; what does not fit is counted, never silently dropped.
/// </summary>
public sealed class DecoderOptions
{
    public const string SectionName = "Decoder";

    /// <summary>Distinct exporters whose state (templates, sequences, clocks) is kept.</summary>
    public int MaxExporters { get; set; } = 4096;

    /// <summary>Templates (data and options) kept per exporter address, over all its domains.</summary>
    public int MaxTemplatesPerExporter { get; set; } = 512;

    /// <summary>Templates kept in total.</summary>
    public int MaxTemplates { get; set; } = 65_536;

    /// <summary>A template not refreshed for this long is forgotten. RouterOS refreshes every 20 packets or 30 minutes, so the default leaves room for three misses.</summary>
    public TimeSpan TemplateLifetime { get; set; } = TimeSpan.FromMinutes(100);

    /// <summary>Data sets held while their template is unknown, in total.</summary>
    public int MaxPendingSets { get; set; } = 4096;

    /// <summary>Bytes of data sets held while their template is unknown, in total.</summary>
    public int MaxPendingBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Data sets held per template key; older ones are dropped (and counted) first.</summary>
    public int MaxPendingSetsPerTemplate { get; set; } = 256;

    /// <summary>How long a data set may wait for its template. RouterOS may take 30 minutes to resend one.</summary>
    public TimeSpan PendingLifetime { get; set; } = TimeSpan.FromMinutes(35);

    /// <summary>Packets per second above which a record's counters are implausible (100 Gbit/s of minimum-size frames is ~150 Mpps).</summary>
    public double MaxPacketsPerSecond { get; set; } = 150_000_000;

    /// <summary>A sequence jump larger than this (either way) is an exporter restart, not loss.</summary>
    public uint SequenceRestartThreshold { get; set; } = 1_000_000;

    public IEnumerable<string> Validate()
    {
        if (MaxExporters < 1)
        {
            yield return $"{SectionName}:{nameof(MaxExporters)} must be at least 1.";
        }

        if (MaxTemplatesPerExporter < 1)
        {
            yield return $"{SectionName}:{nameof(MaxTemplatesPerExporter)} must be at least 1.";
        }

        if (MaxTemplates < MaxTemplatesPerExporter)
        {
            yield return $"{SectionName}:{nameof(MaxTemplates)} must be at least {nameof(MaxTemplatesPerExporter)}.";
        }

        if (TemplateLifetime <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:{nameof(TemplateLifetime)} must be positive.";
        }

        if (MaxPendingSets < 0 || MaxPendingBytes < 0 || MaxPendingSetsPerTemplate < 0)
        {
            yield return $"{SectionName}:{nameof(MaxPendingSets)}, {nameof(MaxPendingBytes)} and {nameof(MaxPendingSetsPerTemplate)} must not be negative.";
        }

        if (PendingLifetime < TimeSpan.Zero)
        {
            yield return $"{SectionName}:{nameof(PendingLifetime)} must not be negative.";
        }

        if (MaxPacketsPerSecond <= 0)
        {
            yield return $"{SectionName}:{nameof(MaxPacketsPerSecond)} must be positive.";
        }
    }
}

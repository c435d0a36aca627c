namespace FlowWeb.Core.Decoding;

/// <summary>
/// Bounds on everything the decoders learn from the network (configuration section <c>Decoder</c>).
/// Every table is capped; what does not fit is counted, never silently dropped. Totals hold for all the decoders of
/// the process together (they share one <see cref="DecoderLimits"/>); per-exporter and per-domain caps hold per
/// exporter, which stays on one decoder (SO_REUSEPORT hashes an exporter's datagrams to one receive thread).
/// Worst-case memory of the decoder tables: exporters × ~2 KB + <see cref="MaxTemplateBytes"/> +
/// <see cref="MaxPendingBytes"/> (+ pending set overhead), plus one receive batch of <see cref="MaxRecordsPerDatagram"/>
/// records per receive thread.
/// </summary>
public sealed class DecoderOptions
{
    public const string SectionName = "Decoder";

    /// <summary>
    /// Distinct exporters whose state (templates, sequences, clocks) is kept. When full, the least recently heard
    /// exporter that has not yet proven itself (see <see cref="ExporterProtectAfter"/>) is evicted for a new one.
    /// </summary>
    public int MaxExporters { get; set; } = 4096;

    /// <summary>
    /// An exporter heard again this long after it was first heard is protected: a newcomer never evicts it, only its
    /// own silence does (<see cref="ExporterIdleLifetime"/>). A flood from forged sources, each heard for less than
    /// this, therefore only ever evicts other forged sources.
    /// </summary>
    public TimeSpan ExporterProtectAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An exporter silent this long is forgotten with its templates and held data (as long as a template lives).</summary>
    public TimeSpan ExporterIdleLifetime { get; set; } = TimeSpan.FromMinutes(100);

    /// <summary>Templates kept per v9 source id / IPFIX observation domain.</summary>
    public int MaxTemplatesPerDomain { get; set; } = 256;

    /// <summary>
    /// Memory of the templates kept in total, estimated per template as <see cref="TemplateCostBytes"/> (a fixed part
    /// plus a part per field): 1,024-field templates are charged for what they cost, not counted as one.
    /// </summary>
    public long MaxTemplateBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Memory of one exporter's templates (same estimate as <see cref="MaxTemplateBytes"/>).</summary>
    public long MaxTemplateBytesPerExporter { get; set; } = 2L * 1024 * 1024;

    /// <summary>
    /// Records one datagram may deliver, its own and those released from the hold together. Held data beyond it waits
    /// for the exporter's next datagrams; a datagram's own records beyond it are dropped and counted (no real exporter
    /// comes near it: a 64 KB datagram of 20-byte records holds about 3,300).
    /// </summary>
    public int MaxRecordsPerDatagram { get; set; } = 4096;

    /// <summary>Bytes of data sets held for one exporter while their template is unknown.</summary>
    public int MaxPendingBytesPerExporter { get; set; } = 1024 * 1024;

    /// <summary>The memory a template is charged: a fixed part (objects, dictionary entries) and 24 bytes per field (specifier and compiled step).</summary>
    public static long TemplateCostBytes(int fields) => 256 + (24L * fields);

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

        if (MaxTemplatesPerDomain < 1)
        {
            yield return $"{SectionName}:{nameof(MaxTemplatesPerDomain)} must be at least 1.";
        }

        if (MaxTemplateBytesPerExporter < TemplateCostBytes(1) || MaxTemplateBytes < MaxTemplateBytesPerExporter)
        {
            yield return $"{SectionName}:{nameof(MaxTemplateBytes)} must be at least {nameof(MaxTemplateBytesPerExporter)}, which must be at least {TemplateCostBytes(1)}.";
        }

        if (ExporterProtectAfter < TimeSpan.Zero || ExporterIdleLifetime <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:{nameof(ExporterProtectAfter)} must not be negative and {nameof(ExporterIdleLifetime)} must be positive.";
        }

        if (MaxRecordsPerDatagram < 64)
        {
            yield return $"{SectionName}:{nameof(MaxRecordsPerDatagram)} must be at least 64.";
        }

        if (MaxPendingBytesPerExporter < 0)
        {
            yield return $"{SectionName}:{nameof(MaxPendingBytesPerExporter)} must not be negative.";
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

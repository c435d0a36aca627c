namespace FlowWeb.Core.Detection;

/// <summary>
/// Attack detection for every sensor (configuration section <c>Detection</c>); a sensor's own settings
/// (<see cref="SensorDetectionSettings"/>) override these. Bounds say how much memory detection may take whatever
/// the traffic: every table has a cap, and what did not fit is counted.
/// </summary>
public sealed class DetectionOptions
{
    public const string SectionName = "Detection";

    public bool Enabled { get; set; } = true;

    /// <summary>An attack starts once a threshold was exceeded this many seconds in a row (N).</summary>
    public int StartAfterSeconds { get; set; } = 3;

    /// <summary>An attack ends after this many seconds in a row below (M).</summary>
    public int EndAfterSeconds { get; set; } = 60;

    /// <summary>
    /// Hysteresis: while an attack is on, "below" means below this fraction of each threshold that started it, so a
    /// flood hovering at the threshold is one attack, not a series of short ones.
    /// </summary>
    public double EndFraction { get; set; } = 0.8;

    /// <summary>Networks to protect (IPv4 and IPv6 prefixes). Empty = every destination; outgoing attacks need networks.</summary>
    public List<string> ProtectedNetworks { get; set; } = [];

    public ThresholdSet Incoming { get; set; } = new();

    public ThresholdSet Outgoing { get; set; } = new();

    public List<HostGroup> HostGroups { get; set; } = [];

    /// <summary>Carpet bombing is looked for per IPv4 /24 ...</summary>
    public int CarpetPrefixLengthV4 { get; set; } = 24;

    /// <summary>... and per IPv6 /64.</summary>
    public int CarpetPrefixLengthV6 { get; set; } = 64;

    /// <summary>A prefix as a whole is held to its hosts' thresholds times this factor.</summary>
    public double PrefixThresholdFactor { get; set; } = 2;

    /// <summary>Carpet bombing needs at least this many distinct destination hosts of the prefix in a second.</summary>
    public int CarpetMinHosts { get; set; } = 16;

    /// <summary>Keys (hosts and prefixes) one receive thread counts per second per sensor; more are dropped and counted.</summary>
    public int MaxKeysPerSecond { get; set; } = 65_536;

    /// <summary>Keys whose state (long-flow rates, attack state) detection keeps per sensor.</summary>
    public int MaxTrackedKeys { get; set; } = 65_536;

    /// <summary>A flow record's rate counts for its duration after it arrives, at most this long.</summary>
    public int MaxHoldSeconds { get; set; } = 120;

    /// <summary>Pending end-of-hold entries per sensor (one per key and second at most).</summary>
    public int MaxHoldEntries { get; set; } = 262_144;

    /// <summary>Ongoing attacks (and candidates) whose evidence is collected at once per sensor.</summary>
    public int MaxWatchedKeys { get; set; } = 64;

    /// <summary>Flow records kept as a sample per attack.</summary>
    public int SampleFlows { get; set; } = 100;

    /// <summary>Attack records are deleted this long after they ended.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(730);

    /// <summary>Warn on the sensor page when an exporter's flows last longer than this (its active timeout): long floods are seen late.</summary>
    public int SlowExportWarningSeconds { get; set; } = 90;

    public IEnumerable<string> Validate()
    {
        static string Key(string name) => $"{SectionName}:{name}";
        if (StartAfterSeconds is < 1 or > 600)
        {
            yield return $"{Key(nameof(StartAfterSeconds))} must be 1 to 600 (was {StartAfterSeconds}).";
        }

        if (EndAfterSeconds is < 1 or > 3600)
        {
            yield return $"{Key(nameof(EndAfterSeconds))} must be 1 to 3600 (was {EndAfterSeconds}).";
        }

        if (EndFraction is <= 0 or > 1 || double.IsNaN(EndFraction))
        {
            yield return $"{Key(nameof(EndFraction))} must be above 0 and at most 1 (was {EndFraction}).";
        }

        if (CarpetPrefixLengthV4 is < 8 or > 31)
        {
            yield return $"{Key(nameof(CarpetPrefixLengthV4))} must be 8 to 31 (was {CarpetPrefixLengthV4}).";
        }

        if (CarpetPrefixLengthV6 is < 16 or > 127)
        {
            yield return $"{Key(nameof(CarpetPrefixLengthV6))} must be 16 to 127 (was {CarpetPrefixLengthV6}).";
        }

        if (PrefixThresholdFactor is < 1 or > 1_000_000 || double.IsNaN(PrefixThresholdFactor))
        {
            yield return $"{Key(nameof(PrefixThresholdFactor))} must be 1 to 1000000 (was {PrefixThresholdFactor}).";
        }

        if (CarpetMinHosts is < 2 or > 65_536)
        {
            yield return $"{Key(nameof(CarpetMinHosts))} must be 2 to 65536 (was {CarpetMinHosts}).";
        }

        foreach (var (name, value, min, max) in new (string, int, int, int)[]
                 {
                     (nameof(MaxKeysPerSecond), MaxKeysPerSecond, 1024, 16_777_216),
                     (nameof(MaxTrackedKeys), MaxTrackedKeys, 1024, 16_777_216),
                     (nameof(MaxHoldSeconds), MaxHoldSeconds, 2, 3600),
                     (nameof(MaxHoldEntries), MaxHoldEntries, 1024, 67_108_864),
                     (nameof(MaxWatchedKeys), MaxWatchedKeys, 1, 4096),
                     (nameof(SampleFlows), SampleFlows, 0, 10_000),
                     (nameof(SlowExportWarningSeconds), SlowExportWarningSeconds, 10, 86_400),
                 })
        {
            if (value < min || value > max)
            {
                yield return $"{Key(name)} must be {min} to {max} (was {value}).";
            }
        }

        if (Retention <= TimeSpan.Zero)
        {
            yield return $"{Key(nameof(Retention))} must be positive (was {Retention}).";
        }

        var shared = new SensorDetectionSettings { ProtectedNetworks = ProtectedNetworks, Incoming = Incoming, Outgoing = Outgoing, HostGroups = HostGroups };
        foreach (var (field, message) in DetectionSettingsValidator.Validate(shared))
        {
            yield return $"{Key(field.Replace("[", ":", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Replace('.', ':'))}: {message}.";
        }
    }
}

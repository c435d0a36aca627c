using System.Globalization;
using FlowWeb.Core.Rules;

namespace FlowWeb.Core.Sensors;

/// <summary>
/// How much anyone can create through the UI, the API or configuration (section <c>Limits</c>): every sensor, device,
/// tag, toplist and rule costs memory and per-flow work, so each has a ceiling, and a change beyond one is refused
/// with a message naming the field and the setting. The defaults fit a large installation on a small server.
/// </summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Sensors in total (each keeps an hour of per-second data and its toplists in memory).</summary>
    public int MaxSensors { get; set; } = 500;

    public int MaxDevices { get; set; } = 1000;

    public int MaxTagsPerSensor { get; set; } = 20;

    public int MaxTagLength { get; set; } = 64;

    public int MaxToplistsPerSensor { get; set; } = 20;

    /// <summary>Channels of a custom channel definition (each keeps its own per-second series).</summary>
    public int MaxChannelsPerSensor { get; set; } = 100;

    /// <summary>Names of sensors, devices and toplists.</summary>
    public int MaxNameLength { get; set; } = 128;

    /// <summary>A device's notes.</summary>
    public int MaxNotesLength { get; set; } = 4000;

    /// <summary>Characters of an include or exclude filter, a custom channel definition or a page's flow filter.</summary>
    public int MaxFilterLength { get; set; } = 65_536;

    /// <summary>
    /// Comparisons one flow record may take in a rule (<see cref="FilterRule.Cost"/>): a condition costs about log2 of
    /// its number of values (twice for fields that test both sides), so a list of 100,000 prefixes in one condition
    /// costs ~19 and fits, while 5,000 separate conditions do not.
    /// </summary>
    public int MaxFilterCost { get; set; } = 1000;

    public FilterLimits Filters => new(MaxFilterLength, MaxFilterCost);

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value, min, max) in new (string, int, int, int)[]
                 {
                     (nameof(MaxSensors), MaxSensors, 1, 100_000),
                     (nameof(MaxDevices), MaxDevices, 1, 100_000),
                     (nameof(MaxTagsPerSensor), MaxTagsPerSensor, 0, 1000),
                     (nameof(MaxTagLength), MaxTagLength, 1, 1000),
                     (nameof(MaxToplistsPerSensor), MaxToplistsPerSensor, 0, 1000),
                     (nameof(MaxChannelsPerSensor), MaxChannelsPerSensor, 1, 10_000),
                     (nameof(MaxNameLength), MaxNameLength, 1, 1000),
                     (nameof(MaxNotesLength), MaxNotesLength, 0, 1_000_000),
                     (nameof(MaxFilterLength), MaxFilterLength, 16, 16 * 1024 * 1024),
                     (nameof(MaxFilterCost), MaxFilterCost, 1, 1_000_000),
                 })
        {
            if (value < min || value > max)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{SectionName}:{name} must be {min:N0} to {max:N0} (was {value}).");
            }
        }
    }
}

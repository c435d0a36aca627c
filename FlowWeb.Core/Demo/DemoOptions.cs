using FlowWeb.Core.Encoding;
using Microsoft.Extensions.Configuration;

namespace FlowWeb.Core.Demo;

/// <summary>
/// Demo mode (configuration section <c>Demo</c>, or <c>--demo</c>, or the environment variable <c>FLOWWEB_DEMO=true</c>):
/// a simulated MikroTik inside FlowWeb sends made-up traffic to FlowWeb itself over UDP on 127.0.0.1.
/// </summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>The environment variable that turns demo mode on in a container without a configuration file.</summary>
    public const string EnvironmentVariable = "FLOWWEB_DEMO";

    public bool Enabled { get; set; }

    /// <summary>UDP port the simulated router sends to; 0 = <c>Collector:DefaultPort</c>.</summary>
    public int Port { get; set; }

    /// <summary>Flow records per second at the busiest time of day (at most <see cref="DemoTraffic.MaxFlowsPerSecond"/>).</summary>
    public int PeakFlowsPerSecond { get; set; } = 300;

    /// <summary>NetFlowV9 (RouterOS 7's recommended export) or Ipfix.</summary>
    public ExportProtocol Protocol { get; set; } = ExportProtocol.NetFlowV9;

    /// <summary>Seed of the traffic generator, for the same traffic on every start; unset = different each time.</summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Stages an attack (a UDP flood on the demo office's WAN address) this often, in minutes; 0 = never. The first one
    /// comes a minute after start. Fractions are allowed (tests use a few seconds).
    /// </summary>
    public double AttackEveryMinutes { get; set; }

    /// <summary>How long each staged attack lasts, in seconds.</summary>
    public int AttackSeconds { get; set; } = 120;

    /// <summary>True when demo mode is asked for by the section or by <see cref="EnvironmentVariable"/>.</summary>
    public static bool IsEnabled(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return IsTrue(configuration[$"{SectionName}:{nameof(Enabled)}"]) || IsTrue(configuration[EnvironmentVariable]);
    }

    private static bool IsTrue(string? value) => value is not null && (value.Trim() == "1" || (bool.TryParse(value.Trim(), out var on) && on));

    public IEnumerable<string> Validate()
    {
        if (Port is < 0 or > 65535)
        {
            yield return $"{SectionName}:{nameof(Port)} must be 0 (the collector's default port) or 1 to 65535 (was {Port}).";
        }

        if (PeakFlowsPerSecond is < 10 or > DemoTraffic.MaxFlowsPerSecond)
        {
            yield return $"{SectionName}:{nameof(PeakFlowsPerSecond)} must be 10 to {DemoTraffic.MaxFlowsPerSecond} (was {PeakFlowsPerSecond}).";
        }

        if (AttackEveryMinutes != 0 && (AttackEveryMinutes is < 0.05 or > 10_080 || double.IsNaN(AttackEveryMinutes)))
        {
            yield return $"{SectionName}:{nameof(AttackEveryMinutes)} must be 0 (off) or 0.05 to 10080 minutes (was {AttackEveryMinutes}).";
        }

        if (AttackSeconds is < 3 or > 3600)
        {
            yield return $"{SectionName}:{nameof(AttackSeconds)} must be 3 to 3600 (was {AttackSeconds}).";
        }
        else if (AttackEveryMinutes > 0 && AttackSeconds >= AttackEveryMinutes * 60)
        {
            yield return $"{SectionName}:{nameof(AttackSeconds)} ({AttackSeconds}) must be shorter than {SectionName}:{nameof(AttackEveryMinutes)} ({AttackEveryMinutes} minutes), or the attacks never stop.";
        }

        if (Protocol is not (ExportProtocol.NetFlowV9 or ExportProtocol.Ipfix))
        {
            yield return $"{SectionName}:{nameof(Protocol)} must be NetFlowV9 or Ipfix (was {Protocol}).";
        }
    }
}

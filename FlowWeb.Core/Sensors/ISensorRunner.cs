namespace FlowWeb.Core.Sensors;

/// <summary>
/// What runs the stored sensors (the collector). Sensors are configuration; they tell the running side what to run
/// through this and know nothing else of it, so the configuration side does not depend on the receive path.
/// </summary>
public interface ISensorRunner
{
    /// <summary>Makes the running sensors and open ports match <paramref name="definitions"/>.</summary>
    void Apply(IReadOnlyList<SensorDefinition> definitions);
}

namespace FlowWeb.Core.Sensors;

/// <summary>
/// Adds to a sensor's technical state what another subsystem knows (channel limits make it Warning or Down with
/// their messages). Called for every snapshot: must read published state only, never wait.
/// </summary>
public interface ISensorStatusOverlay
{
    SensorStatus Apply(SensorDefinition definition, SensorStatus status);
}

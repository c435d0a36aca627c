namespace FlowWeb.Core.Sensors;

/// <summary>
/// Where changes to settings are recorded (who, what, before and after). The web app records them in the database
/// with the acting user; without it (tools, tests) nothing is recorded.
/// </summary>
public interface IChangeAudit
{
    /// <param name="action">e.g. <c>sensor.update</c>.</param>
    /// <param name="subject">What changed, e.g. the sensor's name and id.</param>
    /// <param name="before">The settings before (null when created).</param>
    /// <param name="after">The settings after (null when deleted).</param>
    Task RecordAsync(string action, string subject, object? before, object? after, CancellationToken cancellationToken = default);
}

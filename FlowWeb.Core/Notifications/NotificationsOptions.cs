namespace FlowWeb.Core.Notifications;

/// <summary>
/// Delivery settings (configuration section <c>Notifications</c>). Channels and rules can also be declared there
/// (<c>Notifications:Channels</c>, <c>Notifications:Rules</c>, see <see cref="DeclaredNotifications"/>).
/// </summary>
public sealed class NotificationsOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Attempts per delivery, the first included.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Wait before the second attempt; it doubles for each further one (5 s, 10 s, 20 s by default).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Deliveries waiting; when full, new ones are dropped, recorded and counted.</summary>
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>Deliveries in progress at once (a slow channel does not hold up the others).</summary>
    public int MaxConcurrentDeliveries { get; set; } = 4;

    public IEnumerable<string> Validate()
    {
        if (MaxAttempts is < 1 or > 20)
        {
            yield return $"{SectionName}:{nameof(MaxAttempts)} must be 1 to 20 (was {MaxAttempts}).";
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromHours(1))
        {
            yield return $"{SectionName}:{nameof(RetryDelay)} must be between 00:00:00 and 01:00:00 (was {RetryDelay}).";
        }

        if (QueueCapacity is < 1 or > 100_000)
        {
            yield return $"{SectionName}:{nameof(QueueCapacity)} must be 1 to 100000 (was {QueueCapacity}).";
        }

        if (MaxConcurrentDeliveries is < 1 or > 64)
        {
            yield return $"{SectionName}:{nameof(MaxConcurrentDeliveries)} must be 1 to 64 (was {MaxConcurrentDeliveries}).";
        }
    }
}

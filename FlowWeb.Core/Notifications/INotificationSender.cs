namespace FlowWeb.Core.Notifications;

/// <summary>A delivery failed; <see cref="Exception.Message"/> says why in words an operator can act on.</summary>
public sealed class NotificationDeliveryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Sends one message through one channel type. Throws <see cref="NotificationDeliveryException"/> (or lets an I/O error through) when it did not arrive.</summary>
public interface INotificationSender
{
    NotificationChannelType Type { get; }

    /// <param name="deliveryId">The same on every attempt of one delivery, so a receiver can drop repeats.</param>
    Task SendAsync(NotificationChannelDefinition channel, NotificationMessage message, Guid deliveryId, CancellationToken cancellationToken);
}

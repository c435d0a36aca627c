using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FlowWeb.Core.Notifications;

/// <summary>
/// Mail through SMTP with MailKit: STARTTLS required (or TLS on connect), then authentication when a user name is
/// set, one plain-text message to every recipient. A connection per message: alerts are rare, and a kept connection
/// would time out at the server between them.
/// </summary>
public sealed class EmailSender : INotificationSender
{
    /// <summary>Connect, authenticate and send must finish within this.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public NotificationChannelType Type => NotificationChannelType.Email;

    public async Task SendAsync(NotificationChannelDefinition channel, NotificationMessage message, Guid deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        var settings = channel.Email;
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(settings.From));
        foreach (var to in settings.To)
        {
            mail.To.Add(MailboxAddress.Parse(to));
        }

        mail.Subject = message.Subject;
        mail.Date = message.SentAt;
        mail.Headers.Add("X-FlowWeb-Type", message.Type.ToString());
        mail.Headers.Add("X-FlowWeb-Delivery", deliveryId.ToString());
        mail.Body = new TextPart("plain") { Text = message.ToPlainText() };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        if (settings.SkipCertificateValidation)
        {
            // Still requires a certificate (a TLS session), only not a trusted one.
            client.ServerCertificateValidationCallback = (_, certificate, _, _) => certificate is not null;
        }

        var security = settings.Security switch
        {
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        try
        {
            await client.ConnectAsync(settings.Host.Trim(), settings.Port, security, timeout.Token).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(settings.UserName))
            {
                await client.AuthenticateAsync(settings.UserName, channel.Secret ?? "", timeout.Token).ConfigureAwait(false);
            }

            await client.SendAsync(mail, timeout.Token).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NotificationDeliveryException($"SMTP {settings.Host}:{settings.Port} did not finish within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is MailKit.ServiceNotConnectedException or MailKit.ServiceNotAuthenticatedException or AuthenticationException
                                      or SmtpCommandException or SmtpProtocolException or SslHandshakeException or System.Net.Sockets.SocketException or IOException)
        {
            throw new NotificationDeliveryException($"SMTP {settings.Host}:{settings.Port}: {e.Message}", e);
        }
    }
}

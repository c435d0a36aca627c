using FlowWeb.Core.Sensors;
using MimeKit;

namespace FlowWeb.Core.Notifications;

/// <summary>Every check on a notification channel, for the form, the API and configuration alike; all problems at once, each naming its field.</summary>
public static class NotificationChannelValidator
{
    public static IReadOnlyList<ValidationError> Validate(NotificationChannelDefinition channel, IEnumerable<NotificationChannelDefinition> others)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var errors = new List<ValidationError>();
        void Fail(string field, string message) => errors.Add(new ValidationError(field, message));

        if (string.IsNullOrWhiteSpace(channel.Name))
        {
            Fail(nameof(channel.Name), "a name is required");
        }
        else if (channel.Name.Length > NotificationChannelDefinition.MaxNameLength)
        {
            Fail(nameof(channel.Name), $"at most {NotificationChannelDefinition.MaxNameLength} characters");
        }
        else if (others.Any(o => o.Id != channel.Id && string.Equals(o.Name.Trim(), channel.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
        {
            Fail(nameof(channel.Name), $"another channel is named '{channel.Name.Trim()}'");
        }

        if (!Enum.IsDefined(channel.Type))
        {
            Fail(nameof(channel.Type), $"unknown type '{channel.Type}' (Email, Webhook or Script)");
        }

        if ((channel.Secret?.Length ?? 0) > 1000)
        {
            Fail(nameof(channel.Secret), "at most 1000 characters");
        }

        switch (channel.Type)
        {
            case NotificationChannelType.Email:
                CheckEmail(channel.Email, channel.HasSecret, Fail);
                break;
            case NotificationChannelType.Webhook:
                CheckWebhook(channel.Webhook, Fail);
                break;
            case NotificationChannelType.Script:
                CheckScript(channel.Script, Fail);
                break;
        }

        return errors;
    }

    private static void CheckEmail(EmailSettings e, bool hasPassword, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(e.Host) || Uri.CheckHostName(e.Host.Trim()) == UriHostNameType.Unknown)
        {
            fail("Email.Host", "an SMTP server name or address is required");
        }

        if (e.Port is < 1 or > 65535)
        {
            fail("Email.Port", "must be 1 to 65535");
        }

        if (!Enum.IsDefined(e.Security))
        {
            fail("Email.Security", "StartTls, SslOnConnect or None");
        }

        if (!MailboxAddress.TryParse(e.From ?? "", out _) || !(e.From ?? "").Contains('@', StringComparison.Ordinal))
        {
            fail("Email.From", $"'{e.From}' is not an email address");
        }

        if (e.To.Count == 0)
        {
            fail("Email.To", "at least one recipient is required");
        }
        else if (e.To.Count > 50)
        {
            fail("Email.To", "at most 50 recipients");
        }

        foreach (var to in e.To.Where(t => !MailboxAddress.TryParse(t ?? "", out _) || !(t ?? "").Contains('@', StringComparison.Ordinal)))
        {
            fail("Email.To", $"'{to}' is not an email address");
        }

        if (e.Security == SmtpSecurity.None && (hasPassword || !string.IsNullOrWhiteSpace(e.UserName)))
        {
            fail("Email.Security", "authentication needs STARTTLS or SSL: a password is never sent unencrypted");
        }

        if (!string.IsNullOrWhiteSpace(e.UserName) && !hasPassword)
        {
            fail("Secret", "a password is required with a user name");
        }
    }

    private static void CheckWebhook(WebhookSettings w, Action<string, string> fail)
    {
        if (!Uri.TryCreate(w.Url?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            fail("Webhook.Url", $"'{w.Url}' is not an http or https URL");
        }

        if (w.TimeoutSeconds is < 1 or > 120)
        {
            fail("Webhook.TimeoutSeconds", "must be 1 to 120 seconds");
        }
    }

    private static void CheckScript(ScriptSettings s, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(s.Path) || !Path.IsPathFullyQualified(s.Path.Trim()))
        {
            fail("Script.Path", "the full path of a program is required (e.g. /usr/local/bin/notify.sh)");
        }
        else if (!File.Exists(s.Path.Trim()))
        {
            fail("Script.Path", $"'{s.Path.Trim()}' does not exist");
        }

        if (s.Arguments.Count > 20)
        {
            fail("Script.Arguments", "at most 20 arguments");
        }

        if (s.TimeoutSeconds is < 1 or > 600)
        {
            fail("Script.TimeoutSeconds", "must be 1 to 600 seconds");
        }
    }
}

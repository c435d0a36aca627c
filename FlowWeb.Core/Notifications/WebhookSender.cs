using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace FlowWeb.Core.Notifications;

/// <summary>
/// An HTTP POST of the message's JSON body. With a secret, <c>X-FlowWeb-Signature: sha256=HEX</c> carries the
/// HMAC-SHA256 of the exact body bytes under that secret (as GitHub's <c>X-Hub-Signature-256</c>), so a receiver can
/// check the sender; <c>X-FlowWeb-Delivery</c> is the same on every retry. Any answer other than 2xx, a timeout or a
/// network error is a failure.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients) : INotificationSender
{
    public const string HttpClientName = "FlowWeb.Webhooks";
    public const string SignatureHeader = "X-FlowWeb-Signature";
    public const string DeliveryHeader = "X-FlowWeb-Delivery";
    public const string EventHeader = "X-FlowWeb-Event";

    public NotificationChannelType Type => NotificationChannelType.Webhook;

    public static string Sign(string secret, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), body));
    }

    public async Task SendAsync(NotificationChannelDefinition channel, NotificationMessage message, Guid deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        var settings = channel.Webhook;
        var body = System.Text.Encoding.UTF8.GetBytes(message.ToJson());
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url.Trim()) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(DeliveryHeader, deliveryId.ToString());
        request.Headers.Add(EventHeader, message.Type.ToString().ToLowerInvariant());
        if (channel.HasSecret)
        {
            request.Headers.Add(SignatureHeader, Sign(channel.Secret!, body));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        var client = clients.CreateClient(HttpClientName);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new NotificationDeliveryException(string.Create(CultureInfo.InvariantCulture,
                    $"{settings.Url} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}"));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NotificationDeliveryException($"{settings.Url} did not answer within {settings.TimeoutSeconds} s");
        }
        catch (HttpRequestException e)
        {
            throw new NotificationDeliveryException($"{settings.Url}: {e.Message}", e);
        }
    }
}

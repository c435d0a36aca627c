using FlowWeb.Core.Notifications;
using FlowWeb.Tests.Notifications;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// In a real Chromium: the Notifications page lists a webhook channel; its "Send test" button delivers a test message
/// to a real HTTP receiver on loopback and says so; a channel whose receiver fails shows the failure, after its retries.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotificationsJourneyTests(BrowserAppFixture app)
{
    [Fact]
    public async Task SendTest_WebhookChannel_ReceiverGetsItAndThePageSaysSentThenAFailingOneSaysFailed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var service = app.Service<NotificationService>();
        var good = new NotificationChannelDefinition
        {
            Name = "journey hook", Type = NotificationChannelType.Webhook, Webhook = new WebhookSettings { Url = receiver.Url.ToString(), TimeoutSeconds = 5 },
        };
        var bad = new NotificationChannelDefinition
        {
            Name = "journey broken hook", Type = NotificationChannelType.Webhook,
            Webhook = new WebhookSettings { Url = new Uri(receiver.Url, "/missing").ToString(), TimeoutSeconds = 5 },
        };
        Assert.True((await service.SaveChannelAsync(good)).Saved);
        Assert.True((await service.SaveChannelAsync(bad)).Saved);
        try
        {
            await using var browser = await BrowserSession.OpenAsync(app, "notifications");
            var page = browser.Page;
            await browser.GoToAsync("notifications");
            var row = page.Locator("tr.channel-row[data-channel='journey hook']");
            await Expect(row).ToContainTextAsync(receiver.Url.ToString());

            await row.Locator(".send-test-button").ClickAsync();
            await Expect(row.Locator(".test-result")).ToHaveAttributeAsync("data-outcome", "Sent", new() { Timeout = 20_000 });
            var hook = Assert.Single(receiver.Received);
            Assert.Equal("test", hook.Event);
            Assert.Contains("journey hook", hook.Text, StringComparison.Ordinal);
            await Expect(page.Locator("tr.delivery-row[data-outcome='Sent']").First).ToContainTextAsync("journey hook");

            var broken = page.Locator("tr.channel-row[data-channel='journey broken hook']");
            await broken.Locator(".send-test-button").ClickAsync();
            await Expect(broken.Locator(".test-result")).ToHaveAttributeAsync("data-outcome", "Failed", new() { Timeout = 60_000 });
            await Expect(broken.Locator(".test-result")).ToContainTextAsync("404");
            await browser.ScreenshotAsync("notifications.png");
            Assert.Empty(browser.Errors);
        }
        finally
        {
            await service.DeleteChannelAsync(good.Id);
            await service.DeleteChannelAsync(bad.Id);
        }
    }
}

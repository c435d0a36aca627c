using Microsoft.Playwright;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// Waiting for the page to be at a URL without missing the navigation. Playwright's own WaitForURLAsync reads the URL,
/// then subscribes to the next navigation: a navigation whose event lands between the two (Blazor's in-circuit
/// NavigateTo is quick) is never seen, and the wait times out at the right URL. <see cref="IPage.Url"/> is kept by
/// every navigation event whoever listens, so polling it cannot miss one.
/// </summary>
internal static class PageUrl
{
    /// <summary>Waits until the page's URL satisfies <paramref name="matches"/> and that document has loaded.</summary>
    public static async Task WaitForAsync(this IPage page, Func<string, bool> matches, int timeoutMs = 15_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!matches(page.Url))
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"the page stayed at {page.Url} for {timeoutMs} ms");
            }

            await Task.Delay(25);
        }

        // A new document clears the load states before its URL is reported, so this waits for that document's load.
        await page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = Math.Max(1, (float)(deadline - DateTime.UtcNow).TotalMilliseconds) });
    }

    /// <summary>Waits until the page is at a path ending in <paramref name="pathEnd"/> (query and fragment aside).</summary>
    public static Task WaitForPathAsync(this IPage page, string pathEnd, int timeoutMs = 15_000)
        => page.WaitForAsync(url => new Uri(url).AbsolutePath.EndsWith(pathEnd, StringComparison.Ordinal), timeoutMs);
}

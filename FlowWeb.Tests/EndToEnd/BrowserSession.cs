using Microsoft.Playwright;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>One browser context and page for a test, recording every console error and uncaught page error.</summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly Uri _baseUrl;
    private readonly List<string> _errors = [];

    private readonly string _name;

    private BrowserSession(IBrowserContext context, IPage page, Uri baseUrl, string name)
    {
        _context = context;
        _name = name;
        Page = page;
        _baseUrl = baseUrl;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_errors)
                {
                    _errors.Add($"console: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_errors)
            {
                _errors.Add($"page error: {error}");
            }
        };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <param name="name">Names the screenshot of the last page, taken when the session closes (what a failing test saw).</param>
    /// <param name="timeZone">The browser's time zone (an IANA name); the machine's when null.</param>
    /// <param name="colorScheme">The system colour scheme the browser reports; light when null.</param>
    /// <param name="signIn">Signs in as the tests' administrator (<see cref="Web.TestAccounts"/>) unless false.</param>
    public static Task<BrowserSession> OpenAsync(BrowserAppFixture app, string name, int width = 1280, int height = 900, string? timeZone = null,
        ColorScheme? colorScheme = null, bool signIn = true) =>
        OpenAsync(app.Browser, app.BaseUrl, name, width, height, timeZone, colorScheme, signIn);

    /// <summary>A session against another app than the fixture's (e.g. one a test restarts).</summary>
    public static async Task<BrowserSession> OpenAsync(IBrowser browser, Uri baseUrl, string name, int width = 1280, int height = 900, string? timeZone = null,
        ColorScheme? colorScheme = null, bool signIn = true)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
            TimezoneId = timeZone,
            ColorScheme = colorScheme ?? ColorScheme.Light,
        });
        context.SetDefaultTimeout(15_000);
        var session = new BrowserSession(context, await context.NewPageAsync(), baseUrl, name);
        if (signIn)
        {
            await session.SignInAsync(Web.TestAccounts.AdminUser, Web.TestAccounts.AdminPassword);
        }

        return session;
    }

    /// <summary>Signs in through the sign-in page, as a person would, and waits until it has left it.</summary>
    public async Task SignInAsync(string user, string password)
    {
        await Page.GotoAsync(new Uri(_baseUrl, "account/login").ToString());
        await Page.FillAsync("#username", user);
        await Page.FillAsync("#password", password);
        await Page.ClickAsync("button[type=submit]");
        await Page.WaitForAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
    }

    /// <summary>
    /// Clicks a form's save button and waits until the browser is at a path ending in <paramref name="pathEnd"/>. When it never gets
    /// there, the failure says what the page showed instead: the form's problems, the browser's errors and whether
    /// the circuit was reconnecting (a timeout alone says nothing of why a save did not leave the form).
    /// </summary>
    public async Task SaveAndWaitForAsync(string saveButton, string pathEnd)
    {
        await Page.ClickAsync(saveButton);
        try
        {
            await Page.WaitForPathAsync(pathEnd);
        }
        catch (TimeoutException e)
        {
            // Reads that do not wait: the page may be anywhere by now.
            static async Task<string> Texts(ILocator locator) => string.Join(" | ", await locator.AllInnerTextsAsync());
            var shown = $"at {Page.Url}; summary: [{await Texts(Page.Locator(".form-summary"))}]; field errors: [{await Texts(Page.Locator("[data-error-for]"))}]; "
                + $"snackbar: [{await Texts(Page.Locator(".mud-snackbar"))}]; reconnect modal: [{await Texts(Page.Locator("#components-reconnect-modal"))}]; "
                + $"disabled save buttons: {await Page.Locator($"{saveButton}[disabled]").CountAsync()}; browser errors: [{string.Join(" | ", Errors)}]";
            throw new TimeoutException($"Saving did not reach {pathEnd}: {shown}", e);
        }
    }

    /// <summary>Loads a page and waits for the Blazor circuit: clicks sent before it is attached are lost.</summary>
    public async Task GoToAsync(string relative)
    {
        await Page.GotoAsync(new Uri(_baseUrl, relative).ToString());
        await WaitInteractiveAsync();
    }

    public Task WaitInteractiveAsync() => Page.WaitForSelectorAsync("[data-interactive=true]");

    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Artifacts.ResultPath(name);
        // Toasts come and go with timing; leave them out so that screenshots compare run to run.
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Style = ".mud-snackbar { visibility: hidden !important; }" });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.ResultPath($"last-{_name}.png"), Timeout = 5_000 });
        }
        catch (PlaywrightException)
        {
            // The page is gone; nothing to show.
        }

        await _context.CloseAsync();
    }
}

using FlowWeb.Components.Shared;
using Microsoft.JSInterop;
using MudBlazor;

namespace FlowWeb.Components.Layout;

/// <summary>
/// The frame of every page. Once interactive it asks the browser for what the server cannot know: its time zone
/// (cascaded to every component as a <see cref="DisplayZone"/>, or UTC when the reader switched to it) and the
/// colour scheme (the system's, or light or dark as the reader chose). Both choices live in the browser's storage,
/// so they are remembered per browser without an account.
/// </summary>
public sealed partial class MainLayout
{
    private MudThemeProvider? _themeProvider;
    private DisplayZone _zone = DisplayZone.Utc;
    private DisplayZone _browserZone = DisplayZone.Utc;
    private ThemeChoice _theme = ThemeChoice.System;
    private bool _systemDark;
    private bool _dark;
    private bool _drawerOpen = true;
    private bool _interactive;

    [Microsoft.AspNetCore.Components.Inject]
    private IJSRuntime Js { get; set; } = default!;

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Marks the page as live (the circuit is attached), for people reading the DOM and for the browser tests.
        if (!firstRender)
        {
            return;
        }

        try
        {
            var settings = await Js.InvokeAsync<BrowserSettings>("flowweb.settings");
            _browserZone = DisplayZone.Browser(settings.TimeZone, settings.OffsetMinutes);
            _zone = settings.Utc ? DisplayZone.Utc : _browserZone;
            _theme = Enum.TryParse<ThemeChoice>(settings.Theme, ignoreCase: true, out var theme) ? theme : ThemeChoice.System;
            _systemDark = settings.SystemDark;
            _dark = IsDark();
            if (_themeProvider is not null)
            {
                await _themeProvider.WatchSystemDarkModeAsync(SystemDarkChangedAsync);
            }
        }
        catch (JSException)
        {
            // A browser without the script (blocked, stale cache): UTC and the light theme, as prerendered.
        }

        _interactive = true;
        StateHasChanged();
    }

    private bool IsDark() => _theme == ThemeChoice.Dark || (_theme == ThemeChoice.System && _systemDark);

    private Task SystemDarkChangedAsync(bool dark)
    {
        _systemDark = dark;
        _dark = IsDark();
        return InvokeAsync(StateHasChanged);
    }

    private async Task SetUtcAsync(bool utc)
    {
        _zone = utc ? DisplayZone.Utc : _browserZone;
        await Js.InvokeVoidAsync("flowweb.remember", "utc", utc ? "1" : "0");
    }

    private async Task SetThemeAsync(ThemeChoice theme)
    {
        _theme = theme;
        _dark = IsDark();
        await Js.InvokeVoidAsync("flowweb.remember", "theme", theme.ToString().ToLowerInvariant());
    }

    /// <summary>What <c>flowweb.settings()</c> returns.</summary>
    private sealed record BrowserSettings(string? TimeZone, int OffsetMinutes, bool Utc, string? Theme, bool SystemDark);
}

/// <summary>The colour scheme a reader picked: the system's, or always light or dark.</summary>
public enum ThemeChoice
{
    System,
    Light,
    Dark,
}

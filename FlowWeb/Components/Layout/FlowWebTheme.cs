using MudBlazor;

namespace FlowWeb.Components.Layout;

/// <summary>One look for every page: a dark app bar and clear status colours, as in a network monitor.</summary>
internal static class FlowWebTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1565c0",
            Secondary = "#00897b",
            AppbarBackground = "#1e2a38",
            AppbarText = "#ffffff",
            Background = "#f4f6f9",
            DrawerBackground = "#ffffff",
            Success = "#2e7d32",
            Warning = "#f9a825",
            Error = "#c62828",
            Info = "#1976d2",
        },
        Typography = new Typography
        {
            Button = new ButtonTypography { TextTransform = "none" },
        },
        LayoutProperties = new LayoutProperties
        {
            DrawerWidthLeft = "230px",
        },
    };
}

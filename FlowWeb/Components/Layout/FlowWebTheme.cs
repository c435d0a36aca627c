using MudBlazor;

namespace FlowWeb.Components.Layout;

/// <summary>One look for every page, light or dark: a dark app bar and clear status colours, as in a network monitor.</summary>
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
        PaletteDark = new PaletteDark
        {
            Primary = "#64b5f6",
            Secondary = "#4db6ac",
            AppbarBackground = "#121a24",
            AppbarText = "#ffffff",
            Background = "#10151c",
            Surface = "#1b232d",
            DrawerBackground = "#161d26",
            Success = "#66bb6a",
            Warning = "#ffca28",
            Error = "#ef5350",
            Info = "#42a5f5",
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

using MudBlazor;

namespace Portal.Components.Layout;

public static class PortalTheme
{
    private static readonly string[] SystemFonts =
        ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1e5aa8",
            // MudBlazor's default bright green fails contrast with white text in snackbars and chips; this one keeps 4.5:1
            // even while a snackbar is still fading in (axe measured 4.4:1 for #2e7d32 at that moment).
            Success = "#1b5e20",
            Error = "#c62828",
            Secondary = "#00796b",
            AppbarBackground = "#1e5aa8",
            Background = "#f6f8fb",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8ab4f8",
            // Labels, helper text and counters of inputs need more than MudBlazor's default dark secondary text.
            TextSecondary = "rgba(255,255,255,0.70)",
            Secondary = "#7fd3c7",
            // Light primary/secondary need dark text: MudBlazor's default white on #8ab4f8 is about 2:1 (WCAG asks 4.5:1).
            PrimaryContrastText = "#0b1a2e",
            SecondaryContrastText = "#0b1a2e",
            AppbarBackground = "#1b2636",
            // Error text (an outlined "Deny" button, field errors) needs a lighter red than MudBlazor's #f64e62 on dark surfaces.
            Error = "#ff8a80",
            ErrorContrastText = "#3b0000",
            // The same for success snackbars: a light green with dark text instead of MudBlazor's white on #3dcb6c (about 2:1).
            Success = "#81c784",
            SuccessContrastText = "#0b2e13",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = SystemFonts },
            H1 = new H1Typography { FontFamily = SystemFonts },
            H2 = new H2Typography { FontFamily = SystemFonts },
            H3 = new H3Typography { FontFamily = SystemFonts },
            H4 = new H4Typography { FontFamily = SystemFonts },
            H5 = new H5Typography { FontFamily = SystemFonts },
            H6 = new H6Typography { FontFamily = SystemFonts },
            Button = new ButtonTypography { FontFamily = SystemFonts },
            Body1 = new Body1Typography { FontFamily = SystemFonts },
            Body2 = new Body2Typography { FontFamily = SystemFonts },
        },
    };
}

using MudBlazor;

namespace Portal.Components;

/// <summary>
/// MudBlazor's CSS classes for markup written without the component, where a page repeats it often enough for the
/// components to matter (docs/performance.md): the look stays MudBlazor's.
/// </summary>
public static class MudClasses
{
    /// <summary>A MudLink: primary, underlined on hover.</summary>
    public const string Link = "mud-typography mud-link mud-primary-text mud-link-underline-hover mud-typography-body1";

    /// <summary>A MudLink in body2 text.</summary>
    public const string SmallLink = "mud-typography mud-link mud-primary-text mud-link-underline-hover mud-typography-body2";

    /// <summary>A MudIconButton in the color of the text around it, as in the app bar.</summary>
    public const string IconButton = "mud-button-root mud-icon-button mud-inherit-text hover:mud-inherit-hover mud-ripple mud-ripple-icon";

    /// <summary>A medium MudButton of the variant and color.</summary>
    public static string Button(Variant variant, Color color)
    {
        var kind = $"mud-button-{variant.ToString().ToLowerInvariant()}";
        return $"mud-button-root mud-button {kind} {kind}-{color.ToString().ToLowerInvariant()} {kind}-size-medium mud-ripple";
    }
}

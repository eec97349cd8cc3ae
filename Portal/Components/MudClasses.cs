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
}

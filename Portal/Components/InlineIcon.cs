using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Portal.Components;

/// <summary>
/// MudIcon's markup without a MudIcon. Every component on a page costs render time and, in an interactive page, memory
/// in the circuit for as long as the page is open; where icons repeat (the menu, timelines, cards) that adds up
/// (docs/performance.md). The icons are MudBlazor's constant SVG paths, never user input.
/// </summary>
public static class InlineIcon
{
    public static MarkupString Svg(string icon, Size size = Size.Medium, Color color = Color.Default, string? extraClass = null)
    {
        var tint = color == Color.Default ? "mud-icon-default" : $"mud-{color.ToString().ToLowerInvariant()}-text";
        var classes = $"mud-icon-root {tint} mud-svg-icon mud-icon-size-{size.ToString().ToLowerInvariant()}{(extraClass is null ? "" : " " + extraClass)}";
        return new MarkupString($"<svg class=\"{classes}\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" role=\"img\">{icon}</svg>");
    }
}

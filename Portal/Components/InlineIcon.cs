using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Portal.Components;

/// <summary>
/// MudIcon's markup without a MudIcon. Every component on a page costs render time and, in an interactive page, memory
/// in the circuit for as long as the page is open; where icons repeat (the menu, timelines, cards) that adds up
/// (docs/performance.md). The icons are MudBlazor's constant SVG paths, never user input, so the few combinations the
/// code uses are built once and shared by every request and circuit.
/// </summary>
public static class InlineIcon
{
    private static readonly ConcurrentDictionary<(string Icon, Size Size, Color Color, string? ExtraClass), MarkupString> Built = new();

    /// <summary>The icon's SVG; <see cref="Color.Inherit"/> takes the color of the text around it, as in a button.</summary>
    public static MarkupString Svg(string icon, Size size = Size.Medium, Color color = Color.Default, string? extraClass = null) =>
        Built.GetOrAdd((icon, size, color, extraClass), static key =>
        {
            var tint = key.Color switch
            {
                Color.Default => "mud-icon-default ",
                Color.Inherit => "",
                _ => $"mud-{key.Color.ToString().ToLowerInvariant()}-text ",
            };
            var classes = $"mud-icon-root {tint}mud-svg-icon mud-icon-size-{key.Size.ToString().ToLowerInvariant()}{(key.ExtraClass is null ? "" : " " + key.ExtraClass)}";
            return new MarkupString($"<svg class=\"{classes}\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" role=\"img\">{key.Icon}</svg>");
        });
}

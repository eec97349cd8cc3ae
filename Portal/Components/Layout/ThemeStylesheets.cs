using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace Portal.Components.Layout;

/// <summary>
/// MudBlazor's theme (its CSS variables, scrollbar and chart rules) for the light and the dark mode as two stylesheets,
/// rendered once from <see cref="MudThemeProvider"/> with <see cref="PortalTheme"/> and served at
/// <c>/theme/{mode}.css?v={version}</c> to be cached by the browser. Rendered into each page, the provider's 12 KB per
/// mode cost every request the time to build it and every response the bytes (docs/performance.md).
/// </summary>
public sealed partial class ThemeStylesheets(IServiceProvider services, ILoggerFactory loggers)
{
    private readonly Lazy<Task<Sheets>> _sheets = new(() => RenderAsync(services, loggers));

    public sealed record Sheets(string Light, string Dark, string Version)
    {
        public string Href(bool dark) => $"theme/{(dark ? ThemePreference.Dark : ThemePreference.Light)}.css?v={Version}";
    }

    public Task<Sheets> GetAsync() => _sheets.Value;

    private static async Task<Sheets> RenderAsync(IServiceProvider services, ILoggerFactory loggers)
    {
        // MudThemeProvider asks for scoped services (the JS runtime), which a static render never calls.
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        var light = await RenderCssAsync(renderer, dark: false);
        var dark = await RenderCssAsync(renderer, dark: true);
        var version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(light + dark)))[..12];
        return new Sheets(light, dark, version);
    }

    private static Task<string> RenderCssAsync(HtmlRenderer renderer, bool dark) =>
        renderer.Dispatcher.InvokeAsync(async () =>
        {
            var html = await renderer.RenderComponentAsync<MudThemeProvider>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(MudThemeProvider.Theme)] = PortalTheme.Theme,
                [nameof(MudThemeProvider.IsDarkMode)] = dark,
            }));
            return string.Join("\n", StyleElement().Matches(html.ToHtmlString()).Select(match => match.Groups[1].Value.Trim()));
        });

    [GeneratedRegex("<style[^>]*>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElement();
}

using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Tests.Integration;

/// <summary>MudBlazor's theme served as two cacheable stylesheets instead of inline in every page (ThemeStylesheets).</summary>
public sealed class ThemeStylesheetTests
{
    [Fact]
    public async Task Each_mode_is_a_cacheable_stylesheet_of_the_portal_theme_and_pages_link_the_remembered_one_first()
    {
        await using var app = new PortalAppFactory();
        using var client = app.CreateClient();

        var page = await client.GetStringAsync("/Account/Login");
        var links = Regex.Matches(page, "<link rel=\"stylesheet\" href=\"(theme/(light|dark)\\.css\\?v=[0-9a-f]{12})\" data-palette=\"(light|dark)\"( media=\"not all\")? />");
        Assert.Equal(["light", "dark"], links.Select(l => l.Groups[3].Value));
        Assert.Equal("", links[0].Groups[4].Value);
        Assert.Equal(" media=\"not all\"", links[1].Groups[4].Value);
        Assert.DoesNotContain("--mud-palette-primary", page);

        var light = await client.GetAsync(links[0].Groups[1].Value);
        var dark = await client.GetAsync(links[1].Groups[1].Value);
        Assert.Equal("text/css", light.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", light.Headers.CacheControl?.ToString());
        // PortalTheme's primary colors: #1e5aa8 in light mode, #8ab4f8 in dark mode.
        Assert.Contains("--mud-palette-primary: rgba(30,90,168,1);", await light.Content.ReadAsStringAsync());
        Assert.Contains("--mud-palette-primary: rgba(138,180,248,1);", await dark.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/theme/sepia.css")).StatusCode);
    }

    [Fact]
    public async Task A_page_for_someone_who_chose_dark_mode_links_the_dark_stylesheet_first()
    {
        await using var app = new PortalAppFactory();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        request.Headers.Add("Cookie", "portal-theme=dark");

        var page = await (await client.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Matches("data-palette=\"dark\" />\\s*<link rel=\"stylesheet\" href=\"theme/light\\.css", page);
    }
}

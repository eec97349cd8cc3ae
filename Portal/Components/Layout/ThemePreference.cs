namespace Portal.Components.Layout;

/// <summary>The remembered light/dark choice: a cookie, so the server renders the right mode on every page.</summary>
public static class ThemePreference
{
    public const string CookieName = "portal-theme";
    public const string Dark = "dark";
    public const string Light = "light";

    public static bool IsDark(HttpRequest request) => request.Cookies[CookieName] == Dark;

    public static void Write(HttpResponse response, bool dark) =>
        response.Cookies.Append(CookieName, dark ? Dark : Light, new CookieOptions
        {
            Path = "/",
            MaxAge = TimeSpan.FromDays(365),
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
        });
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Tests.Integration;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

/// <summary>One test's browser context and page, with the steps every journey shares.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly List<string> _pageErrors = [];
    private readonly List<string> _consoleErrors = [];

    public BrowserSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        Page.PageError += (_, error) => _pageErrors.Add(error);
        Page.Console += (_, message) =>
        {
            // Warnings too: Blazor reports a failed circuit start or reconnection as a warning before it shows its error bar.
            if (message.Type is "error" or "warning")
                _consoleErrors.Add($"{Page.Url} [{message.Type}]: {message.Text}");
        };
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }

    /// <summary>The app bar (MudAppBar renders a page-level header, the banner landmark).</summary>
    public ILocator AppBar => Page.GetByRole(AriaRole.Banner);

    /// <summary>The main navigation in the drawer, shown to signed-in users.</summary>
    public ILocator Navigation => Page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation", Exact = true });

    public ILocator Heading(string name) =>
        Page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true, Level = 1 });

    /// <summary>
    /// Waits until the Blazor circuit runs the layout: before that, prerendered buttons ignore clicks. Only for pages
    /// with interactive routing; the account pages are static and stay <c>data-interactive="false"</c>.
    /// </summary>
    public Task WaitForInteractivityAsync() =>
        Expect(Page.Locator("#portal-root")).ToHaveAttributeAsync("data-interactive", "true");

    /// <summary>
    /// Fills and submits the sign-in form on /Account/Login, by its final wording (Email, Password, Sign in), and, when
    /// Portal asks for a two-factor code (staff), the current code for <paramref name="authenticatorKey"/>.
    /// </summary>
    public async Task SubmitSignInFormAsync(
        string email, string password = DevelopmentData.DemoPassword, string authenticatorKey = DevelopmentData.DemoAuthenticatorKey)
    {
        await Expect(Page).ToHaveURLAsync(new Regex("/Account/Login", RegexOptions.IgnoreCase));
        await Page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Page.WaitForURLAsync(url => !IsPath(url, "/Account/Login"));
        if (IsPath(Page.Url, "/Account/LoginWith2fa"))
        {
            await Page.GetByLabel("Authenticator code", new() { Exact = true }).FillAsync(AccountForms.AuthenticatorCode(authenticatorKey));
            await Page.GetByRole(AriaRole.Button, new() { Name = "Verify and sign in", Exact = true }).ClickAsync();
        }
    }

    private static bool IsPath(string url, string path) => new Uri(url).AbsolutePath.Equals(path, StringComparison.OrdinalIgnoreCase);

    /// <summary>Signs in from the login page and waits for the page the app sends this account to.</summary>
    public async Task SignInAsync(string email, string expectedLandingPath)
    {
        await Page.GotoAsync("/Account/Login");
        await SubmitSignInFormAsync(email);
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == expectedLandingPath);
        await WaitForInteractivityAsync();
    }

    /// <summary>
    /// At a phone's width: closes the navigation drawer if it starts open beside the content, as a phone user does to
    /// read the page, and returns the first few elements of the page that stick out past the screen's right edge.
    /// </summary>
    public async Task<string> ElementsWiderThanThePhoneAsync()
    {
        if (await Page.Locator("#main-content").EvaluateAsync<double>("e => e.getBoundingClientRect().left") > 100)
        {
            await AppBar.GetByRole(AriaRole.Button, new() { Name = "Show or hide navigation", Exact = true }).ClickAsync();
            await Page.WaitForFunctionAsync("() => document.querySelector('#main-content').getBoundingClientRect().left < 100");
        }
        // A wide table inside a container that scrolls sideways (and itself fits) is fine on a phone.
        return await Page.EvaluateAsync<string>("""
            () => {
                const fits = e => e.getBoundingClientRect().right <= window.innerWidth + 1;
                const inScroller = e => {
                    for (let p = e.parentElement; p && p.id !== 'main-content'; p = p.parentElement) {
                        const overflow = getComputedStyle(p).overflowX;
                        if ((overflow === 'auto' || overflow === 'scroll') && fits(p)) return true;
                    }
                    return false;
                };
                return [...document.querySelectorAll('#main-content *')].filter(e => !fits(e) && !inScroller(e))
                    .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className).join(', ');
            }
            """);
    }

    /// <summary>
    /// Opens each page at a phone's width in dark mode and collects what is wrong: anything wider than the screen (outside a container that scrolls sideways) and
    /// axe's serious or critical problems. Each page must load (its h1 visible, no spinner left).
    /// </summary>
    public async Task<List<string>> ProblemsOnAPhoneInDarkModeAsync(Uri baseAddress, IEnumerable<string> paths)
    {
        var problems = new List<string>();
        await Context.AddCookiesAsync([new Cookie { Name = "portal-theme", Value = "dark", Url = baseAddress.ToString() }]);
        await Page.SetViewportSizeAsync(390, 844);
        foreach (var path in paths)
        {
            await Page.GotoAsync(path);
            await WaitForInteractivityAsync();
            await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            await Expect(Page.Locator("#main-content .mud-progress-circular")).ToHaveCountAsync(0);
            var overflowing = await ElementsWiderThanThePhoneAsync();
            if (overflowing.Length > 0)
                problems.Add($"- {path} (phone width): wider than the screen: {overflowing}");
            problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(Page, $"{path} (dark, phone width)"));
        }
        return problems;
    }

    /// <summary>What the browser console reported as errors and warnings so far, to explain a failure.</summary>
    public string ConsoleErrors =>
        _consoleErrors.Count == 0 ? "(no console errors or warnings)" : "Console errors and warnings:\n" + string.Join("\n", _consoleErrors);

    /// <summary>No uncaught script error happened and Blazor did not show its error bar (a dead circuit).</summary>
    public async Task AssertNoAppErrorsAsync()
    {
        Assert.True(_pageErrors.Count == 0, "Uncaught errors in the page:\n" + string.Join("\n", _pageErrors));
        Assert.False(await Page.Locator("#blazor-error-ui").IsVisibleAsync(),
            $"Blazor shows its error bar on {Page.Url}. {ConsoleErrors}");
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Tests.Integration;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

/// <summary>
/// One test's browser context and page, with the steps every journey shares. It watches everything the page does: uncaught
/// script errors, console errors and warnings, and failed requests (an answer of 400 or more, or a network failure).
/// </summary>
/// <summary>A page of a tour, and the name its screenshots get.</summary>
/// <summary>A page a tour visits; a <paramref name="Static"/> one (the account pages) never turns interactive.</summary>
public sealed record TouredPage(string Path, string Name, bool Static = false);

public sealed partial class BrowserSession : IAsyncDisposable
{
    private readonly List<string> _pageErrors = [];
    private readonly List<string> _consoleMessages = [];
    private readonly List<(string Line, string Source)> _consoleErrors = [];
    private readonly List<(string Line, string Url, int Status)> _failedRequests = [];
    private readonly List<string> _problems = [];
    private readonly List<string> _expectedRefusals = [];

    public BrowserSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        Page.PageError += (_, error) => _pageErrors.Add(error);
        Page.Console += (_, message) =>
        {
            // Warnings too: Blazor reports a failed circuit start or reconnection as a warning before it shows its error bar.
            if (message.Type is "error" or "warning")
                _consoleMessages.Add($"{Page.Url} [{message.Type}]: {message.Text}");
            if (message.Type == "error")
                _consoleErrors.Add(($"{Page.Url}: {message.Text}", LineAndColumn().Replace(message.Location, "")));
        };
        Page.Response += (_, response) =>
        {
            if (response.Status >= 400)
                _failedRequests.Add(($"{response.Request.Method} {response.Url} answered {response.Status}", response.Url, response.Status));
        };
        // A navigation that turns into a download, or is left for the next page, ends as ERR_ABORTED: not a failure.
        Page.RequestFailed += (_, request) =>
        {
            if (request.Failure is not { } failure || !failure.Contains("ERR_ABORTED", StringComparison.Ordinal))
                _failedRequests.Add(($"{request.Method} {request.Url} failed: {request.Failure}", request.Url, 0));
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
    /// Waits until the Blazor circuit runs the page: before that, prerendered buttons ignore clicks. Only for pages
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
        await PressSignInAsync(email, password);
        await Page.WaitForURLAsync(url => !IsPath(url, "/Account/Login"));
        if (IsPath(Page.Url, "/Account/LoginWith2fa"))
        {
            await Page.GetByLabel("Authenticator code", new() { Exact = true }).FillAsync(AccountForms.AuthenticatorCode(authenticatorKey));
            await Page.GetByRole(AriaRole.Button, new() { Name = "Verify and sign in", Exact = true }).ClickAsync();
        }
    }

    /// <summary>Fills the sign-in form and presses "Sign in", without waiting for where it leads (a refusal stays on the page).</summary>
    public async Task PressSignInAsync(string email, string password)
    {
        await Expect(Page).ToHaveURLAsync(new Regex("/Account/Login", RegexOptions.IgnoreCase));
        await Page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
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
    /// Visits each page on a desktop in light and in dark mode, then at a phone's width in dark mode, and collects what
    /// is wrong: axe's serious or critical problems and, on the phone, anything wider than the screen (outside a container
    /// that scrolls sideways). Each page must load (its h1 visible, no spinner left). Saves a screenshot of each page in
    /// each of the three views, named <c>{name}-light</c>, <c>{name}-dark</c> and <c>{name}-phone-dark</c>.
    /// </summary>
    public async Task<List<string>> ProblemsOnEveryPageAsync(Uri baseAddress, IEnumerable<TouredPage> pages)
    {
        var problems = new List<string>();
        var tour = pages.ToList();
        foreach (var theme in new[] { "light", "dark" })
        {
            await Context.AddCookiesAsync([new Cookie { Name = "portal-theme", Value = theme, Url = baseAddress.ToString() }]);
            foreach (var page in tour)
            {
                await OpenAsync(page);
                problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(Page, $"{page.Path} ({theme})"));
                await Screenshots.SaveAsync(Page, $"{page.Name}-{theme}");
            }
        }

        await Page.SetViewportSizeAsync(390, 844);
        foreach (var page in tour)
        {
            await OpenAsync(page);
            var overflowing = await ElementsWiderThanThePhoneAsync();
            if (overflowing.Length > 0)
                problems.Add($"- {page.Path} (phone width): wider than the screen: {overflowing}");
            problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(Page, $"{page.Path} (dark, phone width)"));
            await Screenshots.SaveAsync(Page, $"{page.Name}-phone-dark");
        }
        return problems;
    }

    /// <summary>
    /// Waits until every finite animation has finished: axe measures a snackbar that is still fading in at its partial
    /// opacity, and reports a contrast problem a person never sees.
    /// </summary>
    public Task WaitForAnimationsAsync() =>
        Page.WaitForFunctionAsync(
            "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)");

    private async Task OpenAsync(TouredPage page)
    {
        await Page.GotoAsync(page.Path);
        if (!page.Static)
            await WaitForInteractivityAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.Locator("#main-content .mud-progress-circular")).ToHaveCountAsync(0);
    }

    /// <summary>What the browser console reported as errors and warnings so far, to explain a failure.</summary>
    public string ConsoleErrors =>
        _consoleMessages.Count == 0 ? "(no console errors or warnings)" : "Console errors and warnings:\n" + string.Join("\n", _consoleMessages);

    /// <summary>
    /// A request to this path is meant to be refused (another organization's data): its 403 or 404, and the console's
    /// "Failed to load resource" line about it, are what the test wants, not a problem.
    /// </summary>
    public void ExpectRefusal(string path) => _expectedRefusals.Add(path);

    /// <summary>
    /// Checks the page now shown as a person sees it: its h1 is there, nothing is still loading, and axe finds no
    /// serious or critical problem; a screenshot goes to the test output. Problems are kept for <see cref="AssertCleanJourneyAsync"/>.
    /// </summary>
    public async Task CheckPageAsync(string screenshotName)
    {
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.Locator("#main-content .mud-progress-circular")).ToHaveCountAsync(0);
        await WaitForAnimationsAsync();
        _problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(Page, new Uri(Page.Url).PathAndQuery));
        await Screenshots.SaveAsync(Page, screenshotName);
    }

    /// <summary>
    /// The journey went as a person would want: every page checked was accessible, no script error, no console error,
    /// no failed request (except the refusals the test expected) and no Blazor error bar.
    /// </summary>
    public async Task AssertCleanJourneyAsync()
    {
        await AssertNoAppErrorsAsync();
        var failed = _failedRequests.Where(request => !(request.Status is 403 or 404 && IsExpectedRefusal(request.Url)));
        // Chromium logs each refused resource as "Failed to load resource", with the resource as the message's source.
        var consoleErrors = _consoleErrors.Where(error =>
            !(error.Line.Contains("Failed to load resource", StringComparison.Ordinal) && IsExpectedRefusal(error.Source)));
        var problems = _problems
            .Concat(failed.Select(f => $"- failed request: {f.Line}"))
            .Concat(consoleErrors.Select(e => $"- console error: {e.Line}"))
            .ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) on the way:\n{string.Join("\n", problems)}");
    }

    private bool IsExpectedRefusal(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && _expectedRefusals.Contains(uri.AbsolutePath, StringComparer.OrdinalIgnoreCase);

    /// <summary>No uncaught script error happened and Blazor did not show its error bar (a dead circuit).</summary>
    public async Task AssertNoAppErrorsAsync()
    {
        Assert.True(_pageErrors.Count == 0, "Uncaught errors in the page:\n" + string.Join("\n", _pageErrors));
        Assert.False(await Page.Locator("#blazor-error-ui").IsVisibleAsync(),
            $"Blazor shows its error bar on {Page.Url}. {ConsoleErrors}");
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    /// <summary>The ":line:column" a console message's location ends with.</summary>
    [GeneratedRegex(@":\d+:\d+$")]
    private static partial Regex LineAndColumn();
}

using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Domain.Keys;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class EvaluationJourneyTests(BrowserFixture browser)
{

    /// <summary>
    /// The demo customer (Contoso, no evaluation yet) starts the evaluation, downloads its key and verifies it with only the
    /// published JWKS, asks for more time and sees the request waiting; axe checks /evaluation (light; dark at a phone's
    /// width), /discounts and /organization (light and dark) on the way. Accessibility problems are collected and reported together at the end.
    /// </summary>
    [Fact]
    public async Task Demo_customer_starts_an_evaluation_downloads_a_verifiable_key_and_asks_for_more_time()
    {
        var problems = new List<string>();
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(DevelopmentData.CustomerEmail, expectedLandingPath: "/dashboard");

        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Evaluation", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/evaluation");
        await Expect(session.Heading("Evaluation")).ToBeVisibleAsync();
        var section = page.Locator("section[data-evaluation-state]").First;

        // Start: the page asks for confirmation first (one evaluation per organization and major version).
        if (await section.GetAttributeAsync("data-evaluation-state") == "none")
        {
            problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/evaluation (no evaluation yet)"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Start evaluation", Exact = true }).ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await Expect(dialog).ToContainTextAsync("only once");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Start evaluation", Exact = true }).ClickAsync();
            await Expect(page.GetByText("Your evaluation has started")).ToBeVisibleAsync();
        }
        await Expect(section).Not.ToHaveAttributeAsync("data-evaluation-state", "none");
        await Expect(page.GetByTestId("evaluation-status")).ToContainTextAsync("days left");

        // Download the key and verify it as the product would: with nothing but the portal's JWKS.
        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Download evaluation key", Exact = true }).ClickAsync());
        Assert.EndsWith(".lic", download.SuggestedFilename);
        Assert.Contains("-evaluation-", download.SuggestedFilename);
        var licenseFile = await File.ReadAllTextAsync(await download.PathAsync());
        var jwks = await session.Context.APIRequest.GetAsync("/.well-known/jwks.json");
        Assert.True(jwks.Ok, $"GET /.well-known/jwks.json answered {jwks.Status}");
        var verification = new LicenseKeyVerifier(await jwks.TextAsync()).Verify(licenseFile);
        Assert.True(verification.IsValid, verification.Message);
        Assert.Equal(LicenseKind.Evaluation, verification.Claims.Kind);
        Assert.Equal(DevelopmentData.DemoOrganizationName, verification.Claims.Licensee);
        Assert.NotNull(verification.Claims.ExpiresAt);
        Assert.InRange(verification.Claims.ExpiresAt.Value, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(91));

        // Ask for more time; the request then shows as waiting for support and the form is gone.
        if (await section.GetAttributeAsync("data-evaluation-state") != "pending")
        {
            await page.GetByLabel("Days").FillAsync("14");
            await page.GetByLabel("Why do you need more time?").FillAsync("Our pilot group needs two more weeks to finish testing.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Ask for more time", Exact = true }).ClickAsync();
            await Expect(page.GetByText("Your request for 14 more days was sent to our support team.")).ToBeVisibleAsync();
        }
        await Expect(section).ToHaveAttributeAsync("data-evaluation-state", "pending");
        await Expect(page.Locator("[data-request-status=Pending]")).ToContainTextAsync("Waiting for a decision by our support team");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Ask for more time", Exact = true })).ToHaveCountAsync(0);

        // After a reload the state comes from the database.
        await page.ReloadAsync();
        await session.WaitForInteractivityAsync();
        await Expect(page.Locator("[data-request-status=Pending]")).ToBeVisibleAsync();
        problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/evaluation (running, request pending)"));

        // Dark mode at a phone's width.
        await session.Context.AddCookiesAsync([new Cookie { Name = "portal-theme", Value = "dark", Url = browser.BaseAddress.ToString() }]);
        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await session.WaitForInteractivityAsync();
        await Expect(page.Locator("[data-request-status=Pending]")).ToBeVisibleAsync();
        problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/evaluation (dark, phone width)"));
        var overflowing = await session.ElementsWiderThanThePhoneAsync();
        if (overflowing.Length > 0)
            problems.Add($"- /evaluation (phone width): wider than the screen: {overflowing}");

        // The other two pages of this area, light and dark.
        await page.SetViewportSizeAsync(1280, 800);
        foreach (var theme in new[] { "light", "dark" })
        {
            await session.Context.AddCookiesAsync([new Cookie { Name = "portal-theme", Value = theme, Url = browser.BaseAddress.ToString() }]);
            foreach (var (path, heading) in new[] { ("/discounts", "Discounts"), ("/organization", "Organization") })
            {
                await page.GotoAsync(path);
                await session.WaitForInteractivityAsync();
                await Expect(session.Heading(heading)).ToBeVisibleAsync();
                await Expect(page.Locator(".mud-progress-circular")).ToHaveCountAsync(0);
                problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, $"{path} ({theme})"));
            }
        }

        await session.AssertNoAppErrorsAsync();
        Assert.True(problems.Count == 0,
            $"{problems.Count} serious or critical accessibility problem(s):\n" + string.Join("\n", problems));
    }
}

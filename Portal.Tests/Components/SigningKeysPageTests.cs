using System.Reflection;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Account;
using Portal.Components.Admin.Keys;
using Portal.Domain.Accounts;
using Portal.Domain.Keys;
using Portal.Tests.Builders;
using Portal.Tests.Keys;

namespace Portal.Tests.Components;

/// <summary>The admin's /admin/keys page on the real key store (Development's database mode) and database.</summary>
public sealed class SigningKeysPageTests
{
    private static IReadOnlyList<(string Kid, string Status)> Rows(IRenderedComponent<SigningKeysPage> cut) =>
        cut.FindAll("tr[data-kid]").Select(r => (r.GetAttribute("data-kid")!, r.QuerySelector("[data-status]")!.GetAttribute("data-status")!)).ToList();

    private static IElement Row(IRenderedComponent<SigningKeysPage> cut, string kid) => cut.Find($"tr[data-kid='{kid}']");

    private static IElement DialogButton(StaffPageContext page, string text) =>
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private static async Task<Dictionary<string, SigningKeyStatus>> StoredAsync(DomainFixture domain)
    {
        await using var db = domain.Db();
        return await db.SigningKeys.AsNoTracking().ToDictionaryAsync(k => k.Id, k => k.Status);
    }

    [Fact]
    public void The_page_is_for_admins_only()
    {
        Assert.Equal(Policies.Admin, typeof(SigningKeysPage).GetCustomAttribute<AuthorizeAttribute>()!.Policy);
    }

    [Fact]
    public async Task Lists_the_active_key_with_when_it_was_made_and_that_portal_holds_its_private_key()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var active = domain.Get<SigningKeyStore>().Current.KeyId;
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);

        var cut = page.RenderPage<SigningKeysPage>();

        Assert.Equal([(active, "Active")], Rows(cut));
        var cells = Row(cut, active).QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal([active, "Active", "29 Nov 2026, 10:00 UTC", "—", "Held (database, protected)", ""], cells);
        Assert.Single(cut.FindAll("button"), b => b.TextContent.Trim() == "Create key");
        Assert.Contains("/.well-known/jwks.json", cut.Markup);
    }

    [Fact]
    public async Task Creating_a_key_publishes_it_without_signing_with_it()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var store = domain.Get<SigningKeyStore>();
        var active = store.Current.KeyId;
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<SigningKeysPage>();

        await cut.FindAll("button").Single(b => b.TextContent.Trim() == "Create key").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));
        var created = Rows(cut).Single(r => r.Kid != active).Kid;
        Assert.Equal([(active, "Active"), (created, "Published")], Rows(cut));
        page.Snackbars.WaitForAssertion(() => Assert.Contains($"Key {created} is published.", page.Snackbars.Markup));
        Assert.NotNull(Row(cut, created).QuerySelector($"button[aria-label='Make active… {created}']"));
        Assert.NotNull(Row(cut, created).QuerySelector($"button[aria-label='Retire… {created}']"));
        Assert.Empty(Row(cut, active).QuerySelectorAll("button"));
        Assert.Contains($"\"kid\":\"{created}\"", await domain.Get<LicenseKeyJwks>().GetJsonAsync());
        Assert.Equal(active, store.Current.KeyId);
    }

    [Fact]
    public async Task Making_a_key_active_asks_first_then_signs_with_it_and_retires_the_old_key()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var store = domain.Get<SigningKeyStore>();
        var old = store.Current.KeyId;
        var next = await store.PublishNewKeyAsync(DomainFixture.Admin);
        domain.Clock.Advance(TimeSpan.FromDays(3));
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<SigningKeysPage>();

        Row(cut, next).QuerySelector("button[aria-label^='Make']")!.Click();
        page.Dialogs.WaitForAssertion(() => Assert.Contains($"The active key {old} is retired", page.Dialogs.Markup));
        DialogButton(page, "Make active").Click();

        page.Snackbars.WaitForAssertion(() => Assert.Contains($"Key {next} now signs new license keys; {old} is retired and still published.", page.Snackbars.Markup));
        cut.WaitForAssertion(() => Assert.Equal([(next, "Active"), (old, "Retired")], Rows(cut)));
        Assert.Contains("2 Dec 2026, 10:00 UTC", Row(cut, old).TextContent);
        Assert.Equal(next, store.Current.KeyId);
        Assert.Equal(new Dictionary<string, SigningKeyStatus> { [next] = SigningKeyStatus.Active, [old] = SigningKeyStatus.Retired }, await StoredAsync(domain));
    }

    [Fact]
    public async Task Retiring_a_published_key_asks_first_and_keeps_it_published_and_cancelling_does_nothing()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var store = domain.Get<SigningKeyStore>();
        var active = store.Current.KeyId;
        var spare = await store.PublishNewKeyAsync(DomainFixture.Admin);
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<SigningKeysPage>();

        Row(cut, spare).QuerySelector("button[aria-label^='Retire']")!.Click();
        page.Dialogs.WaitForAssertion(() => Assert.Contains($"{spare} will never sign a license key", page.Dialogs.Markup));
        DialogButton(page, "Cancel").Click();
        page.Dialogs.WaitForAssertion(() => Assert.Empty(page.Dialogs.FindAll("button")));
        Assert.Equal(SigningKeyStatus.Published, (await StoredAsync(domain))[spare]);

        Row(cut, spare).QuerySelector("button[aria-label^='Retire']")!.Click();
        page.Dialogs.WaitForAssertion(() => Assert.NotEmpty(page.Dialogs.FindAll("button")));
        DialogButton(page, "Retire").Click();

        cut.WaitForAssertion(() => Assert.Equal([(active, "Active"), (spare, "Retired")], Rows(cut)));
        page.Snackbars.WaitForAssertion(() => Assert.Contains($"Key {spare} is retired and stays published.", page.Snackbars.Markup));
        Assert.Empty(Row(cut, spare).QuerySelectorAll("button"));
        Assert.Contains($"\"kid\":\"{spare}\"", await domain.Get<LicenseKeyJwks>().GetJsonAsync());
    }

    [Fact]
    public async Task When_another_admin_changed_the_active_key_meanwhile_the_page_says_so_and_shows_the_keys_as_they_are()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var store = domain.Get<SigningKeyStore>();
        var old = store.Current.KeyId;
        var mine = await store.PublishNewKeyAsync(DomainFixture.Admin);
        var theirs = await store.PublishNewKeyAsync(DomainFixture.Admin);
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<SigningKeysPage>();
        await store.ActivateAsync(theirs, old, Actor.Person("admin-2", "bo@keymetric.example", Roles.Admin));

        Row(cut, mine).QuerySelector("button[aria-label^='Make']")!.Click();
        page.Dialogs.WaitForAssertion(() => Assert.NotEmpty(page.Dialogs.FindAll("button")));
        DialogButton(page, "Make active").Click();

        page.Snackbars.WaitForAssertion(() => Assert.Contains("someone else changed the keys a moment ago", page.Snackbars.Markup));
        cut.WaitForAssertion(() => Assert.Equal((theirs, "Active"), Rows(cut)[0]));
        Assert.Equal(theirs, store.Current.KeyId);
        Assert.Equal(SigningKeyStatus.Published, (await StoredAsync(domain))[mine]);
    }

    [Fact]
    public async Task Keys_from_configuration_are_shown_read_only_with_how_to_rotate_them()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var configured = TestSigningKeys.Store("key-2026", retired: new RetiredPublicKeyOptions
        {
            KeyId = "key-2025", PublicKeyPem = TestSigningKeys.PublicPem(TestSigningKeys.NewPem()),
        });
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin, services: s => s.AddSingleton(configured));

        var cut = page.RenderPage<SigningKeysPage>();

        Assert.Contains("come from configuration and are shown read-only", cut.Find("[data-testid=configured-keys]").TextContent);
        Assert.Contains("LicenseKeys:RetiredPublicKeys", cut.Find("[data-testid=configured-keys]").TextContent);
        Assert.Equal([("key-2026", "Active"), ("key-2025", "Retired")], Rows(cut));
        Assert.Equal(["key-2025", "Retired", "—", "—", "Not held (public key from configuration)"],
            Row(cut, "key-2025").QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.Empty(cut.FindAll("button"));
    }

    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Support)]
    public async Task Staff_who_are_not_admins_see_no_key_even_if_they_reach_the_page(string role)
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, role);

        var cut = page.RenderPage<SigningKeysPage>();

        Assert.Contains("Only Admin staff can see the license signing keys.", cut.Markup);
        Assert.Empty(cut.FindAll("tr[data-kid]"));
        Assert.Empty(cut.FindAll("button"));
    }
}

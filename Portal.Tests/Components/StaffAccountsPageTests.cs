using System.Text;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Staff;
using Portal.Domain.Accounts;
using Portal.Tests.Builders;
using Portal.Tests.Fakes;

namespace Portal.Tests.Components;

/// <summary>/admin/staff: the staff list, a new account with its password link by email, roles, disable and enable.</summary>
public sealed class StaffAccountsPageTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private StaffAccounts Staff => _fx.Get<StaffAccounts>();

    /// <summary>The page's admin, holding the Admin role in the database like every real admin.</summary>
    private async Task<StaffPageContext> AdminPageAsync()
    {
        var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin, "ada@keymetric.example");
        await using var db = _fx.Db();
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = page.User.Id, RoleId = "role-admin" });
        await db.SaveChangesAsync();
        return page;
    }

    private static IElement Row(IRenderedComponent<StaffAccountsPage> cut, string email) =>
        cut.FindAll("[data-testid=staff-table] tbody tr").Single(r => r.QuerySelector($"[data-staff-email='{email}']") is not null);

    private static IElement Button(IRenderedComponent<StaffAccountsPage> cut, string text) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private static IElement EmailInput(IRenderedComponent<StaffAccountsPage> cut) =>
        cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Email").Find("input");

    private static async Task ChooseRoleAsync(IRenderedComponent<StaffAccountsPage> cut, string role)
    {
        var select = cut.FindComponent<MudSelect<string>>();
        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(role));
    }

    [Fact]
    public async Task The_list_shows_each_staff_members_roles_sign_in_and_state_and_marks_you()
    {
        var sue = await Staff.CreateAsync("sue@keymetric.example", Roles.Sales, DomainFixture.Admin);
        await Staff.CreateAsync("sam@keymetric.example", Roles.Support, DomainFixture.Admin);
        await Staff.DisableAsync(sue.UserId, DomainFixture.Admin);
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ana@contoso.example");
        await using var page = await AdminPageAsync();

        var cut = page.RenderPage<StaffAccountsPage>();

        var emails = cut.FindAll("[data-staff-email]").Select(e => e.GetAttribute("data-staff-email")).ToList();
        Assert.Equal(["ada@keymetric.example", "sam@keymetric.example", "sue@keymetric.example"], emails);
        var you = Row(cut, "ada@keymetric.example");
        Assert.Contains("(you)", you.TextContent);
        Assert.DoesNotContain("Disable", you.QuerySelectorAll("button").Select(b => b.TextContent.Trim()));
        var sam = Row(cut, "sam@keymetric.example");
        Assert.Equal("Support", sam.QuerySelector("[data-testid=staff-roles]")!.TextContent.Trim());
        Assert.Contains("Invited: no password chosen yet", sam.TextContent);
        Assert.Equal("Active", sam.QuerySelector("[data-testid=staff-state]")!.TextContent.Trim());
        Assert.Equal("Disabled", Row(cut, "sue@keymetric.example").QuerySelector("[data-testid=staff-state]")!.TextContent.Trim());
        Assert.Contains("Enable", Row(cut, "sue@keymetric.example").QuerySelectorAll("button").Select(b => b.TextContent.Trim()));
        Assert.DoesNotContain("ana@contoso.example", cut.Markup);
    }

    [Fact]
    public async Task A_new_account_is_created_and_its_owner_emailed_a_link_that_sets_their_password()
    {
        await using var page = await AdminPageAsync();
        var cut = page.RenderPage<StaffAccountsPage>();

        EmailInput(cut).Change("sam@keymetric.example");
        await ChooseRoleAsync(cut, Roles.Support);
        await Button(cut, "Create account").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("The account of sam@keymetric.example is ready", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        cut.WaitForAssertion(() => Assert.Equal("Support", Row(cut, "sam@keymetric.example").QuerySelector("[data-testid=staff-roles]")!.TextContent.Trim()));
        var email = Assert.Single(page.Bunit.Services.GetRequiredService<RecordingMailDelivery>().Sent);
        Assert.Equal("sam@keymetric.example", email.To.Mailboxes.Single().Address);
        Assert.Contains("Support role", email.TextBody!);
        var link = email.TextBody!.Split('\n').Single(l => l.StartsWith("Choose your password: ", StringComparison.Ordinal))["Choose your password: ".Length..].Trim();
        Assert.StartsWith("http://localhost/Account/ResetPassword?code=", link);
        var token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(link.Split("code=")[1]));
        await using var scope = _fx.Get<IServiceScopeFactory>().CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var sam = (await users.FindByEmailAsync("sam@keymetric.example"))!;
        Assert.True((await users.ResetPasswordAsync(sam, token, "Chosen-By-Sam-2026!")).Succeeded);
        await using var db = _fx.Db();
        Assert.Equal(page.Actor.Name, (await db.AuditEvents.SingleAsync(e => e.Action == "staff.created")).ActorName);
    }

    [Fact]
    public async Task Invalid_input_shows_messages_next_to_the_fields_and_creates_nothing()
    {
        await using var page = await AdminPageAsync();
        var cut = page.RenderPage<StaffAccountsPage>();

        EmailInput(cut).Change("not-an-address");
        await Button(cut, "Create account").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(
            ["Enter an email address such as name@keymetric.example.", "Choose the role they start with."],
            EvaluationPageTests.FieldErrors(cut)));
        await using var db = _fx.Db();
        Assert.Equal(1, await db.Users.CountAsync());
        Assert.Empty(page.Bunit.Services.GetRequiredService<RecordingMailDelivery>().Sent);
    }

    [Fact]
    public async Task An_address_that_has_an_account_is_refused_in_a_snackbar_and_nothing_is_sent()
    {
        await Staff.CreateAsync("sam@keymetric.example", Roles.Support, DomainFixture.Admin);
        await using var page = await AdminPageAsync();
        var cut = page.RenderPage<StaffAccountsPage>();

        EmailInput(cut).Change("sam@keymetric.example");
        await ChooseRoleAsync(cut, Roles.Admin);
        await Button(cut, "Create account").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("There is already an account for sam@keymetric.example.", page.Snackbars.Markup));
        Assert.Empty(page.Bunit.Services.GetRequiredService<RecordingMailDelivery>().Sent);
        Assert.Equal("Support", Row(cut, "sam@keymetric.example").QuerySelector("[data-testid=staff-roles]")!.TextContent.Trim());
    }

    [Fact]
    public async Task When_the_email_cannot_be_sent_the_account_exists_and_the_admin_is_told_what_to_do()
    {
        await using var page = await AdminPageAsync();
        page.Bunit.Services.GetRequiredService<RecordingMailDelivery>().Failing = true;
        var cut = page.RenderPage<StaffAccountsPage>();

        EmailInput(cut).Change("sam@keymetric.example");
        await ChooseRoleAsync(cut, Roles.Sales);
        await Button(cut, "Create account").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("the invitation email could not be sent", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        Assert.Contains("Forgot your password?", page.Snackbars.Markup);
        cut.WaitForAssertion(() => Assert.NotNull(Row(cut, "sam@keymetric.example")));
    }

    [Fact]
    public async Task Changing_roles_saves_exactly_the_ticked_roles()
    {
        var sue = await Staff.CreateAsync("sue@keymetric.example", Roles.Sales, DomainFixture.Admin);
        await using var page = await AdminPageAsync();
        var cut = page.RenderPage<StaffAccountsPage>();

        await Row(cut, "sue@keymetric.example").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Change roles").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("Roles of sue@keymetric.example", cut.Find("#staff-roles-editor").TextContent));
        await Tick(cut, Roles.Support, true);
        await Tick(cut, Roles.Sales, false);
        await Button(cut, "Save roles").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("Support", Row(cut, "sue@keymetric.example").QuerySelector("[data-testid=staff-roles]")!.TextContent.Trim()));
        Assert.Empty(cut.FindAll("#staff-roles-editor"));
        page.Snackbars.WaitForAssertion(() => Assert.Contains("sue@keymetric.example now has the Support role", page.Snackbars.Markup));
        await using var db = _fx.Db();
        Assert.Equal([Roles.Support], Assert.Single(await StaffAccounts.ListAsync(db, _fx.Clock.GetUtcNow()), s => s.Id == sue.UserId).Roles);
    }

    [Fact]
    public async Task Unticking_every_role_says_to_keep_one_and_saves_nothing()
    {
        await Staff.CreateAsync("sue@keymetric.example", Roles.Sales, DomainFixture.Admin);
        await using var page = await AdminPageAsync();
        var cut = page.RenderPage<StaffAccountsPage>();
        await Row(cut, "sue@keymetric.example").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Change roles").ClickAsync(new());

        await Tick(cut, Roles.Sales, false);
        await Button(cut, "Save roles").ClickAsync(new());

        Assert.Contains("Choose at least one role.", cut.Find("[data-testid=roles-error]").TextContent);
        await using var db = _fx.Db();
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "staff.roles-changed"));
    }

    [Fact]
    public async Task Your_own_admin_role_cannot_be_unticked()
    {
        await using var page = await AdminPageAsync();
        var cut = page.RenderPage<StaffAccountsPage>();

        await Row(cut, "ada@keymetric.example").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Change roles").ClickAsync(new());

        var admin = cut.FindComponents<MudCheckBox<bool>>().Single(c => c.Instance.Label == Roles.Admin);
        Assert.True(admin.Instance.Disabled);
        Assert.Contains("You cannot remove your own Admin role", cut.Find("#staff-roles-editor").ParentElement!.TextContent);
    }

    [Fact]
    public async Task Disabling_asks_first_then_the_account_shows_disabled_and_enabling_restores_it()
    {
        var sue = await Staff.CreateAsync("sue@keymetric.example", Roles.Sales, DomainFixture.Admin);
        await using var page = await AdminPageAsync();
        var cut = page.RenderPage<StaffAccountsPage>();

        // Click, not ClickAsync: the handler waits for the confirmation dialog.
        Row(cut, "sue@keymetric.example").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Disable").Click();
        page.Dialogs.WaitForAssertion(() => Assert.Contains("can no longer sign in", page.Dialogs.Markup));
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Disable").Click();

        cut.WaitForAssertion(() => Assert.Equal("Disabled", Row(cut, "sue@keymetric.example").QuerySelector("[data-testid=staff-state]")!.TextContent.Trim()));
        page.Snackbars.WaitForAssertion(() => Assert.Contains("sue@keymetric.example is disabled", page.Snackbars.Markup));
        await using (var db = _fx.Db())
            Assert.Equal(StaffAccounts.DisabledLockoutEnd, (await db.Users.SingleAsync(u => u.Id == sue.UserId)).LockoutEnd);

        await Row(cut, "sue@keymetric.example").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Enable").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("Active", Row(cut, "sue@keymetric.example").QuerySelector("[data-testid=staff-state]")!.TextContent.Trim()));
        await using var after = _fx.Db();
        Assert.Equal(["staff.created", "staff.disabled", "staff.enabled"], await after.AuditEvents.OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
    }

    [Fact]
    public async Task Declining_the_confirmation_leaves_the_account_active()
    {
        var sue = await Staff.CreateAsync("sue@keymetric.example", Roles.Sales, DomainFixture.Admin);
        await using var page = await AdminPageAsync();
        var cut = page.RenderPage<StaffAccountsPage>();

        // Click, not ClickAsync: the handler waits for the confirmation dialog.
        Row(cut, "sue@keymetric.example").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Disable").Click();
        page.Dialogs.WaitForAssertion(() => Assert.NotEmpty(page.Dialogs.FindAll("button")));
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        page.Dialogs.WaitForAssertion(() => Assert.Empty(page.Dialogs.FindAll("button")));
        await using var db = _fx.Db();
        Assert.Null((await db.Users.SingleAsync(u => u.Id == sue.UserId)).LockoutEnd);
    }

    private static Task Tick(IRenderedComponent<StaffAccountsPage> cut, string role, bool on)
    {
        var box = cut.FindComponents<MudCheckBox<bool>>().Single(c => c.Instance.Label == role);
        return cut.InvokeAsync(() => box.Instance.ValueChanged.InvokeAsync(on));
    }
}

using AngleSharp.Dom;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using Portal.Components.Members;
using Portal.Domain.Accounts;
using Portal.Domain.Members;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>
/// /organization/members: owners invite, re-send and withdraw invitations, change roles and remove members; every member
/// sees the list and may leave; leaving or changing one's own roles refreshes the sign-in.
/// </summary>
public sealed class MembersPageTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private Guid Contoso => _fx.Contoso.Id;

    private static Actor OwnerActor(CustomerPageContext page, Guid organizationId) =>
        Actor.Person(page.Member.Id, page.Member.Email!, Roles.Customer).In(organizationId, MemberRoles.Owner);

    private static IElement Button(IRenderedComponent<MembersPage> cut, string text) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private static IElement MemberRow(IRenderedComponent<MembersPage> cut, string email) =>
        cut.FindAll("[data-testid=member-table] tbody tr").Single(r => r.QuerySelector($"[data-member-email='{email}']") is not null);

    private static IElement InvitationRow(IRenderedComponent<MembersPage> cut, string email) =>
        cut.FindAll("[data-testid=invitation-table] tbody tr").Single(r => r.QuerySelector($"[data-invitation-email='{email}']") is not null);

    private static IElement RowButton(IElement row, string text) =>
        row.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == text);

    /// <summary>Clicks a button that asks first (Click, not ClickAsync: the handler waits for the dialog), then answers.</summary>
    private static void ClickAndAnswer(IElement button, CustomerPageContext page, string expected, string answer)
    {
        button.Click();
        page.Dialogs.WaitForAssertion(() => Assert.Contains(expected, page.Dialogs.Markup));
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == answer).Click();
    }

    private const string InviteRoles = "invite-roles";
    private const string EditorRoles = "member-roles-editor";

    /// <summary>The checkbox of <paramref name="role"/> in the invite form's or the roles editor's choices.</summary>
    private static IRenderedComponent<MudCheckBox<bool>> RoleBox(IRenderedComponent<MembersPage> cut, string choices, MemberRoles role) =>
        cut.FindComponents<MemberRoleChoices>().Single(c => c.Instance.LabelId == choices)
            .FindComponents<MudCheckBox<bool>>().Single(c => c.Instance.Label == role.ToString());

    private static Task TickAsync(IRenderedComponent<MembersPage> cut, string choices, MemberRoles role, bool on)
    {
        var box = RoleBox(cut, choices, role);
        return cut.InvokeAsync(() => box.Instance.ValueChanged.InvokeAsync(on));
    }

    private static IElement InviteEmailInput(IRenderedComponent<MembersPage> cut) =>
        cut.FindComponent<InviteMemberForm>().FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Email").Find("input");

    private static NavigationHistory LastNavigation(CustomerPageContext page) =>
        page.Bunit.Services.GetRequiredService<BunitNavigationManager>().History.First();

    [Fact]
    public async Task Every_member_is_listed_with_roles_and_joining_date_and_you_are_marked()
    {
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "bob@contoso.example", MemberRoles.Billing | MemberRoles.Technical);
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "cy@contoso.example", MemberRoles.None);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.RenderPage<MembersPage>();

        Assert.Equal("ana@contoso.example (you)", MemberRow(cut, "ana@contoso.example").QuerySelector("[data-member-email]")!.TextContent.Trim());
        Assert.Equal("Billing, Technical", MemberRow(cut, "bob@contoso.example").QuerySelector("[data-roles]")!.GetAttribute("data-roles"));
        Assert.Contains("Billing", MemberRow(cut, "bob@contoso.example").QuerySelectorAll(".mud-chip").Select(c => c.TextContent.Trim()));
        Assert.Contains("No role: reads only", MemberRow(cut, "cy@contoso.example").TextContent);
        Assert.Contains("1 Jan 2026", MemberRow(cut, "cy@contoso.example").TextContent);
    }

    [Fact]
    public async Task An_owner_invites_with_roles_the_invitation_waits_and_its_email_carries_the_link()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<MembersPage>();
        Assert.Contains("No invitation is waiting", cut.Find("[data-testid=no-invitations]").TextContent);

        InviteEmailInput(cut).Change("dee@contoso.example");
        await TickAsync(cut, InviteRoles, MemberRoles.Billing, true);
        await Button(cut, "Send invitation").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("on its way to dee@contoso.example. Roles: Billing", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        cut.WaitForAssertion(() => Assert.Contains("Billing", InvitationRow(cut, "dee@contoso.example").TextContent));
        await using var db = _fx.Db();
        var invitation = await db.Invitations.SingleAsync();
        Assert.Equal(("dee@contoso.example", MemberRoles.Billing, InvitationStatus.Pending, Contoso),
            (invitation.Email, invitation.Roles, invitation.Status, invitation.OrganizationId));
        Assert.Equal(page.Member.Id, invitation.InvitedByUserId);
        var email = Assert.Single(_fx.InvitationEmails.Sent);
        Assert.Equal("dee@contoso.example", email.To);
        Assert.StartsWith("http://localhost/invitations/", email.Link.AbsoluteUri);
        // The form is empty again for the next person.
        Assert.Equal("", InviteEmailInput(cut).GetAttribute("value") ?? "");
    }

    [Fact]
    public async Task A_refused_invitation_says_why_and_keeps_what_was_entered()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        await _fx.Get<MembershipService>().InviteAsync(Contoso, "dee@contoso.example", MemberRoles.Billing, OwnerActor(page, Contoso),
            token => new Uri($"http://localhost/invitations/{token}"));
        var cut = page.RenderPage<MembersPage>();

        InviteEmailInput(cut).Change("dee@contoso.example");
        await TickAsync(cut, InviteRoles, MemberRoles.Technical, true);
        await Button(cut, "Send invitation").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("dee@contoso.example is already invited", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        Assert.Equal("dee@contoso.example", InviteEmailInput(cut).GetAttribute("value"));
        Assert.True(RoleBox(cut, InviteRoles, MemberRoles.Technical).Instance.GetState(x => x.Value));
        await using var db = _fx.Db();
        Assert.Equal(MemberRoles.Billing, (await db.Invitations.SingleAsync()).Roles);
        Assert.Single(_fx.InvitationEmails.Sent);
    }

    [Fact]
    public async Task An_expired_invitation_is_marked_and_sending_it_again_makes_a_new_link()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var memberships = _fx.Get<MembershipService>();
        var invited = await memberships.InviteAsync(Contoso, "dee@contoso.example", MemberRoles.Technical, OwnerActor(page, Contoso),
            token => new Uri($"http://localhost/invitations/{token}"));
        _fx.Clock.Advance(Invitation.ValidFor + TimeSpan.FromDays(1));
        var cut = page.RenderPage<MembersPage>();

        var row = InvitationRow(cut, "dee@contoso.example");
        Assert.Equal("true", row.QuerySelector("[data-expired]")!.GetAttribute("data-expired"));
        Assert.Contains("Expired", row.TextContent);
        Assert.Contains("Technical", row.TextContent);

        await RowButton(row, "Send again").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("A new link is on its way to dee@contoso.example", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        cut.WaitForAssertion(() => Assert.Equal("false", InvitationRow(cut, "dee@contoso.example").QuerySelector("[data-expired]")!.GetAttribute("data-expired")));
        await using var db = _fx.Db();
        var stored = await db.Invitations.SingleAsync(i => i.Id == invited.Id);
        Assert.Equal(2, stored.TimesSent);
        Assert.True(stored.IsPendingAt(_fx.Clock.GetUtcNow()));
        Assert.Equal(2, _fx.InvitationEmails.Sent.Count(m => m.To == "dee@contoso.example"));
    }

    [Fact]
    public async Task Withdrawing_an_invitation_asks_first_then_it_is_gone()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var invited = await _fx.Get<MembershipService>().InviteAsync(Contoso, "dee@contoso.example", MemberRoles.None, OwnerActor(page, Contoso),
            token => new Uri($"http://localhost/invitations/{token}"));
        var cut = page.RenderPage<MembersPage>();

        ClickAndAnswer(RowButton(InvitationRow(cut, "dee@contoso.example"), "Withdraw"), page, "Withdraw the invitation of dee@contoso.example?", "Withdraw");

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=invitation-table]")));
        Assert.Contains("No invitation is waiting", cut.Find("[data-testid=no-invitations]").TextContent);
        await using var db = _fx.Db();
        Assert.Equal(InvitationStatus.Withdrawn, (await db.Invitations.SingleAsync(i => i.Id == invited.Id)).Status);
    }

    [Fact]
    public async Task An_owner_changes_a_members_roles()
    {
        var bob = await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "bob@contoso.example", MemberRoles.Billing);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<MembersPage>();

        await RowButton(MemberRow(cut, "bob@contoso.example"), "Change roles").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("Roles of bob@contoso.example", cut.Find("#member-roles-editor").TextContent));
        await TickAsync(cut, EditorRoles, MemberRoles.Billing, false);
        await TickAsync(cut, EditorRoles, MemberRoles.Technical, true);
        await Button(cut, "Save roles").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("Technical",
            MemberRow(cut, "bob@contoso.example").QuerySelector("[data-roles]")!.GetAttribute("data-roles")));
        Assert.Empty(cut.FindAll("#member-roles-editor"));
        page.Snackbars.WaitForAssertion(() => Assert.Contains("bob@contoso.example now holds Technical", page.Snackbars.Markup));
        await using var db = _fx.Db();
        Assert.Equal(MemberRoles.Technical, (await db.Memberships.SingleAsync(m => m.UserId == bob.Id)).Roles);
        Assert.Equal(page.Member.Id, (await db.AuditEvents.SingleAsync(e => e.Action == "member.roles-changed")).ActorUserId);
        // Another member's roles changed: the owner's own sign-in stays as it is.
        Assert.Empty(page.Bunit.Services.GetRequiredService<BunitNavigationManager>().History);
    }

    [Fact]
    public async Task An_owner_giving_up_their_own_owner_role_gets_a_refreshed_sign_in_back_on_this_page()
    {
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "bob@contoso.example", MemberRoles.Owner);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<MembersPage>();

        await RowButton(MemberRow(cut, "ana@contoso.example"), "Change roles").ClickAsync(new());
        await TickAsync(cut, EditorRoles, MemberRoles.Owner, false);
        await TickAsync(cut, EditorRoles, MemberRoles.Billing, true);
        Assert.Contains("giving up your Owner role", cut.Find("[data-testid=giving-up-owner]").TextContent);
        await Button(cut, "Save roles").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.NotEmpty(page.Bunit.Services.GetRequiredService<BunitNavigationManager>().History));
        var navigation = LastNavigation(page);
        Assert.Equal("/Account/RefreshSignIn?returnUrl=%2Forganization%2Fmembers", navigation.Uri);
        Assert.True(navigation.Options.ForceLoad);
        await using var db = _fx.Db();
        Assert.Equal(MemberRoles.Billing, (await db.Memberships.SingleAsync(m => m.UserId == page.Member.Id)).Roles);
    }

    [Fact]
    public async Task Removing_a_member_asks_first_naming_them_then_they_are_gone()
    {
        var bob = await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "bob@contoso.example", MemberRoles.Technical);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<MembersPage>();
        // One's own row offers no Remove: one leaves instead.
        Assert.DoesNotContain(MemberRow(cut, "ana@contoso.example").QuerySelectorAll("button"), b => b.TextContent.Trim() == "Remove");

        ClickAndAnswer(RowButton(MemberRow(cut, "bob@contoso.example"), "Remove"), page, "Remove bob@contoso.example from Contoso Ltd?", "Remove");

        cut.WaitForAssertion(() => Assert.DoesNotContain(cut.FindAll("[data-member-email]"), e => e.GetAttribute("data-member-email") == "bob@contoso.example"));
        page.Snackbars.WaitForAssertion(() => Assert.Contains("bob@contoso.example is no longer a member of Contoso Ltd", page.Snackbars.Markup));
        await using var db = _fx.Db();
        Assert.False(await db.Memberships.AnyAsync(m => m.UserId == bob.Id));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == "member.removed" && e.ActorUserId == page.Member.Id));
    }

    [Fact]
    public async Task Cancelling_the_removal_keeps_the_member()
    {
        var bob = await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "bob@contoso.example", MemberRoles.Technical);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<MembersPage>();

        ClickAndAnswer(RowButton(MemberRow(cut, "bob@contoso.example"), "Remove"), page, "Remove bob@contoso.example", "Cancel");

        page.Dialogs.WaitForAssertion(() => Assert.Empty(page.Dialogs.FindAll("button")));
        Assert.NotNull(MemberRow(cut, "bob@contoso.example"));
        await using var db = _fx.Db();
        Assert.True(await db.Memberships.AnyAsync(m => m.UserId == bob.Id));
    }

    [Fact]
    public async Task A_billing_member_sees_the_members_but_cannot_invite_or_change_anyone()
    {
        var owner = await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "olga@contoso.example", MemberRoles.Owner);
        await _fx.Get<MembershipService>().InviteAsync(Contoso, "dee@contoso.example", MemberRoles.None,
            Actor.Person(owner.Id, owner.Email!, Roles.Customer).In(Contoso, MemberRoles.Owner), token => new Uri($"http://localhost/invitations/{token}"));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "bob@contoso.example", MemberRoles.Billing);

        var cut = page.RenderPage<MembersPage>();

        Assert.Equal(["bob@contoso.example (you)", "olga@contoso.example"],
            cut.FindAll("[data-member-email]").Select(e => e.TextContent.Trim()));
        Assert.Contains("Only owners manage members", cut.Find("[data-testid=owners-manage]").TextContent);
        Assert.Empty(cut.FindComponents<InviteMemberForm>());
        Assert.Empty(cut.FindComponents<PendingInvitationList>());
        Assert.DoesNotContain("dee@contoso.example", cut.Markup);
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() is "Change roles" or "Remove" or "Send invitation");
        Assert.NotNull(Button(cut, "Leave organization"));
    }

    [Fact]
    public async Task Leaving_asks_first_then_refreshes_the_sign_in_towards_the_dashboard()
    {
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "olga@contoso.example", MemberRoles.Owner);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "bob@contoso.example", MemberRoles.Billing);
        var cut = page.RenderPage<MembersPage>();

        ClickAndAnswer(Button(cut, "Leave organization"), page, "Leave Contoso Ltd?", "Leave");

        cut.WaitForAssertion(() => Assert.NotEmpty(page.Bunit.Services.GetRequiredService<BunitNavigationManager>().History));
        var navigation = LastNavigation(page);
        Assert.Equal("/Account/RefreshSignIn?returnUrl=%2Fdashboard", navigation.Uri);
        Assert.True(navigation.Options.ForceLoad);
        await using var db = _fx.Db();
        Assert.False(await db.Memberships.AnyAsync(m => m.UserId == page.Member.Id));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == "member.left" && e.ActorUserId == page.Member.Id));
    }

    [Fact]
    public async Task The_last_owner_cannot_leave_and_is_told_to_make_another_owner_first()
    {
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "bob@contoso.example", MemberRoles.Billing);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<MembersPage>();

        ClickAndAnswer(Button(cut, "Leave organization"), page, "Leave Contoso Ltd?", "Leave");

        page.Snackbars.WaitForAssertion(() => Assert.Contains("Contoso Ltd must keep at least one owner. Make another member owner first.", page.Snackbars.Markup),
            TimeSpan.FromSeconds(5));
        Assert.Empty(page.Bunit.Services.GetRequiredService<BunitNavigationManager>().History);
        await using var db = _fx.Db();
        Assert.Equal(MemberRoles.Owner, (await db.Memberships.SingleAsync(m => m.UserId == page.Member.Id)).Roles);
    }
}

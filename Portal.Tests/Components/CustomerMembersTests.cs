using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Customers;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Members;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>
/// The members of a customer on the staff customer page: roles and joined dates, the invitations waiting, Support and
/// admins sending an invitation again, and an admin making a member owner with a reason.
/// </summary>
public sealed class CustomerMembersTests : IAsyncLifetime
{
    private const string Reason = "Olga left Contoso in May; Ted's manager confirmed by phone.";
    private DomainFixture _fx = null!;
    private Actor _owner = null!;
    private PortalUser _ted = null!;

    public async Task InitializeAsync()
    {
        _fx = await DomainFixture.CreateAsync();
        var olga = await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "olga@contoso.example");
        _owner = Actor.Person(olga.Id, "olga@contoso.example", Roles.Customer).In(_fx.Contoso.Id, MemberRoles.Owner);
        _ted = await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ted@contoso.example", MemberRoles.Technical);
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "bea@contoso.example", MemberRoles.Billing | MemberRoles.Technical);
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "nora@contoso.example", MemberRoles.None);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private MembershipService Memberships => _fx.Get<MembershipService>();

    [Fact]
    public async Task The_members_show_their_roles_and_joined_date_and_the_pending_invitations_are_listed_and_sales_may_change_nothing()
    {
        await InviteAsync("old@contoso.example", MemberRoles.Technical);
        _fx.Clock.Advance(TimeSpan.FromDays(8));
        await InviteAsync("new@contoso.example", MemberRoles.Billing);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = Render(page);

        Assert.Equal(
            [
                ("bea@contoso.example", "Billing Technical"), ("nora@contoso.example", "None"),
                ("olga@contoso.example", "Owner"), ("ted@contoso.example", "Technical"),
            ],
            Members(cut).Select(li => (li.GetAttribute("data-member")!, RolesOf(li))));
        Assert.Contains("No role", Text(MemberRow(cut, "nora@contoso.example")));
        Assert.All(Members(cut), li => Assert.Contains("joined 1 Jan 2026", Text(li)));

        cut.WaitForAssertion(() => Assert.Equal(2, Invitations(cut).Count));
        var waiting = InvitationRow(cut, "new@contoso.example");
        Assert.Equal(("false", "Billing"), (waiting.GetAttribute("data-expired"), RolesOf(waiting)));
        Assert.Contains("invited by olga@contoso.example · sent 7 Dec 2026 · valid until 14 Dec 2026", Text(waiting));
        var expired = InvitationRow(cut, "old@contoso.example");
        Assert.Equal(("true", "Technical"), (expired.GetAttribute("data-expired"), RolesOf(expired)));
        Assert.Contains("expired 6 Dec 2026", Text(expired));

        Assert.Empty(cut.FindAll("[data-testid=resend-invitation]"));
        Assert.Empty(cut.FindAll("[data-testid=make-owner]"));
    }

    [Fact]
    public async Task Support_sends_an_invitation_again_after_confirming_with_a_new_link_and_the_history_shows_it()
    {
        var invitation = await InviteAsync("new@contoso.example", MemberRoles.Billing);
        _fx.Clock.Advance(TimeSpan.FromDays(2));
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Support);
        var cut = Render(page);
        cut.WaitForAssertion(() => Assert.Single(Invitations(cut)));
        Assert.Empty(cut.FindAll("[data-testid=make-owner]"));

        cut.Find("[data-testid=resend-invitation]").Click();
        page.Dialogs.WaitForAssertion(() => Assert.Contains("the link sent before stops working", page.Dialogs.Markup));
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Re-send").Click();

        page.Snackbars.WaitForAssertion(() => Assert.Contains("A new invitation is on its way to new@contoso.example.", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        await using var db = _fx.Db();
        var resent = _fx.InvitationEmails.Sent[^1];
        Assert.Equal(2, _fx.InvitationEmails.Sent.Count);
        Assert.Equal("new@contoso.example", resent.To);
        Assert.StartsWith("http://localhost/invitations/", resent.Link.AbsoluteUri);
        var audit = await db.AuditEvents.SingleAsync(e => e.Action == "member.invitation-resent");
        Assert.Equal((page.Actor.Name, _fx.Contoso.Id), (audit.ActorName, audit.OrganizationId));
        cut.WaitForAssertion(() => Assert.Contains("Invitation of new@contoso.example sent again", cut.Find(".history-timeline").TextContent));
        cut.WaitForAssertion(() => Assert.Contains("sent 1 Dec 2026 (2 times) · valid until 8 Dec 2026", Text(InvitationRow(cut, "new@contoso.example"))));
    }

    [Fact]
    public async Task Only_an_admin_makes_a_member_owner_with_a_reason_which_is_recorded_and_emailed_to_the_owners_and_billing_email()
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var cut = Render(page);
        Assert.Equal(["bea@contoso.example", "nora@contoso.example", "ted@contoso.example"],
            Members(cut).Where(li => li.QuerySelector("[data-testid=make-owner]") is not null).Select(li => li.GetAttribute("data-member")));

        MakeOwnerButton(cut, "ted@contoso.example").Click();
        page.Dialogs.WaitForAssertion(() => Assert.Contains("Make ted@contoso.example an owner of Contoso Ltd?", page.Dialogs.Markup));
        Assert.Contains("emails it to its owners (olga@contoso.example), to ted@contoso.example and to the billing email billing@contoso.example",
            page.Dialogs.Find("[data-testid=make-owner-told]").TextContent);

        page.Dialogs.Find("[data-testid=confirm-make-owner]").Click();
        page.Dialogs.WaitForAssertion(() => Assert.Equal(
            ["Say why the organization has no owner who can act; its owners and billing email are told."], EvaluationPageTests.FieldErrors(page.Dialogs)));
        Assert.Equal(MemberRoles.Technical, await RolesOfAsync(_ted));

        page.Dialogs.Find("textarea").Change(Reason);
        page.Dialogs.Find("[data-testid=confirm-make-owner]").Click();

        page.Snackbars.WaitForAssertion(() => Assert.Contains("ted@contoso.example is now an owner of Contoso Ltd.", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        Assert.Equal(MemberRoles.Owner | MemberRoles.Technical, await RolesOfAsync(_ted));
        await using var db = _fx.Db();
        var audit = await db.AuditEvents.SingleAsync(e => e.Action == "member.owner-recovered");
        Assert.Equal(page.Actor.Name, audit.ActorName);
        Assert.EndsWith(Reason, audit.Summary);
        var email = await db.OutboxMessages.SingleAsync();
        Assert.Equal(["olga@contoso.example", "ted@contoso.example", "billing@contoso.example"], email.To);
        Assert.Contains($"The reason: {Reason}", email.TextBody);
        cut.WaitForAssertion(() => Assert.Equal("Owner Technical", RolesOf(MemberRow(cut, "ted@contoso.example"))));
        Assert.Null(MemberRow(cut, "ted@contoso.example").QuerySelector("[data-testid=make-owner]"));
        cut.WaitForAssertion(() => Assert.Contains(Reason, cut.Find(".history-timeline").TextContent));
    }

    [Fact]
    public async Task Cancelling_make_owner_changes_and_sends_nothing()
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var cut = Render(page);

        MakeOwnerButton(cut, "ted@contoso.example").Click();
        page.Dialogs.WaitForAssertion(() => Assert.NotEmpty(page.Dialogs.FindAll("textarea")));
        page.Dialogs.Find("textarea").Change(Reason);
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        page.Dialogs.WaitForAssertion(() => Assert.Empty(page.Dialogs.FindAll("textarea")));
        Assert.Equal(MemberRoles.Technical, await RolesOfAsync(_ted));
        await using var db = _fx.Db();
        Assert.False(await db.OutboxMessages.AnyAsync());
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "member.owner-recovered"));
    }

    [Fact]
    public async Task Support_sees_no_make_owner_button_and_the_service_refuses_support_anyway()
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Support);

        var cut = Render(page);

        Assert.Empty(cut.FindAll("[data-testid=make-owner]"));
        var refused = await Assert.ThrowsAsync<DomainException>(() => Memberships.RecoverOwnerAsync(_fx.Contoso.Id, _ted.Id, Reason, page.Actor));
        Assert.Equal("Only Admin staff can make a customer's member owner.", refused.Message);
        Assert.Equal(MemberRoles.Technical, await RolesOfAsync(_ted));
    }

    private Task<Invitation> InviteAsync(string email, MemberRoles roles) =>
        Memberships.InviteAsync(_fx.Contoso.Id, email, roles, _owner, token => new Uri($"http://portal.example/invitations/{token}"));

    private async Task<MemberRoles> RolesOfAsync(PortalUser user)
    {
        await using var db = _fx.Db();
        return await db.Memberships.Where(m => m.UserId == user.Id && m.OrganizationId == _fx.Contoso.Id).Select(m => m.Roles).SingleAsync();
    }

    private IRenderedComponent<CustomerPage> Render(StaffPageContext page)
    {
        var cut = page.Bunit.Render<CustomerPage>(p => p.Add(c => c.OrganizationId, _fx.Contoso.Id));
        cut.WaitForAssertion(() =>
        {
            Assert.Single(cut.FindAll("h1"));
            Assert.Empty(cut.FindAll(".mud-progress-circular"));
        }, TimeSpan.FromSeconds(5));
        return cut;
    }

    private static IReadOnlyList<IElement> Members(IRenderedComponent<CustomerPage> cut) =>
        cut.FindAll("ul[aria-label='Members of the organization'] > li");

    private static IElement MemberRow(IRenderedComponent<CustomerPage> cut, string email) =>
        Members(cut).Single(li => li.GetAttribute("data-member") == email);

    private static IElement MakeOwnerButton(IRenderedComponent<CustomerPage> cut, string email) =>
        MemberRow(cut, email).QuerySelector("[data-testid=make-owner]")!;

    private static IReadOnlyList<IElement> Invitations(IRenderedComponent<CustomerPage> cut) =>
        cut.FindAll("ul[aria-labelledby=customer-invitations] > li");

    private static IElement InvitationRow(IRenderedComponent<CustomerPage> cut, string email) =>
        Invitations(cut).Single(li => li.GetAttribute("data-invitation") == email);

    private static string RolesOf(IElement element) =>
        string.Join(" ", element.QuerySelectorAll("[data-role]").Select(chip => chip.GetAttribute("data-role")));

    /// <summary>The element's text with runs of white space (from the markup's line breaks) as one space.</summary>
    private static string Text(IElement element) => System.Text.RegularExpressions.Regex.Replace(element.TextContent, @"\s+", " ").Trim();
}

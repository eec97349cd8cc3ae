using System.Buffers.Text;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.History;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// An organization's team (MembershipService) on a real SQLite database: invitations by a link stored only as a hash,
/// accepting them, roles, removing and leaving, always an owner, the admin's owner recovery, the history of it all, and
/// what holds when people do it at the same moment.
/// </summary>
public sealed class MembershipTests : IAsyncLifetime
{
    private const string Ana = "ana@contoso.example";
    private const string Bob = "bob@contoso.example";
    private const string Carol = "carol@contoso.example";

    private readonly ReadsInStep _inStep = new();
    private DomainFixture _fx = null!;
    private PortalUser _ana = null!;

    public async Task InitializeAsync()
    {
        _fx = await DomainFixture.CreateAsync(services => services.AddSingleton<IInterceptor>(_inStep));
        _ana = await MemberAsync(Ana, MemberRoles.Owner);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private MembershipService Members => _fx.Get<MembershipService>();
    private Guid Contoso => _fx.Contoso.Id;

    /// <summary>Ana, the owner of Contoso.</summary>
    private Actor Owner => As(_ana, MemberRoles.Owner);

    [Fact]
    public async Task The_person_who_registers_an_organization_is_its_owner()
    {
        await using var scope = _fx.Get<IServiceScopeFactory>().CreateAsyncScope();
        var registration = ActivatorUtilities.CreateInstance<CustomerRegistration>(scope.ServiceProvider);

        var result = await registration.RegisterAsync(new NewCustomer("fay@fabrikam.example", "Correct-Horse-42", "Fabrikam", OrganizationKind.Commercial, "NL"));

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        await using var db = _fx.Db();
        var fabrikam = await db.Organizations.SingleAsync(o => o.Name == "Fabrikam");
        var founder = await db.Memberships.SingleAsync(m => m.OrganizationId == fabrikam.Id);
        Assert.Equal((result.User!.Id, MemberRoles.Owner), (founder.UserId, founder.Roles));
    }

    [Fact]
    public async Task An_invitation_waits_7_days_with_its_roles_and_one_email_sent_at_once_brings_the_link_to_the_invited_address()
    {
        var (invitation, token) = await InviteAsync(Bob, MemberRoles.Billing | MemberRoles.Technical);

        await using var db = _fx.Db();
        var stored = await db.Invitations.SingleAsync();
        Assert.Equal((invitation.Id, InvitationStatus.Pending, Bob, MemberRoles.Billing | MemberRoles.Technical, _ana.Id, DomainFixture.Start.AddDays(7)),
            (stored.Id, stored.Status, stored.Email, stored.Roles, stored.InvitedByUserId, stored.ExpiresAt));
        var email = Assert.Single(_fx.InvitationEmails.Sent);
        Assert.Equal((Bob, "Contoso Ltd", Ana, MemberRoles.Billing | MemberRoles.Technical, stored.ExpiresAt, LinkTo(token)),
            (email.To, email.OrganizationName, email.InvitedBy, email.Roles, email.ExpiresAt, email.Link));
        Assert.Empty(await db.OutboxMessages.ToListAsync());
        var opened = await Members.FindAsync(token);
        Assert.NotNull(opened);
        Assert.Equal((invitation.Id, "Contoso Ltd", Ana), (opened.Id, opened.OrganizationName, opened.InvitedBy));
    }

    [Fact]
    public async Task The_links_token_is_stored_only_as_its_SHA256_and_is_in_no_table()
    {
        var (_, token) = await InviteAsync(Bob);

        await using var db = _fx.Db();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), (await db.Invitations.SingleAsync()).TokenHash);
        Assert.Empty(DatabaseRows.TablesContaining(await DatabaseRows.ReadAsync(db), token));
    }

    [Fact]
    public async Task An_invitation_whose_email_fails_is_kept_with_its_history_and_sending_it_again_mails_a_new_link()
    {
        _fx.InvitationEmails.FailNext = new IOException("Connection refused by smtp.example");

        var failed = await Assert.ThrowsAsync<DomainException>(() => InviteAsync(Bob));

        Assert.Contains("is saved, but its email could not be sent", failed.Message);
        Assert.Contains("Send again", failed.Message);
        Assert.Empty(_fx.InvitationEmails.Sent);
        await using var db = _fx.Db();
        var stored = await db.Invitations.SingleAsync();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "member.invited"));
        var token = await ResendAsync(stored, Owner);
        Assert.Equal(LinkTo(token), Assert.Single(_fx.InvitationEmails.Sent).Link);
    }

    [Fact]
    public async Task An_owner_recovery_reason_longer_than_the_history_keeps_is_refused_and_nothing_changes()
    {
        var bob = await MemberAsync(Bob, MemberRoles.Billing);

        var refused = await Assert.ThrowsAsync<DomainException>(() => Members.RecoverOwnerAsync(
            Contoso, bob.Id, new string('x', MembershipService.MaxRecoveryReasonLength + 1), DomainFixture.Admin));

        Assert.Contains($"{MembershipService.MaxRecoveryReasonLength} characters", refused.Message);
        Assert.Equal(MemberRoles.Billing, await RolesAsync(bob));
    }

    [Fact]
    public async Task A_staff_account_cannot_join_a_customers_organization()
    {
        var staff = await AccountAsync(Bob);
        await using (var db = _fx.Db())
        {
            db.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<string> { UserId = staff.Id, RoleId = "role-support" });
            await db.SaveChangesAsync();
        }
        var (_, token) = await InviteAsync(Bob);

        var refused = await Assert.ThrowsAsync<DomainException>(() => Members.AcceptAsync(token, staff.Id));

        Assert.Contains("Staff accounts cannot join", refused.Message);
        Assert.Null(await RolesAsync(staff));
    }

    [Fact]
    public async Task An_organization_has_at_most_20_invitations_waiting_and_the_21st_is_refused()
    {
        for (var i = 1; i <= Invitation.MaxPending; i++)
            await InviteAsync($"person{i}@contoso.example");
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => InviteAsync("person21@contoso.example"));

        Assert.Contains("has 20 invitations waiting", refused.Message);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task An_expired_invitation_no_longer_counts_towards_the_20_waiting()
    {
        for (var i = 1; i <= Invitation.MaxPending; i++)
            await InviteAsync($"person{i}@contoso.example");
        _fx.Clock.Advance(Invitation.ValidFor);

        await InviteAsync("person21@contoso.example");

        await using var db = _fx.Db();
        Assert.Equal(21, await db.Invitations.CountAsync(i => i.Status == InvitationStatus.Pending));
    }

    [Fact]
    public async Task Inviting_a_member_of_the_organization_is_refused()
    {
        await MemberAsync(Bob, MemberRoles.Technical);
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => InviteAsync(" BOB@contoso.example"));

        Assert.Equal("BOB@contoso.example is already a member of Contoso Ltd.", refused.Message);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task Inviting_an_address_that_is_already_invited_is_refused()
    {
        await InviteAsync(Bob);
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => InviteAsync("Bob@Contoso.example"));

        Assert.Contains("Bob@Contoso.example is already invited", refused.Message);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task Sending_again_makes_a_new_link_valid_7_days_from_then_and_the_old_link_stops_working()
    {
        var bob = await AccountAsync(Bob);
        var (invitation, oldToken) = await InviteAsync(Bob);
        _fx.Clock.Advance(TimeSpan.FromDays(3));

        var newToken = await ResendAsync(invitation, Owner);

        Assert.NotEqual(oldToken, newToken);
        Assert.Null(await Members.FindAsync(oldToken));
        var refused = await Assert.ThrowsAsync<DomainException>(() => Members.AcceptAsync(oldToken, bob.Id));
        Assert.Contains("not valid", refused.Message);
        var opened = await Members.FindAsync(newToken);
        Assert.NotNull(opened);
        Assert.Equal(DomainFixture.Start.AddDays(3 + 7), opened.ExpiresAt);
        await using var db = _fx.Db();
        var emails = _fx.InvitationEmails.Sent;
        Assert.Equal(2, emails.Count);
        Assert.Equal((Bob, LinkTo(newToken)), (emails[1].To, emails[1].Link));
        Assert.Equal(2, (await db.Invitations.SingleAsync()).TimesSent);
    }

    [Fact]
    public async Task An_expired_invitation_sent_again_can_be_accepted()
    {
        var bob = await AccountAsync(Bob);
        var (invitation, _) = await InviteAsync(Bob);
        _fx.Clock.Advance(TimeSpan.FromDays(10));

        var token = await ResendAsync(invitation, Owner);
        await Members.AcceptAsync(token, bob.Id);

        Assert.Equal(MemberRoles.Billing, await RolesAsync(bob));
    }

    [Fact]
    public async Task An_expired_invitation_is_not_sent_again_when_20_others_are_waiting()
    {
        var (expired, _) = await InviteAsync(Bob);
        _fx.Clock.Advance(Invitation.ValidFor);
        for (var i = 1; i <= Invitation.MaxPending; i++)
            await InviteAsync($"person{i}@contoso.example");
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => ResendAsync(expired, Owner));

        Assert.Contains("has 20 invitations waiting", refused.Message);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task An_expired_invitation_is_not_sent_again_when_the_address_was_invited_anew()
    {
        var (expired, _) = await InviteAsync(Bob);
        _fx.Clock.Advance(Invitation.ValidFor);
        await InviteAsync(Bob);
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => ResendAsync(expired, Owner));

        Assert.Contains("already invited", refused.Message);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task A_withdrawn_invitation_is_closed_and_no_longer_waits()
    {
        var (invitation, _) = await InviteAsync(Bob);
        _fx.Clock.Advance(TimeSpan.FromHours(1));

        await Members.WithdrawAsync(Contoso, invitation.Id, Owner);

        await using var db = _fx.Db();
        var stored = await db.Invitations.SingleAsync();
        Assert.Equal(InvitationStatus.Withdrawn, stored.Status);
        Assert.Equal(DomainFixture.Start.AddHours(1), stored.ClosedAt);
        Assert.Empty(await MembershipQueries.PendingInvitationsAsync(db, Contoso, _fx.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Accepting_joins_with_the_invited_roles_and_makes_it_the_organization_the_person_works_in()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var bob = await MemberAsync(Bob, MemberRoles.Owner, fabrikam);
        var (invitation, token) = await InviteAsync(Bob, MemberRoles.Billing | MemberRoles.Technical);
        _fx.Clock.Advance(TimeSpan.FromDays(6));

        var joined = await Members.AcceptAsync(token, bob.Id);

        Assert.Equal(Contoso, joined);
        Assert.Equal(MemberRoles.Billing | MemberRoles.Technical, await RolesAsync(bob));
        await using var db = _fx.Db();
        var person = await db.Users.SingleAsync(u => u.Id == bob.Id);
        Assert.Equal(Contoso, person.ChosenOrganizationId);
        Assert.Equal(Contoso, (await MembershipQueries.CurrentAsync(db, bob.Id, person.ChosenOrganizationId))?.OrganizationId);
        var stored = await db.Invitations.SingleAsync();
        Assert.Equal(InvitationStatus.Accepted, stored.Status);
        Assert.Equal(bob.Id, stored.AcceptedByUserId);
        Assert.Equal(MemberRoles.Owner, await RolesAsync(bob, fabrikam.Id));
        var membership = await db.Memberships.SingleAsync(m => m.OrganizationId == Contoso && m.UserId == bob.Id);
        var joinedEvent = await db.AuditEvents.SingleAsync(e => e.Action == "member.joined");
        Assert.Equal((nameof(Membership), membership.Id.ToString(), bob.Id), (joinedEvent.EntityType, joinedEvent.EntityId, joinedEvent.ActorUserId));
    }

    [Theory]
    [InlineData("expired", "This invitation has expired")]
    [InlineData("used twice", "This invitation was already accepted")]
    [InlineData("withdrawn", "This invitation was withdrawn")]
    [InlineData("guessed", "This invitation link is not valid")]
    [InlineData("the stored hash", "This invitation link is not valid")]
    [InlineData("forwarded to another address", "This invitation is for bob@contoso.example")]
    [InlineData("accepted by an account not yet confirmed", "Confirm your email address")]
    public async Task An_invitation_link_is_refused_and_nobody_joins_when_it_is(string how, string message)
    {
        var bob = await AccountAsync(Bob, confirmed: how != "accepted by an account not yet confirmed");
        var carol = await AccountAsync(Carol);
        var (invitation, token) = await InviteAsync(Bob);
        var (person, link) = (bob, token);
        switch (how)
        {
            case "expired":
                _fx.Clock.Advance(Invitation.ValidFor);
                break;
            case "used twice":
                await Members.AcceptAsync(token, bob.Id);
                break;
            case "withdrawn":
                await Members.WithdrawAsync(Contoso, invitation.Id, Owner);
                break;
            case "guessed":
                link = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
                break;
            case "the stored hash":
                link = Invitation.HashToken(token);
                break;
            case "forwarded to another address":
                person = carol;
                break;
        }
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => Members.AcceptAsync(link, person.Id));

        Assert.StartsWith(message, refused.Message);
        Assert.Equal(before, await StoredAsync());
        await using var db = _fx.Db();
        Assert.Equal(how == "used twice" ? 1 : 0, await db.Memberships.CountAsync(m => m.OrganizationId == Contoso && m.UserId != _ana.Id));
        Assert.Null((await db.Users.SingleAsync(u => u.Id == carol.Id)).ChosenOrganizationId);
    }

    [Fact]
    public async Task An_owner_changes_a_members_roles()
    {
        var bob = await MemberAsync(Bob, MemberRoles.Billing);

        await Members.ChangeRolesAsync(Contoso, bob.Id, MemberRoles.Technical | MemberRoles.Owner, Owner);

        Assert.Equal(MemberRoles.Technical | MemberRoles.Owner, await RolesAsync(bob));
    }

    [Fact]
    public async Task An_owner_removes_a_member_from_the_organization_only()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var bob = await MemberAsync(Bob, MemberRoles.Billing);
        await JoinAsync(bob, fabrikam.Id, MemberRoles.Technical);

        await Members.RemoveAsync(Contoso, bob.Id, Owner);

        Assert.Null(await RolesAsync(bob));
        Assert.Equal(MemberRoles.Technical, await RolesAsync(bob, fabrikam.Id));
    }

    [Fact]
    public async Task A_member_leaves_the_organization()
    {
        var bob = await MemberAsync(Bob, MemberRoles.Technical);

        await Members.LeaveAsync(Contoso, As(bob, MemberRoles.Technical));

        Assert.Null(await RolesAsync(bob));
        Assert.Equal(MemberRoles.Owner, await RolesAsync(_ana));
    }

    [Fact]
    public async Task With_a_second_owner_an_owner_may_give_up_the_role_and_then_leave()
    {
        await MemberAsync(Bob, MemberRoles.Owner);

        await Members.ChangeRolesAsync(Contoso, _ana.Id, MemberRoles.Billing, Owner);
        await Members.LeaveAsync(Contoso, As(_ana, MemberRoles.Billing));

        Assert.Null(await RolesAsync(_ana));
    }

    [Fact]
    public async Task The_last_owner_cannot_give_up_the_owner_role()
    {
        await MemberAsync(Bob, MemberRoles.Billing);
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => Members.ChangeRolesAsync(Contoso, _ana.Id, MemberRoles.Billing, Owner));

        AssertKeepsAnOwner(refused);
        Assert.Equal(before, await StoredAsync());
        Assert.Equal(MemberRoles.Owner, await RolesAsync(_ana));
    }

    [Fact]
    public async Task The_last_owner_cannot_leave()
    {
        await MemberAsync(Bob, MemberRoles.Billing);
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => Members.LeaveAsync(Contoso, Owner));

        AssertKeepsAnOwner(refused);
        Assert.Equal(before, await StoredAsync());
    }

    [Theory]
    [InlineData("demoted")]
    [InlineData("removed")]
    public async Task The_last_owner_cannot_be_demoted_or_removed_even_by_someone_whose_sign_in_still_says_owner(string how)
    {
        var bob = await MemberAsync(Bob, MemberRoles.Owner);
        await Members.ChangeRolesAsync(Contoso, bob.Id, MemberRoles.Billing, As(bob, MemberRoles.Owner));
        var before = await StoredAsync();
        var stillSignedInAsOwner = As(bob, MemberRoles.Owner);

        var refused = await Assert.ThrowsAsync<DomainException>(() => how == "demoted"
            ? Members.ChangeRolesAsync(Contoso, _ana.Id, MemberRoles.Technical, stillSignedInAsOwner)
            : Members.RemoveAsync(Contoso, _ana.Id, stillSignedInAsOwner));

        AssertKeepsAnOwner(refused);
        Assert.Equal(before, await StoredAsync());
        Assert.Equal(MemberRoles.Owner, await RolesAsync(_ana));
    }

    public static TheoryData<string, string, bool> Management()
    {
        var allowed = new Dictionary<string, string[]>
        {
            ["invite"] = ["Owner"],
            ["send again"] = ["Owner", Roles.Support, Roles.Admin],
            ["withdraw"] = ["Owner"],
            ["change roles"] = ["Owner"],
            ["remove"] = ["Owner"],
        };
        string[] who = ["Owner", "Billing and Technical member", Roles.Support, Roles.Sales, Roles.Admin];
        var data = new TheoryData<string, string, bool>();
        foreach (var (action, roles) in allowed)
            foreach (var person in who)
                data.Add(action, person, roles.Contains(person));
        return data;
    }

    [Theory]
    [MemberData(nameof(Management))]
    public async Task Only_owners_manage_the_members_and_support_may_only_send_an_invitation_again(string action, string who, bool allowed)
    {
        var bob = await MemberAsync(Bob, MemberRoles.Billing | MemberRoles.Technical);
        var carol = await MemberAsync(Carol, MemberRoles.Technical);
        var (invitation, _) = await InviteAsync("dan@contoso.example");
        var actor = who switch
        {
            "Owner" => Owner,
            "Billing and Technical member" => As(bob, MemberRoles.Billing | MemberRoles.Technical),
            _ => Actor.Person($"{who.ToLowerInvariant()}-1", $"{who.ToLowerInvariant()}@keymetric.example", who),
        };
        Func<Task> perform = action switch
        {
            "invite" => () => InviteAsync("erin@contoso.example", by: actor),
            "send again" => () => ResendAsync(invitation, actor),
            "withdraw" => () => Members.WithdrawAsync(Contoso, invitation.Id, actor),
            "change roles" => () => Members.ChangeRolesAsync(Contoso, carol.Id, MemberRoles.Billing, actor),
            "remove" => () => Members.RemoveAsync(Contoso, carol.Id, actor),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "No such action in this test."),
        };
        var before = await StoredAsync();

        var refused = await Record.ExceptionAsync(perform);

        if (allowed)
        {
            Assert.Null(refused);
            Assert.NotEqual(before, await StoredAsync());
        }
        else
        {
            Assert.IsType<DomainException>(refused);
            Assert.Equal(before, await StoredAsync());
        }
    }

    [Theory]
    [InlineData(Roles.Support)]
    [InlineData(Roles.Sales)]
    [InlineData("an owner of the organization")]
    public async Task Only_an_admin_may_make_a_member_owner(string who)
    {
        var bob = await MemberAsync(Bob, MemberRoles.Technical);
        var actor = who == "an owner of the organization" ? Owner : Actor.Person("staff-1", "staff@keymetric.example", who);
        var before = await StoredAsync();

        await Assert.ThrowsAsync<DomainException>(() => Members.RecoverOwnerAsync(Contoso, bob.Id, "The only owner left", actor));

        Assert.Equal(before, await StoredAsync());
        Assert.Equal(MemberRoles.Technical, await RolesAsync(bob));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_admin_says_why_when_making_a_member_owner(string reason)
    {
        var bob = await MemberAsync(Bob, MemberRoles.Technical);
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => Members.RecoverOwnerAsync(Contoso, bob.Id, reason, DomainFixture.Admin));

        Assert.Contains("Say why", refused.Message);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task An_admin_makes_a_member_owner_with_the_reason_in_the_history_and_an_email_to_the_owners_the_member_and_the_billing_email()
    {
        var bob = await MemberAsync(Bob, MemberRoles.Technical);
        await MemberAsync(Carol, MemberRoles.Billing);
        const string reason = "Ana left Contoso; the CFO confirmed Bob by phone";

        await Members.RecoverOwnerAsync(Contoso, bob.Id, reason, DomainFixture.Admin);

        Assert.Equal(MemberRoles.Technical | MemberRoles.Owner, await RolesAsync(bob));
        await using var db = _fx.Db();
        var recorded = await db.AuditEvents.SingleAsync(e => e.Action == "member.owner-recovered");
        Assert.Equal(DomainFixture.Admin.UserId, recorded.ActorUserId);
        Assert.Equal(Contoso, recorded.OrganizationId);
        Assert.Contains(reason, recorded.Summary);
        var email = await db.OutboxMessages.SingleAsync();
        Assert.Equal([Ana, "billing@contoso.example", Bob], email.To.Order(StringComparer.Ordinal));
        Assert.Contains(reason, email.TextBody);
    }

    [Fact]
    public async Task Every_membership_change_is_in_the_organizations_history_with_who_made_it()
    {
        var bob = await AccountAsync(Bob);
        var carol = await MemberAsync(Carol, MemberRoles.Technical);
        var (forBob, _) = await InviteAsync(Bob);
        var token = await ResendAsync(forBob, DomainFixture.Support);
        var (forDan, _) = await InviteAsync("dan@contoso.example");
        await Members.WithdrawAsync(Contoso, forDan.Id, Owner);
        await Members.AcceptAsync(token, bob.Id);
        await Members.ChangeRolesAsync(Contoso, bob.Id, MemberRoles.Billing | MemberRoles.Technical, Owner);
        await Members.RemoveAsync(Contoso, carol.Id, Owner);
        await Members.RecoverOwnerAsync(Contoso, bob.Id, "Ana is on leave", DomainFixture.Admin);
        await Members.LeaveAsync(Contoso, As(bob, MemberRoles.Owner | MemberRoles.Billing | MemberRoles.Technical));

        await using var db = _fx.Db();
        var history = (await AuditLog.LicenseHistoryAsync(db, Contoso, 1, AuditLog.MaxPageSize)).Entries.Reverse().ToList();
        Assert.Equal(
        [
            (Ana, "member.invited", Bob),
            (DomainFixture.Support.Name, "member.invitation-resent", Bob),
            (Ana, "member.invited", "dan@contoso.example"),
            (Ana, "member.invitation-withdrawn", "dan@contoso.example"),
            (Bob, "member.joined", Bob),
            (Ana, "member.roles-changed", Bob),
            (Ana, "member.removed", Carol),
            (DomainFixture.Admin.Name, "member.owner-recovered", Bob),
            (Bob, "member.left", Bob),
        ], history.Select(e => (e.ActorName, e.Action, e.Summary.Contains(Bob) ? Bob : e.Summary.Contains(Carol) ? Carol : "dan@contoso.example")));
        Assert.Equal(
            [_ana.Id, DomainFixture.Support.UserId, _ana.Id, _ana.Id, bob.Id, _ana.Id, _ana.Id, DomainFixture.Admin.UserId, bob.Id],
            await db.AuditEvents.Where(e => e.OrganizationId == Contoso).OrderBy(e => e.Id).Select(e => e.ActorUserId).ToListAsync());
    }

    [Theory]
    [InlineData("demotes", "demotes")]
    [InlineData("removes", "removes")]
    [InlineData("demotes", "removes")]
    public async Task Two_owners_taking_the_owner_role_from_each_other_at_the_same_moment_leave_the_organization_an_owner(
        string whatAnaDoes, string whatBobDoes)
    {
        var bob = await MemberAsync(Bob, MemberRoles.Owner);

        var outcomes = await _inStep.RunAsync(
            () => TakeOwnerRoleAsync(whatAnaDoes, from: bob, by: Owner),
            () => TakeOwnerRoleAsync(whatBobDoes, from: _ana, by: As(bob, MemberRoles.Owner)));

        Assert.Single(outcomes, outcome => outcome is null);
        Assert.Matches("same moment|must keep at least one owner", Assert.IsType<DomainException>(outcomes.Single(o => o is not null)).Message);
        await using var db = _fx.Db();
        Assert.Equal(1, await db.Memberships.CountAsync(m => m.OrganizationId == Contoso && (m.Roles & MemberRoles.Owner) != MemberRoles.None));
    }

    [Fact]
    public async Task An_invitation_accepted_twice_at_the_same_moment_makes_one_membership()
    {
        var bob = await AccountAsync(Bob);
        var (_, token) = await InviteAsync(Bob);

        var outcomes = await _inStep.RunAsync(() => Members.AcceptAsync(token, bob.Id), () => Members.AcceptAsync(token, bob.Id));

        Assert.Single(outcomes, outcome => outcome is null);
        Assert.IsType<DomainException>(outcomes.Single(o => o is not null));
        await using var db = _fx.Db();
        Assert.Equal(1, await db.Memberships.CountAsync(m => m.UserId == bob.Id));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "member.joined"));
    }

    [Fact]
    public async Task An_invitation_sent_again_by_its_owner_and_by_support_at_the_same_moment_gets_one_new_link()
    {
        var (invitation, _) = await InviteAsync(Bob);

        var outcomes = await _inStep.RunAsync(() => ResendAsync(invitation, Owner), () => ResendAsync(invitation, DomainFixture.Support));

        Assert.Single(outcomes, outcome => outcome is null);
        Assert.Contains("at the same moment", Assert.IsType<DomainException>(outcomes.Single(o => o is not null)).Message);
        await using var db = _fx.Db();
        Assert.Equal(2, (await db.Invitations.SingleAsync()).TimesSent);
        Assert.Equal(2, _fx.InvitationEmails.Sent.Count);
    }

    [Fact]
    public async Task Twenty_invitations_sent_at_the_same_moment_to_an_organization_with_19_waiting_leave_no_more_than_20_waiting()
    {
        for (var i = 1; i < Invitation.MaxPending; i++)
            await InviteAsync($"person{i}@contoso.example");

        var outcomes = await _inStep.RunAsync(Enumerable.Range(1, 20)
            .Select(i => (Func<Task>)(() => InviteAsync($"rush{i}@contoso.example"))));

        Assert.Single(outcomes, outcome => outcome is null);
        Assert.All(outcomes.OfType<Exception>(), e => Assert.IsType<DomainException>(e));
        await using var db = _fx.Db();
        Assert.Equal(Invitation.MaxPending, await db.Invitations.CountAsync(i => i.Status == InvitationStatus.Pending));
    }

    private Task TakeOwnerRoleAsync(string how, PortalUser from, Actor by) => how == "demotes"
        ? Members.ChangeRolesAsync(Contoso, from.Id, MemberRoles.Billing, by)
        : Members.RemoveAsync(Contoso, from.Id, by);

    private static void AssertKeepsAnOwner(DomainException refused) =>
        Assert.Equal("Contoso Ltd must keep at least one owner. Make another member owner first.", refused.Message);

    private Actor As(PortalUser user, MemberRoles roles, Guid? organizationId = null) =>
        Actor.Person(user.Id, user.Email!, Roles.Customer).In(organizationId ?? Contoso, roles);

    private static Uri LinkTo(string token) => new($"https://portal.example/invitations/{token}");

    /// <summary>Invites to Contoso (as Ana unless <paramref name="by"/> says otherwise) and returns the token of the emailed link.</summary>
    private async Task<(Invitation Invitation, string Token)> InviteAsync(string email, MemberRoles roles = MemberRoles.Billing, Actor? by = null)
    {
        string? token = null;
        var invitation = await Members.InviteAsync(Contoso, email, roles, by ?? Owner, sent => LinkTo(token = sent));
        return (invitation, token!);
    }

    /// <summary>Sends the invitation again and returns the token of the new link.</summary>
    private async Task<string> ResendAsync(Invitation invitation, Actor by)
    {
        string? token = null;
        await Members.ResendAsync(Contoso, invitation.Id, by, sent => LinkTo(token = sent));
        return token!;
    }

    /// <summary>An account as Identity stores one (normalized address), a member of nothing yet.</summary>
    private async Task<PortalUser> AccountAsync(string email, bool confirmed = true)
    {
        await using var db = _fx.Db();
        var user = new PortalUser
        {
            UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
            EmailConfirmed = confirmed,
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user;
    }

    /// <summary>An account that is a member of the organization (Contoso unless given) with the roles.</summary>
    private async Task<PortalUser> MemberAsync(string email, MemberRoles roles, Organization? organization = null)
    {
        var user = await AccountAsync(email);
        await JoinAsync(user, (organization ?? _fx.Contoso).Id, roles);
        return user;
    }

    private async Task JoinAsync(PortalUser user, Guid organizationId, MemberRoles roles)
    {
        await using var db = _fx.Db();
        var person = await db.Users.SingleAsync(u => u.Id == user.Id);
        person.JoinAs(db, organizationId, roles);
        await db.SaveChangesAsync();
    }

    /// <summary>The person's roles in the organization (Contoso unless given); null when they are not a member.</summary>
    private async Task<MemberRoles?> RolesAsync(PortalUser user, Guid? organizationId = null)
    {
        await using var db = _fx.Db();
        return await db.Memberships.Where(m => m.OrganizationId == (organizationId ?? Contoso) && m.UserId == user.Id)
            .Select(m => (MemberRoles?)m.Roles).SingleOrDefaultAsync();
    }

    /// <summary>What a membership action leaves behind: members and their roles, invitations and their state, history and emails.</summary>
    private async Task<string> StoredAsync()
    {
        await using var db = _fx.Db();
        var rows = await DatabaseRows.ReadAsync(db);
        return string.Join(Environment.NewLine,
            new[] { "Memberships", "Invitations", "AuditEvents", "OutboxMessages", "AspNetUsers" }.SelectMany(table => rows[table].Prepend(table)));
    }

    /// <summary>
    /// Makes operations run at the same moment in the worst way, every time: each read outside a transaction, once made,
    /// waits until every one of the operations has made its read of that round, so all of them have read what they check
    /// before any of them writes.
    /// </summary>
    private sealed class ReadsInStep : DbCommandInterceptor
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

        private readonly Lock _lock = new();
        private int _operations;
        private int _arrived;
        private TaskCompletionSource _round = NewRound();

        /// <summary>Runs the operations together, reading in step, and returns what each threw (null when it succeeded).</summary>
        public async Task<Exception?[]> RunAsync(params IEnumerable<Func<Task>> operations)
        {
            var all = operations.ToList();
            lock (_lock)
                (_operations, _arrived, _round) = (all.Count, 0, NewRound());
            try
            {
                return await Task.WhenAll(all.Select(operation => Record.ExceptionAsync(operation)));
            }
            finally
            {
                lock (_lock)
                {
                    _operations = 0;
                    _round.TrySetResult();
                }
            }
        }

        // After the read, not before: an operation let go first could otherwise write before a slower one's read runs.
        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.Transaction is null)
                await ArriveAsync();
            return result;
        }

        private Task ArriveAsync()
        {
            lock (_lock)
            {
                if (_operations == 0)
                    return Task.CompletedTask;
                var round = _round;
                if (++_arrived < _operations)
                    return round.Task.WaitAsync(Patience);
                (_arrived, _round) = (0, NewRound());
                round.SetResult();
                return Task.CompletedTask;
            }
        }

        private static TaskCompletionSource NewRound() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

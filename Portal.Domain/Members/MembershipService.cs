using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Organizations;
using Portal.Domain.Outbox;

namespace Portal.Domain.Members;

/// <summary>The address of the page that accepts an invitation, for the token of its link.</summary>
public delegate Uri InvitationLink(string token);

/// <summary>An invitation as the page its link opens shows it.</summary>
public sealed record InvitationView(
    Guid Id, Guid OrganizationId, string OrganizationName, string Email, MemberRoles Roles, string InvitedBy,
    InvitationStatus Status, DateTimeOffset ExpiresAt)
{
    public bool IsPendingAt(DateTimeOffset now) => Status == InvitationStatus.Pending && now < ExpiresAt;
}

/// <summary>
/// An organization's team (docs/rules.md#members): owners invite people by email with roles, change roles and remove
/// members; anyone may leave; an organization always keeps an owner; an admin may make a member owner when none is left
/// who can act. Every change is in the organization's history, with who made it.
/// </summary>
public sealed class MembershipService(
    IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, EmailOutbox outbox, IInvitationEmailSender invitationEmails, TimeProvider clock)
{
    /// <summary>The longest reason for making a member owner: it goes into a history entry, which has room for 500 characters.</summary>
    public const int MaxRecoveryReasonLength = 250;

    public async Task<Invitation> InviteAsync(
        Guid organizationId, string email, MemberRoles roles, Actor actor, InvitationLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(link);
        actor.Require(organizationId, "invite members", MemberRoles.Owner);
        var now = clock.GetUtcNow();
        var (invitation, token) = Invitation.Create(organizationId, email, roles, actor.UserId!, now);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organization = await OrganizationAsync(db, organizationId, cancellationToken);
        await EnsureMayWaitAsync(db, organization, invitation, now, cancellationToken);

        db.Invitations.Add(invitation);
        audit.Record(db, actor, "member.invited", nameof(Invitation), invitation.Id, organizationId,
            $"Invited {invitation.Email} as {invitation.Roles.Describe()}.");
        await SaveMemberChangeAsync(db, organization, cancellationToken);
        await SendInvitationAsync(invitation, organization, actor, link(token), cancellationToken);
        return invitation;
    }

    /// <summary>A new link for a waiting invitation, valid for 7 days from now; the old link stops working. Owners and Support may.</summary>
    public async Task<Invitation> ResendAsync(
        Guid organizationId, Guid invitationId, Actor actor, InvitationLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(link);
        RequireOwnerOrStaff(organizationId, actor, "send invitations again", Roles.Support);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organization = await OrganizationAsync(db, organizationId, cancellationToken);
        var invitation = await InvitationAsync(db, organizationId, invitationId, cancellationToken);
        var now = clock.GetUtcNow();
        // An expired invitation no longer counts as waiting: sent again, it waits once more, so it must fit as a new one would.
        var waitsAgain = invitation.Status == InvitationStatus.Pending && !invitation.IsPendingAt(now);
        if (waitsAgain)
            await EnsureMayWaitAsync(db, organization, invitation, now, cancellationToken);
        var token = invitation.Resend(now);
        audit.Record(db, actor, "member.invitation-resent", nameof(Invitation), invitation.Id, organizationId,
            $"Invitation of {invitation.Email} sent again; it is valid until {invitation.ExpiresAt:yyyy-MM-dd}.");
        await SaveInvitationAsync(db, waitsAgain ? organization : null, cancellationToken);
        await SendInvitationAsync(invitation, organization, actor, link(token), cancellationToken);
        return invitation;
    }

    public async Task WithdrawAsync(Guid organizationId, Guid invitationId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "withdraw invitations", MemberRoles.Owner);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invitation = await InvitationAsync(db, organizationId, invitationId, cancellationToken);
        invitation.Withdraw(clock.GetUtcNow());
        audit.Record(db, actor, "member.invitation-withdrawn", nameof(Invitation), invitation.Id, organizationId,
            $"Invitation of {invitation.Email} withdrawn.");
        await SaveInvitationAsync(db, organization: null, cancellationToken);
    }

    /// <summary>The invitation a link's token belongs to; null for a token that matches none (mistyped, guessed, or replaced by a re-send).</summary>
    public async Task<InvitationView?> FindAsync(string token, CancellationToken cancellationToken = default)
    {
        var hash = Invitation.HashToken(token);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Invitations.AsNoTracking()
            .Where(i => i.TokenHash == hash)
            .Join(db.Organizations, i => i.OrganizationId, o => o.Id, (i, o) => new { i, o.Name })
            .Select(x => new InvitationView(
                x.i.Id, x.i.OrganizationId, x.Name, x.i.Email, x.i.Roles,
                db.Users.Where(u => u.Id == x.i.InvitedByUserId).Select(u => u.Email).FirstOrDefault() ?? "An owner",
                x.i.Status, x.i.ExpiresAt))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The signed-in person accepts the invitation of the link: only once, before it expires, and only with a confirmed
    /// account at the invited address. They join with its roles and work in that organization from now on.
    /// </summary>
    public async Task<Guid> AcceptAsync(string token, string userId, CancellationToken cancellationToken = default)
    {
        var hash = Invitation.HashToken(token);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken)
            ?? throw new DomainException("This invitation link is not valid. It may have been replaced by a newer one: use the link in the latest invitation email.");
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken)
            ?? throw new DomainException("Sign in to accept the invitation.");
        var now = clock.GetUtcNow();
        invitation.Accept(user.Id, user.Email, now);
        if (await db.UserRoles.AnyAsync(ur => ur.UserId == user.Id
                && db.Roles.Any(r => r.Id == ur.RoleId && Roles.Staff.Contains(r.Name!)), cancellationToken))
            throw new DomainException("Staff accounts cannot join a customer's organization. Accept the invitation with a customer account.");
        if (!user.EmailConfirmed)
            throw new DomainException($"Confirm your email address {user.Email} first: use the link in the email we sent when you registered.");
        var organization = await OrganizationAsync(db, invitation.OrganizationId, cancellationToken);
        if (await db.Memberships.AnyAsync(m => m.OrganizationId == organization.Id && m.UserId == user.Id, cancellationToken))
            throw new DomainException($"You are already a member of {organization.Name}.");

        var membership = Membership.Joined(invitation, user.Id, now);
        db.Memberships.Add(membership);
        user.ChooseOrganization(organization.Id);
        var person = Actor.Person(user.Id, user.Email ?? user.Id, Roles.Customer).In(organization.Id, invitation.Roles);
        audit.Record(db, person, "member.joined", nameof(Membership), membership.Id, organization.Id,
            $"{user.Email} joined as {invitation.Roles.Describe()}.");
        try
        {
            await SaveMemberChangeAsync(db, organization, cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new DomainException("This invitation was answered at the same moment. Reload the page to see whether you joined.");
        }
        return organization.Id;
    }

    public async Task ChangeRolesAsync(Guid organizationId, string userId, MemberRoles roles, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "change members' roles", MemberRoles.Owner);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organization = await OrganizationAsync(db, organizationId, cancellationToken);
        var (membership, email) = await MemberAsync(db, organizationId, userId, cancellationToken);
        var before = membership.Roles;
        membership.ChangeRoles(roles);
        if (membership.Roles == before)
            return;
        await KeepAnOwnerAsync(db, organization, membership, before.HasFlag(MemberRoles.Owner), membership.IsOwner, cancellationToken);
        audit.Record(db, actor, "member.roles-changed", nameof(Membership), membership.Id, organizationId,
            $"Roles of {email} changed from {before.Describe()} to {membership.Roles.Describe()}.");
        await SaveMemberChangeAsync(db, organization, cancellationToken);
    }

    public async Task RemoveAsync(Guid organizationId, string userId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "remove members", MemberRoles.Owner);
        if (userId == actor.UserId)
            throw new DomainException("To leave the organization yourself, use Leave.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organization = await OrganizationAsync(db, organizationId, cancellationToken);
        var (membership, email) = await MemberAsync(db, organizationId, userId, cancellationToken);
        db.Memberships.Remove(membership);
        await KeepAnOwnerAsync(db, organization, membership, membership.IsOwner, remainsOwner: false, cancellationToken);
        audit.Record(db, actor, "member.removed", nameof(Membership), membership.Id, organizationId,
            $"{email} was removed from {organization.Name}.");
        await SaveMemberChangeAsync(db, organization, cancellationToken);
    }

    /// <summary>The acting member leaves the organization they act in; the last owner must make someone else owner first.</summary>
    public async Task LeaveAsync(Guid organizationId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "leave it", MemberRoles.None);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organization = await OrganizationAsync(db, organizationId, cancellationToken);
        var (membership, email) = await MemberAsync(db, organizationId, actor.UserId!, cancellationToken);
        db.Memberships.Remove(membership);
        await KeepAnOwnerAsync(db, organization, membership, membership.IsOwner, remainsOwner: false, cancellationToken);
        audit.Record(db, actor, "member.left", nameof(Membership), membership.Id, organizationId,
            $"{email} left {organization.Name}.");
        await SaveMemberChangeAsync(db, organization, cancellationToken);
    }

    /// <summary>
    /// An admin makes a member owner when the organization has no owner left who can act (the only owner left the
    /// company), with the reason; the organization's owners and billing contact are told.
    /// </summary>
    public async Task RecoverOwnerAsync(Guid organizationId, string userId, string reason, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("make a customer's member owner", Roles.Admin);
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException("Say why the organization has no owner who can act, for its history and its owners.");
        if (reason.Trim().Length > MaxRecoveryReasonLength)
            throw new DomainException($"Keep the reason to {MaxRecoveryReasonLength} characters: it goes into the organization's history.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organization = await OrganizationAsync(db, organizationId, cancellationToken);
        var (membership, email) = await MemberAsync(db, organizationId, userId, cancellationToken);
        if (membership.IsOwner)
            throw new DomainException($"{email} is already an owner of {organization.Name}.");
        var owners = await ContactsAsync(db, organizationId, MemberRoles.Owner, cancellationToken);
        membership.ChangeRoles(membership.Roles | MemberRoles.Owner);
        var why = reason.Trim();
        audit.Record(db, actor, "member.owner-recovered", nameof(Membership), membership.Id, organizationId,
            $"{actor.Name} of Key Metric Software made {email} an owner of {organization.Name}: {why}");
        outbox.Enqueue(db, DecisionEmail.Compose(
            OutboxEmail.Recipients([.. owners, email, organization.BillingEmail]),
            $"{email} is now an owner of {organization.Name}",
            $"owner-recovered:{membership.Id:N}:{clock.GetUtcNow().ToUnixTimeMilliseconds()}",
            $"Key Metric Software made {email} an owner of {organization.Name} in the licensing portal.",
            $"The reason: {why}",
            "If this is not what your organization wanted, reply to this email or contact our support team."));
        await SaveMemberChangeAsync(db, organization, cancellationToken);
    }

    // Compiled (once per model): every fulfilment asks it twice, for the keys' and the receipt's recipients.
    private static readonly CompiledQuery<Func<PortalDbContext, Guid, MemberRoles, IAsyncEnumerable<string>>> Contacts = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, Guid organizationId, MemberRoles roles) => db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId
                && ((m.Roles & MemberRoles.Owner) != MemberRoles.None || (m.Roles & roles) != MemberRoles.None))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.Email)
            .Where(address => address != null)
            .OrderBy(address => address)
            .Select(address => address!)));

    /// <summary>The email addresses of the members whose roles allow <paramref name="roles"/> (owners always do).</summary>
    public static async Task<List<string>> ContactsAsync(PortalDbContext db, Guid organizationId, MemberRoles roles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var contacts = new List<string>();
        await foreach (var address in Contacts.For(db)(db, organizationId, roles).WithCancellation(cancellationToken))
            contacts.Add(address);
        return contacts;
    }

    private static void RequireOwnerOrStaff(Guid organizationId, Actor actor, string action, string staffRole)
    {
        if (actor.Member?.OrganizationId == organizationId)
            actor.Require(organizationId, action, MemberRoles.Owner);
        else
            actor.Require(action, staffRole);
    }

    // Sent after the save, as account emails are: a link is only ever mailed for an invitation that is stored. When
    // the mail server fails, the invitation waits and "Send again" makes a new link.
    private async Task SendInvitationAsync(
        Invitation invitation, Organization organization, Actor actor, Uri link, CancellationToken cancellationToken)
    {
        try
        {
            await invitationEmails.SendInvitationAsync(
                new InvitationEmail(invitation.Email, organization.Name, actor.Name, invitation.Roles, invitation.ExpiresAt, link), cancellationToken);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            throw new DomainException(
                $"The invitation of {invitation.Email} is saved, but its email could not be sent ({failure.Message}). Use \"Send again\" in the list of invitations.");
        }
    }

    // Any change of the members moves the organization's members revision from the value this context read to a new
    // one, in the save's own transaction: of two changes made at once, the second finds the revision moved and is
    // refused, so rules across members (always an owner, at most 20 invitations) hold under concurrency.
    private static async Task SaveMemberChangeAsync(PortalDbContext db, Organization organization, CancellationToken cancellationToken)
    {
        var seen = organization.MembersRevision;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var moved = await db.Organizations
                .Where(o => o.Id == organization.Id && o.MembersRevision == seen)
                .ExecuteUpdateAsync(o => o.SetProperty(x => x.MembersRevision, Guid.NewGuid()), cancellationToken);
            if (moved == 0)
                throw new DomainException("Someone changed this organization's members at the same moment. Reload and try again.");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
    }

    // With the organization when the change makes the invitation count as waiting again: then it is saved as a change of
    // the members, so that the limit of waiting invitations holds under concurrency.
    private static async Task SaveInvitationAsync(PortalDbContext db, Organization? organization, CancellationToken cancellationToken)
    {
        try
        {
            if (organization is null)
                await db.SaveChangesAsync(cancellationToken);
            else
                await SaveMemberChangeAsync(db, organization, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("Someone answered or changed this invitation at the same moment. Reload to see it as it is now.");
        }
    }

    /// <summary>
    /// Refuses an invitation that may not wait: for a member, for an address another waiting invitation already has, or
    /// beyond the organization's limit of waiting invitations (expired ones do not count).
    /// </summary>
    private static async Task EnsureMayWaitAsync(
        PortalDbContext db, Organization organization, Invitation invitation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.Memberships.AnyAsync(m => m.OrganizationId == organization.Id
                && db.Users.Any(u => u.Id == m.UserId && u.NormalizedEmail == invitation.NormalizedEmail), cancellationToken))
            throw new DomainException($"{invitation.Email} is already a member of {organization.Name}.");
        var waiting = await db.Invitations
            .Where(i => i.OrganizationId == organization.Id && i.Id != invitation.Id && i.Status == InvitationStatus.Pending && i.ExpiresAt > now)
            .Select(i => i.NormalizedEmail)
            .ToListAsync(cancellationToken);
        if (waiting.Contains(invitation.NormalizedEmail))
            throw new DomainException($"{invitation.Email} is already invited. Send the invitation again from the list if it got lost.");
        if (waiting.Count >= Invitation.MaxPending)
            throw new DomainException($"{organization.Name} has {Invitation.MaxPending} invitations waiting, the most it can have. Withdraw one, or wait until some are accepted.");
    }

    /// <summary>Refuses a change that takes the owner role from the organization's last owner.</summary>
    private static async Task KeepAnOwnerAsync(
        PortalDbContext db, Organization organization, Membership changed, bool wasOwner, bool remainsOwner, CancellationToken cancellationToken)
    {
        if (!wasOwner || remainsOwner)
            return;
        if (!await db.Memberships.AnyAsync(m => m.OrganizationId == organization.Id && m.Id != changed.Id
                && (m.Roles & MemberRoles.Owner) != MemberRoles.None, cancellationToken))
            throw new DomainException($"{organization.Name} must keep at least one owner. Make another member owner first.");
    }

    private static async Task<Organization> OrganizationAsync(PortalDbContext db, Guid organizationId, CancellationToken cancellationToken) =>
        await db.Organizations.SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken)
            ?? throw new DomainException("That organization does not exist.");

    private static async Task<Invitation> InvitationAsync(PortalDbContext db, Guid organizationId, Guid invitationId, CancellationToken cancellationToken) =>
        await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId && i.OrganizationId == organizationId, cancellationToken)
            ?? throw new DomainException("That invitation does not exist.");

    private static async Task<(Membership Membership, string Email)> MemberAsync(
        PortalDbContext db, Guid organizationId, string userId, CancellationToken cancellationToken)
    {
        var membership = await db.Memberships.SingleOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId, cancellationToken)
            ?? throw new DomainException("That person is not a member of the organization.");
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleAsync(cancellationToken);
        return (membership, email ?? userId);
    }
}

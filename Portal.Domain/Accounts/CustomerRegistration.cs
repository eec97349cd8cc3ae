using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Members;
using Portal.Domain.Organizations;

namespace Portal.Domain.Accounts;

public sealed record NewCustomer(
    string Email,
    string Password,
    string OrganizationName,
    OrganizationKind OrganizationKind,
    string CountryCode);

public sealed record RegistrationResult(PortalUser? User, IReadOnlyList<string> Errors)
{
    public bool Succeeded => User is not null;

    public static RegistrationResult Failed(params IEnumerable<string> errors) => new(null, errors.ToList());
}

/// <summary>
/// Self-service sign-up: a new organization with the person who registers it as its first member, its Owner, and a
/// Customer; or, from an invitation's link, only the invited person's account, which joins the inviting organization
/// when they accept the invitation with their confirmed address.
/// Organization, account and role are stored together or not at all.
/// </summary>
public sealed class CustomerRegistration(UserManager<PortalUser> users, PortalDbContext db, TimeProvider clock)
{
    public async Task<RegistrationResult> RegisterAsync(NewCustomer customer, CancellationToken cancellationToken = default)
    {
        Organization organization;
        try
        {
            organization = Organization.Register(
                customer.OrganizationName, customer.OrganizationKind, customer.CountryCode, customer.Email, clock.GetUtcNow());
        }
        catch (DomainException rule)
        {
            return RegistrationResult.Failed(rule.Message);
        }

        return await CreateCustomerAsync(customer.Email, customer.Password, organization, cancellationToken);
    }

    /// <summary>
    /// An account for the address a pending invitation is for, without an organization of its own: the address comes
    /// from the invitation, never from the form, and is still to be confirmed, so that only its owner can join.
    /// </summary>
    public async Task<RegistrationResult> RegisterInviteeAsync(string invitationToken, string password, CancellationToken cancellationToken = default)
    {
        var hash = Invitation.HashToken(invitationToken);
        var invitation = await db.Invitations.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
        if (invitation is null || !invitation.IsPendingAt(clock.GetUtcNow()))
            return RegistrationResult.Failed("This invitation can no longer be accepted. Ask the organization's owner to send it again.");
        return await CreateCustomerAsync(invitation.Email, password, organization: null, cancellationToken);
    }

    private async Task<RegistrationResult> CreateCustomerAsync(string email, string password, Organization? organization, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

            var user = new PortalUser { UserName = email, Email = email };
            if (organization is not null)
            {
                user.ChooseOrganization(organization.Id);
                db.Organizations.Add(organization);
                db.Memberships.Add(Membership.Founder(organization.Id, user.Id, clock.GetUtcNow()));
            }

            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
                return RegistrationResult.Failed(created.Errors.Select(error => error.Description));

            var role = await users.AddToRoleAsync(user, Roles.Customer);
            if (!role.Succeeded)
                return RegistrationResult.Failed(role.Errors.Select(error => error.Description));

            await transaction.CommitAsync(cancellationToken);
            return new RegistrationResult(user, []);
        });
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Organizations;
using Portal.Domain.Members;

namespace Portal.Tests.Builders;

/// <summary>A customer account a test made: its organization, the user, and the user as the domain services see them.</summary>
public sealed record CustomerAccount(Guid OrganizationId, string UserId, string Email)
{
    public Actor Actor => Actor.Person(UserId, Email, Roles.Customer).In(OrganizationId, MemberRoles.Owner);
}

/// <summary>
/// Customer accounts made directly in a running app's database (through Identity's <see cref="UserManager{TUser}"/>, so
/// the password works on the real sign-in form), as registration and email confirmation leave one.
/// </summary>
public static class CustomerAccounts
{
    /// <summary>
    /// A new organization with one confirmed customer account, its first member; the organization is billed at the
    /// account's address unless <paramref name="billingEmail"/> says otherwise.
    /// </summary>
    public static async Task<CustomerAccount> CreateAsync(IServiceProvider app, string organizationName, string email, string password,
        string? billingEmail = null, OrganizationKind kind = OrganizationKind.Commercial)
    {
        await using var scope = app.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PortalDbContext>();
        var organization = Organization.Register(organizationName, kind, "GB", billingEmail ?? email, services.GetRequiredService<TimeProvider>().GetUtcNow());
        db.Organizations.Add(organization);
        await db.SaveChangesAsync();
        var users = services.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        user.JoinAs(db, organization.Id);
        Assert.True((await users.CreateAsync(user, password)).Succeeded, $"The account {email} could not be created.");
        Assert.True((await users.AddToRoleAsync(user, Roles.Customer)).Succeeded, $"{email} could not be made a customer.");
        return new CustomerAccount(organization.Id, user.Id, email);
    }
}

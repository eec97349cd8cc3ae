using Microsoft.AspNetCore.Authorization;
using Portal.Domain.Accounts;

namespace Portal.Components.Account;

/// <summary>
/// Authorization policies by role. Admins can do what Sales and Support can. Every staff policy also requires
/// two-factor authentication on the account (<see cref="StaffTwoFactorRequirement"/>).
/// </summary>
public static class Policies
{
    public const string Customer = "Customer";
    public const string Staff = "Staff";
    public const string Sales = "Sales";
    public const string Support = "Support";
    public const string Admin = "Admin";

    public static void Configure(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A customer is always scoped to the organization in the sign-in.
        options.AddPolicy(Customer, policy => policy.RequireRole(Roles.Customer).RequireClaim(PortalClaimTypes.OrganizationId));
        options.AddPolicy(Staff, policy => policy.RequireRole(Roles.Staff).AddRequirements(StaffTwoFactorRequirement.Instance));
        options.AddPolicy(Sales, policy => policy.RequireRole(Roles.Sales, Roles.Admin).AddRequirements(StaffTwoFactorRequirement.Instance));
        options.AddPolicy(Support, policy => policy.RequireRole(Roles.Support, Roles.Admin).AddRequirements(StaffTwoFactorRequirement.Instance));
        options.AddPolicy(Admin, policy => policy.RequireRole(Roles.Admin).AddRequirements(StaffTwoFactorRequirement.Instance));
    }
}

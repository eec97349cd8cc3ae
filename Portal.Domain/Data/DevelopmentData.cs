using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Organizations;

namespace Portal.Domain.Data;

/// <summary>Demo catalog and accounts for Development, so every page has something real to show. Never used elsewhere.</summary>
public static class DevelopmentData
{
    public const string DemoPassword = "Portal-Demo-2026!";
    public const string CustomerEmail = "customer@contoso.example";
    public const string SalesEmail = "sales@keymetric.example";
    public const string SupportEmail = "support@keymetric.example";
    public const string AdminEmail = "admin@keymetric.example";
    public const string DemoOrganizationName = "Contoso Facilities Ltd";

    /// <summary>Adds what is missing; returns whether anything was added.</summary>
    public static async Task<bool> SeedAsync(PortalDbContext db, UserManager<PortalUser> users, TimeProvider clock)
    {
        var added = false;
        if (!await db.Products.AnyAsync())
        {
            db.Products.Add(OfficeStatus());
            await db.SaveChangesAsync();
            added = true;
        }

        if (await users.FindByEmailAsync(CustomerEmail) is null)
        {
            var organization = Organization.Register(DemoOrganizationName, OrganizationKind.Commercial, "GB", CustomerEmail, clock.GetUtcNow());
            db.Organizations.Add(organization);
            await CreateUserAsync(users, CustomerEmail, Roles.Customer, organization);
            added = true;
        }

        foreach (var (email, role) in new[] { (SalesEmail, Roles.Sales), (SupportEmail, Roles.Support), (AdminEmail, Roles.Admin) })
        {
            if (await users.FindByEmailAsync(email) is not null)
                continue;
            await CreateUserAsync(users, email, role, organization: null);
            added = true;
        }

        return added;
    }

    /// <summary>OfficeStatus 6.1 with its seven seat packs; prices in US cents.</summary>
    public static Product OfficeStatus()
    {
        var product = Product.Create("officestatus", "OfficeStatus", currentMajor: 6, currentMinor: 1, currency: "USD");
        foreach (var (seats, price) in new (int, long)[]
                 {
                     (1, 4_900), (5, 22_500), (10, 42_000), (25, 97_500), (50, 180_000), (100, 330_000), (250, 750_000),
                 })
        {
            product.AddPack(seats, price);
        }
        return product;
    }

    private static async Task CreateUserAsync(UserManager<PortalUser> users, string email, string role, Organization? organization)
    {
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        if (organization is not null)
            user.JoinOrganization(organization);
        Check(await users.CreateAsync(user, DemoPassword), email);
        Check(await users.AddToRoleAsync(user, role), email);
    }

    private static void Check(IdentityResult result, string email)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not create demo account {email}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Data;

namespace Portal.Tests.Integration;

public sealed class DevelopmentDataTests
{
    [Fact]
    public async Task Development_start_seeds_OfficeStatus_and_one_demo_account_per_role()
    {
        await using var app = new PortalAppFactory();
        app.CreateClient().Dispose();

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();

        var product = await db.Products.Include(p => p.Packs).SingleAsync();
        Assert.Equal(("OfficeStatus", "6.1"), (product.Name, product.CurrentVersion));
        Assert.Equal([1, 5, 10, 25, 50, 100, 250], product.Packs.Select(p => p.Seats).Order());

        foreach (var (email, role) in new[]
                 {
                     (DevelopmentData.CustomerEmail, Roles.Customer), (DevelopmentData.SalesEmail, Roles.Sales),
                     (DevelopmentData.SupportEmail, Roles.Support), (DevelopmentData.AdminEmail, Roles.Admin),
                 })
        {
            var user = await users.FindByEmailAsync(email);
            Assert.NotNull(user);
            Assert.True(await users.CheckPasswordAsync(user, DevelopmentData.DemoPassword), $"{email} signs in with the demo password");
            Assert.Equal([role], await users.GetRolesAsync(user));
            Assert.True(user.EmailConfirmed);
            Assert.Equal(role == Roles.Customer, user.OrganizationId is not null);
        }
        Assert.Equal(DevelopmentData.DemoOrganizationName, (await db.Organizations.SingleAsync()).Name);
    }

    [Fact]
    public async Task Seeding_twice_adds_nothing_the_second_time()
    {
        await using var app = new PortalAppFactory();
        app.CreateClient().Dispose();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();

        var addedAgain = await DevelopmentData.SeedAsync(
            db, scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>(), TimeProvider.System);

        Assert.False(addedAgain);
        Assert.Equal(4, await db.Users.CountAsync());
        Assert.Equal(1, await db.Products.CountAsync());
    }

    [Fact]
    public async Task Nothing_is_seeded_outside_development_but_the_roles_exist()
    {
        await using var app = new PortalAppFactory("Production").With("Smtp:Host", "127.0.0.1").With("LicenseKeys:SigningKeyPem", Keys.TestSigningKeys.Pem).With("LicenseKeys:KeyId", Keys.TestSigningKeys.KeyId);
        app.CreateClient().Dispose();

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(0, await db.Users.CountAsync());
        Assert.Equal(0, await db.Products.CountAsync());
        Assert.Equal(0, await db.Organizations.CountAsync());
        Assert.Equal(4, await db.Roles.CountAsync());
    }
}

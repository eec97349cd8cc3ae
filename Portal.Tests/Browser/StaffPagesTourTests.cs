using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Customers;
using Portal.Components.Staff;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Evaluations;
using Portal.Domain.Members;
using Portal.Tests.Builders;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class StaffPagesTourTests(BrowserFixture browser)
{
    /// <summary>
    /// Every page of the staff navigation, and a case of each desk, as the admin (who sees them all) on a desktop in
    /// light and dark mode and on a phone in dark mode: it loads, axe finds no serious or critical problem, and on the
    /// phone it fits the screen (a wide table may scroll sideways inside itself). Screenshots of each view go to the test
    /// output. Problems are reported together.
    /// </summary>
    [Fact]
    public async Task Every_staff_page_passes_axe_in_light_and_dark_mode_and_fits_a_phone()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DevelopmentData.AdminEmail, "/staff");

        var problems = await session.ProblemsOnEveryPageAsync(browser.BaseAddress, await StaffPagesAsync());

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await session.AssertCleanJourneyAsync();
    }

    private async Task<IReadOnlyList<TouredPage>> StaffPagesAsync()
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var application = await db.DiscountApplications.AsNoTracking().OrderBy(a => a.AppliedAt).FirstAsync();
        var request = await db.Set<ExtensionRequest>().AsNoTracking().OrderBy(r => r.RequestedAt).FirstAsync();
        var team = await TeamAsync(db);
        return
        [
            new("/staff", "staff-overview"), new(StaffPaths.Discounts, "staff-discounts"),
            new(StaffPaths.DiscountCase(application.Id), "staff-discount-case"), new(StaffPaths.Extensions, "staff-extensions"),
            new(StaffPaths.ExtensionCase(request.Id), "staff-extension-case"), new(StaffPaths.Orders, "staff-orders"),
            new(CustomerPaths.Directory, "staff-customers"), new(CustomerPaths.Detail(application.OrganizationId), "staff-customer"),
            new(CustomerPaths.Detail(team), "staff-customer-team"),
            new("/admin/catalog", "admin-catalog"), new("/admin/licenses", "admin-licenses"), new("/admin/staff", "admin-staff"),
            new("/admin/keys", "admin-keys"), new("/admin/audit", "admin-audit"),
        ];
    }

    /// <summary>A customer with an owner, a Technical member and an invitation waiting: the members section with its role chips and actions.</summary>
    private async Task<Guid> TeamAsync(PortalDbContext db)
    {
        var owner = await browser.NewCustomerAsync("Tour Team Ltd");
        const string technical = "tech@tour-team.example";
        db.Users.Add(new PortalUser { UserName = technical, Email = technical, EmailConfirmed = true }.JoinAs(db, owner.OrganizationId, MemberRoles.Technical));
        await db.SaveChangesAsync();
        await browser.Services.GetRequiredService<MembershipService>().InviteAsync(owner.OrganizationId, "buyer@tour-team.example", MemberRoles.Billing,
            owner.Actor.In(owner.OrganizationId, MemberRoles.Owner), token => new Uri(browser.BaseAddress, $"/invitations/{token}"));
        return owner.OrganizationId;
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Customers;
using Portal.Components.Staff;
using Portal.Domain.Data;
using Portal.Domain.Evaluations;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class StaffPagesOnAPhoneTests(BrowserFixture browser)
{
    /// <summary>
    /// Every page of the staff navigation, and a case of each desk, as the admin (who sees them all) at a phone's width
    /// in dark mode: it loads, fits the screen (a wide table may scroll sideways inside itself) and axe finds no serious or critical problem. Problems are reported together.
    /// </summary>
    [Fact]
    public async Task Every_staff_page_fits_a_phone_in_dark_mode_and_passes_axe()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DevelopmentData.AdminEmail, "/staff");

        var problems = await session.ProblemsOnAPhoneInDarkModeAsync(browser.BaseAddress, await StaffPagesAsync());

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await session.AssertNoAppErrorsAsync();
    }

    private async Task<IReadOnlyList<string>> StaffPagesAsync()
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var application = await db.DiscountApplications.AsNoTracking().OrderBy(a => a.AppliedAt).FirstAsync();
        var request = await db.Set<ExtensionRequest>().AsNoTracking().OrderBy(r => r.RequestedAt).FirstAsync();
        return ["/staff", StaffPaths.Discounts, StaffPaths.DiscountCase(application.Id), StaffPaths.Extensions,
            StaffPaths.ExtensionCase(request.Id), StaffPaths.Orders, CustomerPaths.Directory, CustomerPaths.Detail(application.OrganizationId),
            "/admin/catalog", "/admin/licenses", "/admin/staff", "/admin/keys", "/admin/audit"];
    }
}

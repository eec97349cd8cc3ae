using System.Reflection;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Account;
using Portal.Components.Customers;
using Portal.Domain.Accounts;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Domain.Usage;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>
/// What sales and support see of installations: the customer directory's usage views, order and column, and the
/// installations section of a customer's page, on the real database.
/// </summary>
public sealed class CustomerInstallationsTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private DateTimeOffset Now => _fx.Clock.GetUtcNow();

    private async Task<InstallationView> ReportAsync(Organization organization, int enabledUsers, IEnumerable<License> keys,
        string name = "Main office server", DateTimeOffset? writtenAt = null, Guid? installationId = null)
    {
        var report = UsageReports.For(installationId ?? Guid.NewGuid(), writtenAt ?? Now) with
        {
            EnabledUsers = enabledUsers,
            InstallationName = name,
            LicenseIds = keys.Select(k => k.Id).ToList(),
        };
        var receipt = await _fx.Get<UsageService>().UploadAsync(organization.Id, report.Bytes(),
            DomainFixture.CustomerIn(organization.Id, MemberRoles.Technical));
        return receipt.Installation;
    }

    /// <summary>Contoso over by 6, Fabrikam near the limit, Northwind silent for 100 days, Tailspin without installations.</summary>
    private async Task FourCustomersAsync()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        var northwind = await _fx.AddOrganizationAsync("Northwind Traders");
        await _fx.AddOrganizationAsync("Tailspin Toys");
        await ReportAsync(_fx.Contoso, 41, await _fx.PurchaseAsync(_fx.Contoso, 25, 10));
        await ReportAsync(fabrikam, 9, await _fx.PurchaseAsync(fabrikam, 10));
        await ReportAsync(northwind, 5, await _fx.PurchaseAsync(northwind, 25), writtenAt: Now.AddDays(-100));
    }

    private static IReadOnlyList<string> Names(IRenderedComponent<CustomerDirectory> cut) =>
        cut.FindAll("[data-testid=customers-grid] tbody tr td:first-child a").Select(a => a.TextContent.Trim()).ToList();

    private static string Text(IElement element) => Regex.Replace(element.TextContent, @"\s+", " ").Trim();

    private static IRenderedComponent<CustomerDirectory> RenderDirectory(StaffPageContext page, string address)
    {
        page.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        var cut = page.RenderPage<CustomerDirectory>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=customers-grid] tbody tr")));
        return cut;
    }

    [Fact]
    public async Task The_directory_shows_each_customers_worst_state_and_its_views_count_the_customers_in_each()
    {
        await FourCustomersAsync();
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = RenderDirectory(page, CustomerPaths.Directory);

        cut.WaitForAssertion(() => Assert.Equal(["Contoso Ltd", "Fabrikam Foundation", "Northwind Traders", "Tailspin Toys"], Names(cut)));
        var usage = cut.FindAll("[data-testid=customers-grid] tbody tr").Select(r => r.QuerySelectorAll("td").Last()).ToList();
        Assert.Equal(["Over by 6 seats", "Near the limit", "Fits", null], usage.Select(cell => cell.QuerySelector(".mud-chip")?.TextContent.Trim()));
        Assert.Equal("1 of 1 not reported for 90 days", usage[2].QuerySelector("p")!.TextContent.Trim());
        Assert.Equal("No reports", Text(usage[3]));
        cut.WaitForAssertion(() => Assert.Equal(
            ["All customers", "Over their seats (1)", "Near the limit (1)", "Not reported for 90 days (1)"],
            cut.FindAll("[data-testid=customer-usage-views] a").Select(Text)));
        Assert.Equal("page", cut.Find("[data-view=all]").GetAttribute("aria-current"));
        Assert.Equal(CustomerPaths.DirectoryView(CustomerUsageFilter.Over, CustomerSort.Name), cut.Find("[data-view=over]").GetAttribute("href"));
    }

    [Theory]
    [InlineData("over", "Contoso Ltd")]
    [InlineData("near", "Fabrikam Foundation")]
    [InlineData("silent", "Northwind Traders")]
    public async Task A_view_in_the_address_lists_only_its_customers(string view, string customer)
    {
        await FourCustomersAsync();
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Support);

        var cut = RenderDirectory(page, $"{CustomerPaths.Directory}?usage={view}");

        cut.WaitForAssertion(() => Assert.Equal([customer], Names(cut)));
        Assert.Equal("page", cut.Find($"[data-view={view}]").GetAttribute("aria-current"));
        Assert.Null(cut.Find("[data-view=all]").GetAttribute("aria-current"));
    }

    [Theory]
    [InlineData("?usage=%3Cscript%3Ealert(1)%3C/script%3E&sort=%27%20OR%201=1")]
    [InlineData("?usage=OVER&sort=")]
    [InlineData("?usage=&sort=name")]
    public async Task An_unknown_view_or_order_in_the_address_lists_every_customer_by_name(string query)
    {
        await FourCustomersAsync();
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = RenderDirectory(page, CustomerPaths.Directory + query);

        cut.WaitForAssertion(() => Assert.Equal(["Contoso Ltd", "Fabrikam Foundation", "Northwind Traders", "Tailspin Toys"], Names(cut)));
        Assert.Equal("page", cut.Find("[data-view=all]").GetAttribute("aria-current"));
        Assert.DoesNotContain("<script>", cut.Markup);
    }

    [Fact]
    public async Task Ordering_by_missing_seats_puts_the_customers_over_their_seats_first_and_the_views_keep_that_order()
    {
        await FourCustomersAsync();
        var zava = await _fx.AddOrganizationAsync("Zava Corp");
        await ReportAsync(zava, 30, await _fx.PurchaseAsync(zava, 10));
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = RenderDirectory(page, CustomerPaths.Directory);
        var navigation = page.Bunit.Services.GetRequiredService<NavigationManager>();

        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<CustomerSort>>().Instance.ValueChanged.InvokeAsync(CustomerSort.MostMissingSeats));

        Assert.EndsWith(CustomerPaths.DirectoryView(null, CustomerSort.MostMissingSeats), navigation.Uri);
        cut.WaitForAssertion(() => Assert.Equal(
            ["Zava Corp", "Contoso Ltd", "Fabrikam Foundation", "Northwind Traders", "Tailspin Toys"], Names(cut)));
        Assert.Equal(CustomerPaths.DirectoryView(CustomerUsageFilter.Over, CustomerSort.MostMissingSeats),
            cut.Find("[data-view=over]").GetAttribute("href"));

        navigation.NavigateTo(CustomerPaths.DirectoryView(CustomerUsageFilter.Over, CustomerSort.MostMissingSeats));
        cut.WaitForAssertion(() => Assert.Equal(["Zava Corp", "Contoso Ltd"], Names(cut)));
    }

    [Fact]
    public async Task Searching_within_a_view_narrows_it_and_without_a_match_offers_every_customer_again()
    {
        await FourCustomersAsync();
        var overLtd = await _fx.AddOrganizationAsync("Woodgrove Ltd");
        await ReportAsync(overLtd, 12, await _fx.PurchaseAsync(overLtd, 10));
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = RenderDirectory(page, CustomerPaths.DirectoryView(CustomerUsageFilter.Over, CustomerSort.Name));
        cut.WaitForAssertion(() => Assert.Equal(["Contoso Ltd", "Woodgrove Ltd"], Names(cut)));
        var search = cut.FindComponent<MudTextField<string>>();

        await cut.InvokeAsync(() => search.Instance.ValueChanged.InvokeAsync("woodgrove"));
        cut.WaitForAssertion(() => Assert.Equal(["Woodgrove Ltd"], Names(cut)));

        await cut.InvokeAsync(() => search.Instance.ValueChanged.InvokeAsync("Fabrikam"));
        cut.WaitForAssertion(() => Assert.Contains("No customer over their seats matches “Fabrikam”.", Text(cut.Find("[data-testid=customers-no-match]"))));

        await cut.Find("[data-testid=customers-no-match] button").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(5, Names(cut).Count));
        Assert.Equal("page", cut.Find("[data-view=all]").GetAttribute("aria-current"));
    }

    [Fact]
    public async Task An_empty_view_says_no_customer_is_in_that_state()
    {
        await ReportAsync(_fx.Contoso, 2, await _fx.PurchaseAsync(_fx.Contoso, 25));
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        page.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo(CustomerPaths.DirectoryView(CustomerUsageFilter.Near, CustomerSort.Name));

        var cut = page.RenderPage<CustomerDirectory>();

        cut.WaitForAssertion(() => Assert.StartsWith("No customer is near the limit.", Text(cut.Find("[data-testid=customers-no-match]"))));
    }

    [Fact]
    public async Task The_customer_page_shows_each_installation_with_headroom_flags_naming_the_holder_and_latest_reports()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        var theirs = await _fx.PurchaseAsync(fabrikam, 10);
        var ours = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        var server = Guid.NewGuid();
        await ReportAsync(_fx.Contoso, 30, [ours[0], ours[1]], installationId: server);
        _fx.Clock.Advance(TimeSpan.FromHours(2));
        await ReportAsync(_fx.Contoso, 41, [ours[0], ours[1], theirs[0]], installationId: server);
        var lab = await ReportAsync(_fx.Contoso, 3, [], name: "Old lab", writtenAt: Now.AddDays(-120));
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = Render(page, _fx.Contoso.Id);

        var cards = cut.FindAll("section[aria-labelledby=customer-installations] [data-installation]");
        Assert.Equal(2, cards.Count);
        var main = cards[0];
        Assert.Equal("Main office server", main.QuerySelector("h3")!.TextContent.Trim());
        Assert.Equal("Over", main.QuerySelector("[data-state]")!.GetAttribute("data-state"));
        Assert.Equal("41 users enabled now, at most 41 in the last 90 days · 35 seats installed · 0 seats held but not installed · 6 seats missing",
            Text(main.QuerySelector("[data-testid=installation-headroom]")!));
        Assert.Contains("2 reports in all", Text(main.QuerySelector("[data-testid=installation-reported]")!));
        Assert.Null(main.QuerySelector("[data-testid=installation-silent]"));
        var flagged = Assert.Single(main.QuerySelectorAll("[data-standing]"));
        Assert.Equal((theirs[0].Id.ToString(), "OtherOrganization"), (flagged.GetAttribute("data-key"), flagged.GetAttribute("data-standing")));
        Assert.Contains("This key was issued to another organization. It belongs to Fabrikam Foundation.", Text(flagged));
        Assert.Equal(CustomerPaths.Detail(fabrikam.Id), flagged.QuerySelector("a")!.GetAttribute("href"));
        var reports = main.QuerySelectorAll("[data-testid=installation-reports] tbody tr");
        Assert.Equal([("41", "1"), ("30", "0")], reports.Select(r => (r.Children[3].TextContent, r.Children[6].TextContent)));
        Assert.Equal("Uploaded by ana@contoso.example", reports[0].Children[7].TextContent);

        var old = cards[1];
        Assert.Equal(lab.Id.ToString(), old.GetAttribute("data-installation"));
        Assert.Equal("silent for 120 days", old.QuerySelector("[data-testid=installation-silent]")!.TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=keys-elsewhere]"));
        Assert.DoesNotContain(cut.FindAll("section[aria-labelledby=customer-installations] button"), b => b.TextContent.Contains("Buy") || b.TextContent.Contains("Retire"));
    }

    [Fact]
    public async Task The_owner_of_a_key_installed_at_another_customer_is_told_where_and_support_sees_it_as_sales_do()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        var ours = await _fx.PurchaseAsync(_fx.Contoso, 25);
        await ReportAsync(fabrikam, 4, ours, name: "FAB-SRV-01");
        await using var sales = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        await using var support = await StaffPageContext.CreateAsync(_fx, Roles.Support);

        foreach (var page in new[] { sales, support })
        {
            var cut = Render(page, _fx.Contoso.Id);

            Assert.NotNull(cut.Find("[data-testid=installations-empty]"));
            var elsewhere = Assert.Single(cut.FindAll("[data-testid=keys-elsewhere] li"));
            Assert.Equal($"Key {ours[0].Id} (OfficeStatus 6.x, 25 seats) of this customer is installed at Fabrikam Foundation's installation FAB-SRV-01.",
                Text(elsewhere));
            Assert.Equal(CustomerPaths.Detail(fabrikam.Id), elsewhere.QuerySelector("a")!.GetAttribute("href"));
        }
    }

    [Fact]
    public void The_directory_and_the_customer_page_stay_open_to_every_staff_role_only()
    {
        Assert.Equal(Policies.Staff, typeof(CustomerDirectory).GetCustomAttribute<AuthorizeAttribute>()!.Policy);
        Assert.Equal(Policies.Staff, typeof(CustomerPage).GetCustomAttribute<AuthorizeAttribute>()!.Policy);
    }

    private static IRenderedComponent<CustomerPage> Render(StaffPageContext page, Guid organizationId)
    {
        var cut = page.Bunit.Render<CustomerPage>(p => p.Add(c => c.OrganizationId, organizationId));
        cut.WaitForAssertion(() =>
        {
            Assert.Single(cut.FindAll("h1"));
            Assert.Empty(cut.FindAll(".mud-progress-circular"));
        }, TimeSpan.FromSeconds(5));
        return cut;
    }
}

using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Domain.Usage;
using Portal.Tests.Builders;
using Portal.Tests.Performance;

namespace Portal.Tests.Domain;

/// <summary>
/// What staff read of installations on a real SQLite database: the customer list filtered and sorted by the headroom
/// UsageQueries computes, and one customer's installations with the organizations behind keys that are not theirs.
/// </summary>
public sealed class CustomerUsageFilterTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private DateTimeOffset Now => _fx.Clock.GetUtcNow();

    /// <summary>Uploads a report of a new installation of the organization, as its Technical member would.</summary>
    private async Task<InstallationView> ReportAsync(
        Organization organization, int enabledUsers, IEnumerable<License> keys, DateTimeOffset? writtenAt = null, string name = "Main office server")
    {
        var report = UsageReports.For(Guid.NewGuid(), writtenAt ?? Now) with
        {
            EnabledUsers = enabledUsers,
            InstallationName = name,
            LicenseIds = keys.Select(k => k.Id).ToList(),
        };
        var receipt = await _fx.Get<UsageService>().UploadAsync(organization.Id, report.Bytes(),
            DomainFixture.CustomerIn(organization.Id, MemberRoles.Technical));
        return receipt.Installation;
    }

    private async Task<CustomerListPage> ListAsync(CustomerUsageFilter? filter, CustomerSort sort = CustomerSort.Name,
        string? search = null, int page = 1, int pageSize = 25)
    {
        await using var db = _fx.Db();
        var usage = await StaffUsage.ByOrganizationAsync(db, Now);
        return await OrganizationDirectory.SearchAsync(db, search, page, pageSize, new CustomerUsageSelection(usage, filter, sort));
    }

    private static IReadOnlyList<string> Names(CustomerListPage page) => page.Rows.Select(r => r.Name).ToList();

    /// <summary>
    /// Contoso over by 6, Fabrikam near the limit (9 of 10), Northwind fitting but silent for 100 days, Tailspin with no
    /// installation.
    /// </summary>
    private async Task<(Organization Fabrikam, Organization Northwind, Organization Tailspin)> FourCustomersAsync()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        var northwind = await _fx.AddOrganizationAsync("Northwind Traders");
        var tailspin = await _fx.AddOrganizationAsync("Tailspin Toys");
        await ReportAsync(_fx.Contoso, 41, await _fx.PurchaseAsync(_fx.Contoso, 25, 10));
        await ReportAsync(fabrikam, 9, await _fx.PurchaseAsync(fabrikam, 10));
        await ReportAsync(northwind, 5, await _fx.PurchaseAsync(northwind, 25), writtenAt: Now.AddDays(-100));
        await _fx.PurchaseAsync(tailspin, 5);
        return (fabrikam, northwind, tailspin);
    }

    [Fact]
    public async Task Each_view_keeps_the_customers_in_that_state_and_every_row_carries_its_worst_state_and_missing_seats()
    {
        var (_, northwind, tailspin) = await FourCustomersAsync();

        var all = await ListAsync(null);
        var over = await ListAsync(CustomerUsageFilter.Over);
        var near = await ListAsync(CustomerUsageFilter.Near);
        var silent = await ListAsync(CustomerUsageFilter.Silent);

        Assert.Equal(["Contoso Ltd", "Fabrikam Foundation", "Northwind Traders", "Tailspin Toys"], Names(all));
        Assert.Equal(["Contoso Ltd"], Names(over));
        Assert.Equal(1, over.TotalCount);
        Assert.Equal(["Fabrikam Foundation"], Names(near));
        Assert.Equal(["Northwind Traders"], Names(silent));
        Assert.Equal(
            [(HeadroomState.Over, 6, 0), (HeadroomState.Near, 0, 0), (HeadroomState.Fits, 0, 1)],
            all.Rows.Take(3).Select(r => (r.Usage!.WorstState, r.Usage.MissingSeats, r.Usage.SilentInstallations)));
        Assert.Null(all.Rows.Single(r => r.Id == tailspin.Id).Usage);
        Assert.Equal(northwind.Id, Assert.Single(silent.Rows).Usage!.OrganizationId);
    }

    [Fact]
    public async Task A_customer_is_as_bad_as_its_worst_installation_and_misses_the_seats_of_all_of_them()
    {
        var contoso = await _fx.PurchaseAsync(_fx.Contoso, 10, 5, 25);
        await ReportAsync(_fx.Contoso, 14, [contoso[0]], name: "Head office");
        await ReportAsync(_fx.Contoso, 8, [contoso[1]], name: "Branch");
        await ReportAsync(_fx.Contoso, 3, [contoso[2]], name: "Lab");

        var row = Assert.Single((await ListAsync(CustomerUsageFilter.Over)).Rows);

        Assert.Equal((3, HeadroomState.Over, 4 + 3), (row.Usage!.Installations, row.Usage.WorstState, row.Usage.MissingSeats));
        Assert.Empty((await ListAsync(CustomerUsageFilter.Near)).Rows);
    }

    [Fact]
    public async Task A_retired_installation_no_longer_puts_its_customer_over()
    {
        var over = await ReportAsync(_fx.Contoso, 41, await _fx.PurchaseAsync(_fx.Contoso, 25));
        Assert.Single((await ListAsync(CustomerUsageFilter.Over)).Rows);

        await _fx.Get<UsageService>().RetireAsync(_fx.Contoso.Id, over.Id, DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Technical));

        Assert.Empty((await ListAsync(CustomerUsageFilter.Over)).Rows);
        Assert.Null(Assert.Single((await ListAsync(null)).Rows).Usage);
    }

    [Fact]
    public async Task Most_missing_seats_first_puts_the_customers_over_their_seats_first_then_the_rest_by_name_across_pages()
    {
        await FourCustomersAsync();
        var alpine = await _fx.AddOrganizationAsync("Alpine Ski House");
        await ReportAsync(alpine, 30, await _fx.PurchaseAsync(alpine, 10));
        var zava = await _fx.AddOrganizationAsync("Zava Corp");
        await ReportAsync(zava, 7, await _fx.PurchaseAsync(zava, 5));

        var pages = new List<CustomerListPage>();
        for (var page = 1; page <= 3; page++)
            pages.Add(await ListAsync(null, CustomerSort.MostMissingSeats, page: page, pageSize: 2));

        Assert.All(pages, p => Assert.Equal(6, p.TotalCount));
        Assert.Equal(
            ["Alpine Ski House", "Contoso Ltd", "Zava Corp", "Fabrikam Foundation", "Northwind Traders", "Tailspin Toys"],
            pages.SelectMany(Names));
        Assert.Equal([20, 6, 2], pages.SelectMany(p => p.Rows).Take(3).Select(r => r.Usage!.MissingSeats));
    }

    [Fact]
    public async Task Search_view_sort_and_paging_work_together()
    {
        foreach (var (name, users) in new[] { ("Over Ltd 1", 12), ("Over Ltd 2", 15), ("Over Inc", 30), ("Fits Ltd", 2) })
        {
            var organization = await _fx.AddOrganizationAsync(name);
            await ReportAsync(organization, users, await _fx.PurchaseAsync(organization, 10));
        }

        var first = await ListAsync(CustomerUsageFilter.Over, CustomerSort.MostMissingSeats, search: "ltd", pageSize: 1);
        var second = await ListAsync(CustomerUsageFilter.Over, CustomerSort.MostMissingSeats, search: "ltd", page: 2, pageSize: 1);
        var byName = await ListAsync(CustomerUsageFilter.Over, search: "LTD");

        Assert.Equal((2, 2), (first.TotalCount, second.TotalCount));
        Assert.Equal(["Over Ltd 2"], Names(first));
        Assert.Equal(["Over Ltd 1"], Names(second));
        Assert.Equal(["Over Ltd 1", "Over Ltd 2"], Names(byName));
        Assert.Empty((await ListAsync(CustomerUsageFilter.Near, search: "ltd")).Rows);
    }

    [Fact]
    public async Task Without_usage_the_directory_lists_as_before_and_rows_carry_none()
    {
        await FourCustomersAsync();
        await using var db = _fx.Db();

        var page = await OrganizationDirectory.SearchAsync(db, null, 1, 25);

        Assert.Equal(4, page.TotalCount);
        Assert.All(page.Rows, r => Assert.Null(r.Usage));
    }

    [Fact]
    public async Task The_usage_of_every_customer_and_a_filtered_page_cost_the_same_queries_whatever_the_number_of_installations()
    {
        async Task<int> CommandsAsync()
        {
            var counter = new SqlCommandCounter();
            await using var db = _fx.Db(counter);
            var usage = await StaffUsage.ByOrganizationAsync(db, Now);
            await OrganizationDirectory.SearchAsync(db, null, 1, 25, new CustomerUsageSelection(usage, CustomerUsageFilter.Over));
            return counter.Commands.Count;
        }
        await ReportAsync(_fx.Contoso, 41, await _fx.PurchaseAsync(_fx.Contoso, 25));
        var few = await CommandsAsync();
        for (var i = 1; i <= 10; i++)
        {
            var organization = await _fx.AddOrganizationAsync($"Customer {i:00}");
            await ReportAsync(organization, 20 + i, await _fx.PurchaseAsync(organization, 10, 5));
            await ReportAsync(organization, 3, await _fx.PurchaseAsync(organization, 5), name: "Lab");
        }

        Assert.Equal(few, await CommandsAsync());
    }

    [Fact]
    public async Task A_customers_installations_come_with_their_latest_reports_newest_first_and_the_holder_of_a_key_of_another_organization()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        var theirs = await _fx.PurchaseAsync(fabrikam, 10);
        var ours = await _fx.PurchaseAsync(_fx.Contoso, 25);
        var server = Guid.NewGuid();
        var usage = _fx.Get<UsageService>();
        for (var i = 0; i < StaffUsage.RecentReports + 2; i++)
        {
            var report = UsageReports.For(server, Now) with { EnabledUsers = 20 + i, LicenseIds = [ours[0].Id, theirs[0].Id] };
            await usage.UploadAsync(_fx.Contoso.Id, report.Bytes(), DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Technical));
            _fx.Clock.Advance(TimeSpan.FromHours(1));
        }
        await ReportAsync(fabrikam, 4, theirs, name: "Fabrikam server");
        await using var db = _fx.Db();

        var found = await StaffUsage.ForCustomerAsync(db, _fx.Contoso.Id, Now);

        var installation = Assert.Single(found.Installations);
        Assert.Equal(server, installation.Installation.ReportedId);
        Assert.Equal([26, 25, 24, 23, 22], installation.RecentReports.Select(r => r.EnabledUsers));
        Assert.Equal(theirs[0].Id, Assert.Single(installation.Installation.FlaggedKeys).KeyId);
        Assert.Equal(new KeyHolder(fabrikam.Id, "Fabrikam Foundation"), Assert.Single(installation.OtherHolders).Value);
        Assert.Empty(found.KeysElsewhere);
    }

    [Fact]
    public async Task The_owner_of_a_key_sees_where_other_organizations_installed_it_but_not_at_retired_installations()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        var northwind = await _fx.AddOrganizationAsync("Northwind Traders");
        var ours = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        await ReportAsync(_fx.Contoso, 20, ours);
        await ReportAsync(fabrikam, 3, [ours[0]], name: "Fabrikam server");
        var retired = await ReportAsync(northwind, 3, [ours[1]], name: "Old Northwind server");
        await _fx.Get<UsageService>().RetireAsync(northwind.Id, retired.Id, DomainFixture.CustomerIn(northwind.Id, MemberRoles.Technical));
        await using var db = _fx.Db();

        var found = await StaffUsage.ForCustomerAsync(db, _fx.Contoso.Id, Now);
        var fabrikams = await StaffUsage.ForCustomerAsync(db, fabrikam.Id, Now);

        var elsewhere = Assert.Single(found.KeysElsewhere);
        Assert.Equal((ours[0].Id, "OfficeStatus", 6, 25, "Fabrikam server", fabrikam.Id, "Fabrikam Foundation"),
            (elsewhere.LicenseId, elsewhere.ProductName, elsewhere.Major, elsewhere.Seats, elsewhere.InstallationName, elsewhere.OrganizationId, elsewhere.OrganizationName));
        Assert.Equal("Main office server", Assert.Single(found.Installations).Installation.Name);
        Assert.Empty(fabrikams.KeysElsewhere);
        Assert.Equal(_fx.Contoso.Id, Assert.Single(Assert.Single(fabrikams.Installations).OtherHolders).Value.OrganizationId);
    }
}

using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;
using Portal.Tests.Components;
using Portal.Tests.Performance;

namespace Portal.Tests.Domain;

/// <summary>The staff directory of customers and one customer's details, on a real SQLite database.</summary>
public sealed class OrganizationDirectoryTests : IAsyncLifetime
{
    private const string Evidence = "Registered charity 1234567 with the Charity Commission.";
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task A_row_counts_members_active_seats_of_the_current_major_and_pending_requests()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ana@contoso.example");
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "bob@contoso.example");
        await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        await _fx.ReleaseAsync(7, 0);
        await _fx.PurchaseAsync(_fx.Contoso, 5);
        await _fx.PurchaseAsync(fabrikam, 50);
        await PendingRequestsAsync(_fx.Contoso.Id);
        await using var db = _fx.Db();

        var page = await OrganizationDirectory.SearchAsync(db, null, page: 1, pageSize: 25);

        Assert.Equal(2, page.TotalCount);
        Assert.Equal(["Contoso Ltd", "Fabrikam Foundation"], page.Rows.Select(r => r.Name));
        var contoso = page.Rows[0];
        // The 6.x seats (35) no longer count once 7 is current; the 5 seats of 7.x do.
        Assert.Equal((OrganizationKind.Commercial, "GB", 2, 5), (contoso.Kind, contoso.CountryCode, contoso.Members, contoso.CurrentSeats));
        Assert.Equal((1, 1, 2), (contoso.PendingDiscountApplications, contoso.PendingExtensionRequests, contoso.OpenRequests));
        var other = page.Rows[1];
        Assert.Equal((0, 50, 0), (other.Members, other.CurrentSeats, other.OpenRequests));
    }

    [Fact]
    public async Task Decided_requests_are_not_open()
    {
        var (discountId, requestId) = await PendingRequestsAsync(_fx.Contoso.Id);
        await _fx.Get<DiscountService>().DenyAsync(discountId, "No registration number.", DomainFixture.Sales);
        await _fx.Get<EvaluationService>().GrantAsync(requestId, 10, null, DomainFixture.Support);
        await using var db = _fx.Db();

        var row = Assert.Single((await OrganizationDirectory.SearchAsync(db, null, 1, 25)).Rows);

        Assert.Equal(0, row.OpenRequests);
    }

    [Theory]
    [InlineData("fabrikam")]
    [InlineData("FABRIKAM FOUND")]
    [InlineData("billing@fabrikam")]
    [InlineData("OLGA@fabrikam.example")]
    [InlineData("olga@")]
    public async Task Search_finds_an_organization_by_name_billing_email_or_member_email_ignoring_case(string search)
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        await CustomerPageContext.AddMemberAsync(_fx, fabrikam, "olga@fabrikam.example");
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ana@contoso.example");
        await using var db = _fx.Db();

        var page = await OrganizationDirectory.SearchAsync(db, search, 1, 25);

        Assert.Equal(1, page.TotalCount);
        Assert.Equal(fabrikam.Id, Assert.Single(page.Rows).Id);
    }

    [Fact]
    public async Task Search_by_a_whole_id_finds_that_organization_only()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        await using var db = _fx.Db();

        var byId = await OrganizationDirectory.SearchAsync(db, $"  {fabrikam.Id}  ", 1, 25);
        var unknown = await OrganizationDirectory.SearchAsync(db, Guid.NewGuid().ToString(), 1, 25);

        Assert.Equal(fabrikam.Id, Assert.Single(byId.Rows).Id);
        Assert.Empty(unknown.Rows);
        Assert.Equal(0, unknown.TotalCount);
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("\\")]
    public async Task Wildcards_typed_in_the_search_match_only_themselves(string search)
    {
        await _fx.AddOrganizationAsync("Fabrikam Foundation");
        await using var db = _fx.Db();

        var page = await OrganizationDirectory.SearchAsync(db, search, 1, 25);

        Assert.Empty(page.Rows);
    }

    [Fact]
    public async Task Pages_follow_the_name_order_without_repeating_or_skipping_and_keep_the_total()
    {
        for (var i = 1; i <= 30; i++)
            await _fx.AddOrganizationAsync($"Customer {i:00}");
        await using var db = _fx.Db();

        var pages = new List<CustomerListPage>();
        for (var page = 1; page <= 4; page++)
            pages.Add(await OrganizationDirectory.SearchAsync(db, null, page, 8));

        Assert.All(pages, p => Assert.Equal(31, p.TotalCount));
        Assert.Equal([8, 8, 8, 7], pages.Select(p => p.Rows.Count));
        var names = pages.SelectMany(p => p.Rows).Select(r => r.Name).ToList();
        Assert.Equal(31, names.Distinct().Count());
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal("Contoso Ltd", names[0]);
    }

    [Fact]
    public async Task A_page_costs_the_same_queries_whatever_its_size_no_query_per_row()
    {
        for (var i = 1; i <= 20; i++)
        {
            var organization = await _fx.AddOrganizationAsync($"Customer {i:00}");
            await _fx.PurchaseAsync(organization, 10);
            await CustomerPageContext.AddMemberAsync(_fx, organization, $"member{i}@customer.example");
        }
        var small = new SqlCommandCounter();
        var large = new SqlCommandCounter();

        await using (var db = _fx.Db(small))
            Assert.Equal(2, (await OrganizationDirectory.SearchAsync(db, "customer", 1, 2)).Rows.Count);
        await using (var db = _fx.Db(large))
            Assert.Equal(20, (await OrganizationDirectory.SearchAsync(db, "customer", 1, 20)).Rows.Count);

        Assert.Equal(3, small.Commands.Count);
        Assert.Equal(small.Commands.Count, large.Commands.Count);
    }

    [Fact]
    public async Task Profile_and_members_are_those_of_the_organization_asked_for()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        await CustomerPageContext.AddMemberAsync(_fx, fabrikam, "olga@fabrikam.example");
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "bob@contoso.example");
        await using (var write = _fx.Db())
        {
            var unconfirmed = new Portal.Domain.Accounts.PortalUser { UserName = "ana@contoso.example", Email = "ana@contoso.example" };
            unconfirmed.JoinAs(write, _fx.Contoso.Id);
            write.Users.Add(unconfirmed);
            await write.SaveChangesAsync();
        }
        await using var db = _fx.Db();

        var profile = await OrganizationDirectory.ProfileAsync(db, _fx.Contoso.Id);
        var members = await OrganizationDirectory.MembersAsync(db, _fx.Contoso.Id);

        Assert.Equal(new CustomerProfile(_fx.Contoso.Id, "Contoso Ltd", OrganizationKind.Commercial, "GB", "billing@contoso.example", null, DomainFixture.Start),
            profile);
        Assert.Equal([("ana@contoso.example", false), ("bob@contoso.example", true)], members.Select(m => (m.Email, m.EmailConfirmed)));
        Assert.Null(await OrganizationDirectory.ProfileAsync(db, Guid.NewGuid()));
    }

    [Fact]
    public async Task Evaluations_come_with_their_requests_and_who_asked_for_one_organization_only()
    {
        var member = await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ana@contoso.example");
        var evaluations = _fx.Get<EvaluationService>();
        var evaluation = await evaluations.StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));
        var first = await evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 14, "Pilot group", Portal.Domain.Accounts.Actor.Person(member.Id, "ana", "Customer").In(_fx.Contoso.Id, Portal.Domain.Members.MemberRoles.Technical));
        await evaluations.DenyAsync(first.Id, "Please buy instead.", DomainFixture.Support);
        _fx.Clock.Advance(TimeSpan.FromDays(1));
        var second = await evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 7, "Board meets Friday", DomainFixture.CustomerIn(_fx.Contoso.Id));
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        await evaluations.StartAsync(fabrikam.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(fabrikam.Id));
        await using var db = _fx.Db();

        var found = Assert.Single(await OrganizationDirectory.EvaluationsAsync(db, _fx.Contoso.Id));

        Assert.Equal((evaluation.Id, "OfficeStatus", 6), (found.Id, found.ProductName, found.Major));
        Assert.Equal([second.Id, first.Id], found.Requests.Select(r => r.Id));
        Assert.Equal((ExtensionStatus.Pending, 7, null), (found.Requests[0].Status, found.Requests[0].DaysRequested, found.Requests[0].RequestedBy));
        var denied = found.Requests[1];
        Assert.Equal((ExtensionStatus.Denied, "ana@contoso.example", "Please buy instead.", DomainFixture.Support.Name),
            (denied.Status, denied.RequestedBy, denied.Note, denied.DecidedByName));
    }

    [Fact]
    public async Task Discount_applications_come_newest_first_with_evidence_attachments_and_decision_for_one_organization_only()
    {
        var member = await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ana@contoso.example");
        var discounts = _fx.Get<DiscountService>();
        var nonprofit = await discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, Evidence,
            [DiscountAttachment.FromUpload("charity.pdf", "%PDF-1.4 test"u8.ToArray())],
            Portal.Domain.Accounts.Actor.Person(member.Id, "ana", "Customer").In(_fx.Contoso.Id, Portal.Domain.Members.MemberRoles.Billing));
        await discounts.ApproveAsync(nonprofit.Id, 40, null, "Welcome", DomainFixture.Sales);
        _fx.Clock.Advance(TimeSpan.FromDays(1));
        var crossGrade = await discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.CrossGrade, "We use Rival 3.", [], DomainFixture.CustomerIn(_fx.Contoso.Id));
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        await discounts.SubmitAsync(fabrikam.Id, DiscountKind.Educational, "University", [], DomainFixture.CustomerIn(fabrikam.Id));
        await using var db = _fx.Db();

        var applications = await OrganizationDirectory.DiscountApplicationsAsync(db, _fx.Contoso.Id);

        Assert.Equal([crossGrade.Id, nonprofit.Id], applications.Select(a => a.Id));
        var approved = applications[1];
        Assert.Equal((DiscountStatus.Approved, 40, "Welcome", DomainFixture.Sales.Name, 1, "ana@contoso.example", Evidence),
            (approved.Status, approved.Percent, approved.Note, approved.DecidedByName, approved.Attachments, approved.AppliedBy, approved.Evidence));
        Assert.Equal((DiscountStatus.Pending, 0), (applications[0].Status, applications[0].Attachments));
    }

    private async Task<(Guid DiscountId, Guid RequestId)> PendingRequestsAsync(Guid organizationId)
    {
        var discount = await _fx.Get<DiscountService>().SubmitAsync(organizationId, DiscountKind.Nonprofit, Evidence, [], DomainFixture.CustomerIn(organizationId));
        var evaluations = _fx.Get<EvaluationService>();
        var evaluation = await evaluations.StartAsync(organizationId, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(organizationId));
        var request = await evaluations.RequestExtensionAsync(organizationId, evaluation.Id, 14, "Pilot group", DomainFixture.CustomerIn(organizationId));
        return (discount.Id, request.Id);
    }
}

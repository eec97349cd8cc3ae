using AngleSharp.Dom;
using Bunit;
using MudBlazor;
using Portal.Components.History;
using Portal.Components.Customers;
using Portal.Domain.Accounts;
using Portal.Domain.Discounts;
using Portal.Domain.History;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>/admin/audit: every event newest first, staff-only ones marked, with filters that narrow it server-side.</summary>
public sealed class AuditLogPageTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;
    private Organization _fabrikam = null!;

    public async Task InitializeAsync()
    {
        _fx = await DomainFixture.CreateAsync();
        _fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var discounts = _fx.Get<DiscountService>();
        var contoso = await discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, "Charity 123", [], DomainFixture.CustomerIn(_fx.Contoso.Id));
        _fx.Clock.Advance(TimeSpan.FromDays(2));
        await discounts.ApproveAsync(contoso.Id, 40, null, null, DomainFixture.Sales);
        await discounts.SubmitAsync(_fabrikam.Id, DiscountKind.Educational, "University", [], DomainFixture.CustomerIn(_fabrikam.Id));
        _fx.Clock.Advance(TimeSpan.FromDays(2));
        await _fx.Get<StaffAccounts>().CreateAsync("sam@keymetric.example", Roles.Support, DomainFixture.Admin);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<AuditLogPage> cut) =>
        cut.FindAll("[data-testid=audit-grid] tbody tr").Where(r => r.QuerySelector("code") is not null).ToList();

    private static IReadOnlyList<string> Actions(IRenderedComponent<AuditLogPage> cut) =>
        Rows(cut).Select(r => r.QuerySelector("code")!.TextContent.Trim()).ToList();

    private static Task SetAsync<T>(IRenderedComponent<AuditLogPage> cut, string label, T value)
    {
        var field = cut.FindComponents<MudTextField<T>>().Single(f => f.Instance.Label == label);
        return cut.InvokeAsync(() => field.Instance.ValueChanged.InvokeAsync(value));
    }

    [Fact]
    public async Task Every_event_shows_newest_first_with_who_the_organization_and_whether_the_customer_sees_it()
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin);

        var cut = page.RenderPage<AuditLogPage>();

        cut.WaitForAssertion(() => Assert.Equal(["staff.created", "discount.applied", "discount.approved", "discount.applied"], Actions(cut)));
        var staff = Rows(cut)[0];
        Assert.Contains(DomainFixture.Admin.Name, staff.TextContent);
        Assert.Contains("Staff account sam@keymetric.example created with the Support role.", staff.TextContent);
        Assert.Equal("false", staff.QuerySelector("[data-visible-to-customer]")!.GetAttribute("data-visible-to-customer"));
        Assert.Contains("Staff only", staff.TextContent);
        var approved = Rows(cut)[2];
        Assert.Equal(CustomerPaths.Detail(_fx.Contoso.Id), approved.QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("Contoso Ltd", approved.TextContent);
        Assert.Contains(DomainFixture.Sales.Name, approved.TextContent);
        Assert.Contains("Customer and staff", approved.TextContent);
    }

    [Fact]
    public async Task Filters_narrow_the_log_and_combine()
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var cut = page.RenderPage<AuditLogPage>();
        cut.WaitForAssertion(() => Assert.Equal(4, Rows(cut).Count));

        await SetAsync(cut, "Action starts with", "discount.");
        cut.WaitForAssertion(() => Assert.Equal(["discount.applied", "discount.approved", "discount.applied"], Actions(cut)));

        var organization = cut.FindComponent<MudAutocomplete<OrganizationChoice>>();
        await cut.InvokeAsync(() => organization.Instance.ValueChanged.InvokeAsync(new OrganizationChoice(_fx.Contoso.Id, _fx.Contoso.Name, _fx.Contoso.BillingEmail)));
        cut.WaitForAssertion(() => Assert.Equal(["discount.approved", "discount.applied"], Actions(cut)));

        await SetAsync(cut, "Who", "sue@");
        cut.WaitForAssertion(() => Assert.Equal(["discount.approved"], Actions(cut)));
    }

    [Fact]
    public async Task Staff_only_and_date_filters_narrow_the_log()
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var cut = page.RenderPage<AuditLogPage>();
        cut.WaitForAssertion(() => Assert.Equal(4, Rows(cut).Count));

        var visibility = cut.FindComponent<MudSelect<AuditVisibility>>();
        await cut.InvokeAsync(() => visibility.Instance.ValueChanged.InvokeAsync(AuditVisibility.StaffOnly));
        cut.WaitForAssertion(() => Assert.Equal(["staff.created"], Actions(cut)));

        await cut.InvokeAsync(() => visibility.Instance.ValueChanged.InvokeAsync(AuditVisibility.All));
        await SetAsync<DateTime?>(cut, "From", new DateTime(2026, 12, 1));
        await SetAsync<DateTime?>(cut, "To", new DateTime(2026, 12, 1));
        cut.WaitForAssertion(() => Assert.Equal(["discount.applied", "discount.approved"], Actions(cut)));
    }

    [Fact]
    public async Task An_end_date_before_the_start_date_is_flagged_at_the_field_and_lists_nothing()
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var cut = page.RenderPage<AuditLogPage>();

        await SetAsync<DateTime?>(cut, "From", new DateTime(2026, 12, 2));
        await SetAsync<DateTime?>(cut, "To", new DateTime(2026, 11, 30));

        cut.WaitForAssertion(() => Assert.Contains("The end date is before the start date.", EvaluationPageTests.FieldErrors(cut)));
        Assert.Empty(Rows(cut));
    }

    [Fact]
    public async Task Filters_that_match_nothing_say_so_and_offer_to_clear_them()
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var cut = page.RenderPage<AuditLogPage>();

        await SetAsync(cut, "Action starts with", "license.");
        cut.WaitForAssertion(() => Assert.Contains("No event matches these filters.", cut.Find("[data-testid=audit-no-match]").TextContent));

        await cut.Find("[data-testid=audit-no-match] button").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(4, Rows(cut).Count));
    }
}

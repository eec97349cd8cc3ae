using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Portal.Components.Staff;
using Portal.Components.Staff.Discounts;
using Portal.Components.Staff.Extensions;
using Portal.Components.Staff.Orders;
using Portal.Domain.Accounts;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>
/// The sales and support desks on the real services and database: what each shows, validation next to the fields,
/// decisions that reach the services (and the customer's email), the services refusing the wrong role, and two staff
/// deciding at once.
/// </summary>
public sealed class StaffDeskTests : IAsyncLifetime
{
    private static readonly byte[] Pdf = [.. "%PDF-1.7\n"u8, .. new byte[2000]];
    private DomainFixture _fx = null!;
    private Organization _fabrikam = null!;

    public async Task InitializeAsync()
    {
        _fx = await DomainFixture.CreateAsync();
        _fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private DiscountService Discounts => _fx.Get<DiscountService>();
    private EvaluationService Evaluations => _fx.Get<EvaluationService>();

    [Fact]
    public async Task The_discount_queue_lists_pending_applications_first_with_links_to_each_case()
    {
        var decided = await ApplyAsync(_fx.Contoso, DiscountKind.CrossGrade);
        await Discounts.DenyAsync(decided.Id, "Unknown competitor", DomainFixture.Sales);
        var pending = await ApplyAsync(_fabrikam, DiscountKind.Nonprofit, attach: true);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = page.Bunit.Render<DiscountQueue>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tbody tr").Count));
        var rows = cut.FindAll("tbody tr");
        Assert.NotNull(rows[0].QuerySelector($"a[href='{StaffPaths.DiscountCase(pending.Id)}']"));
        Assert.Contains("Pending", rows[0].TextContent);
        Assert.Contains("Denied", rows[1].TextContent);
    }

    [Fact]
    public async Task The_discount_queue_filters_by_status_and_kind_and_says_when_nothing_matches()
    {
        var decided = await ApplyAsync(_fx.Contoso, DiscountKind.CrossGrade);
        await Discounts.DenyAsync(decided.Id, "Unknown competitor", DomainFixture.Sales);
        await ApplyAsync(_fabrikam, DiscountKind.Nonprofit);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = page.Bunit.Render<DiscountQueue>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tbody tr").Count));

        await cut.InvokeAsync(() => Filter(cut, "Status").ValueChanged.InvokeAsync(nameof(DiscountStatus.Denied)));

        cut.WaitForAssertion(() => Assert.Contains("Contoso Ltd", Assert.Single(cut.FindAll("tbody tr")).TextContent));

        await cut.InvokeAsync(() => Filter(cut, "Kind").ValueChanged.InvokeAsync(nameof(DiscountKind.Nonprofit)));

        cut.WaitForAssertion(() => Assert.Equal("No application matches these filters.", cut.Find("[data-testid=queue-empty]").TextContent.Trim()));
    }

    [Fact]
    public async Task A_discount_case_shows_evidence_as_text_attachments_as_downloads_and_the_kinds_default_percent()
    {
        var application = await ApplyAsync(_fabrikam, DiscountKind.Nonprofit, attach: true, evidence: "<script>alert(1)</script> RSIN 8123");
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = page.Bunit.Render<DiscountCasePage>(p => p.Add(c => c.Id, application.Id));

        cut.WaitForAssertion(() => Assert.Contains("Nonprofit discount for Fabrikam Foundation", cut.Find("h1").TextContent));
        Assert.Equal("<script>alert(1)</script> RSIN 8123", cut.Find("[data-testid=evidence]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=evidence] script"));
        var attachment = Assert.Single(application.Attachments);
        var link = cut.Find($"a[href='{StaffPaths.DiscountAttachment(application.Id, attachment.Id)}']");
        Assert.Equal("charity.pdf", link.GetAttribute("download"));
        Assert.Empty(cut.FindAll("iframe, embed, object, img[src*='attachments']"));
        Assert.Equal("40", PercentField(cut).Find("input").GetAttribute("value"));
        Assert.Contains("billing@fabrikam-foundation.example", cut.Markup);
    }

    [Fact]
    public async Task R7_approving_asks_first_then_records_the_decision_emails_the_customer_and_shows_it()
    {
        var application = await ApplyAsync(_fabrikam, DiscountKind.Nonprofit);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = Case(page, application.Id);

        await cut.InvokeAsync(() => PercentField(cut).Instance.ValueChanged.InvokeAsync(35));
        cut.Find("[data-testid=approve]").Click();
        await ConfirmAsync(page, "Approve");

        cut.WaitForAssertion(() => Assert.Contains("35 %", cut.Find("[data-testid=decision]").TextContent));
        await using var db = _fx.Db();
        var stored = await db.DiscountApplications.SingleAsync(a => a.Id == application.Id);
        Assert.Equal((DiscountStatus.Approved, 35, "sales@keymetric.example"), (stored.Status, stored.Percent, stored.DecidedByName));
        Assert.Single(await db.OutboxMessages.ToListAsync());
        page.Snackbars.WaitForAssertion(() => Assert.Contains("Fabrikam Foundation has been emailed", page.Snackbars.Markup));
    }

    [Fact]
    public async Task Bad_decisions_get_messages_next_to_the_fields_and_nothing_is_stored()
    {
        var application = await ApplyAsync(_fabrikam, DiscountKind.Nonprofit);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = Case(page, application.Id);

        await cut.InvokeAsync(() => PercentField(cut).Instance.ValueChanged.InvokeAsync(0));
        cut.Find("[data-testid=approve]").Click();
        cut.Find("[data-testid=deny]").Click();

        cut.WaitForAssertion(() => Assert.Equal(
            ["Give a discount between 1 and 100 %.", "Tell the customer why; the reason is emailed to them."],
            EvaluationPageTests.FieldErrors(cut)));
        Assert.Empty(page.Dialogs.FindAll(".mud-dialog"));
        await using var db = _fx.Db();
        Assert.Equal(DiscountStatus.Pending, (await db.DiscountApplications.SingleAsync()).Status);
    }

    [Fact]
    public async Task When_someone_else_decided_first_the_second_sees_why_and_the_current_state()
    {
        var application = await ApplyAsync(_fabrikam, DiscountKind.Nonprofit);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = Case(page, application.Id);

        await Discounts.DenyAsync(application.Id, "Registration expired", DomainFixture.Admin);
        cut.Find("[data-testid=approve]").Click();
        await ConfirmAsync(page, "Approve");

        page.Snackbars.WaitForAssertion(() => Assert.Contains("already denied by ada@keymetric.example", page.Snackbars.Markup));
        cut.WaitForAssertion(() => Assert.Contains("Registration expired", cut.Find("[data-testid=decision]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=approve]"));
    }

    [Fact]
    public async Task The_service_refuses_a_discount_decision_by_support_even_when_the_form_is_reached()
    {
        var application = await ApplyAsync(_fabrikam, DiscountKind.Nonprofit);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Support);
        var cut = Case(page, application.Id);

        cut.Find("[data-testid=approve]").Click();
        await ConfirmAsync(page, "Approve");

        page.Snackbars.WaitForAssertion(() => Assert.Contains("Only Sales staff can approve discounts.", page.Snackbars.Markup));
        await using var db = _fx.Db();
        Assert.Equal(DiscountStatus.Pending, (await db.DiscountApplications.SingleAsync()).Status);
        Assert.Empty(await db.OutboxMessages.ToListAsync());
    }

    [Fact]
    public async Task R9_the_support_desk_shows_the_caps_suggests_the_days_asked_and_grants_them()
    {
        var request = await AskForMoreTimeAsync(14, "Our board meets in March");
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Support);
        var queue = page.Bunit.Render<ExtensionQueue>();
        queue.WaitForAssertion(() => Assert.Contains("Our board meets in March", queue.Find("tbody tr").TextContent));

        var cut = page.Bunit.Render<ExtensionCasePage>(p => p.Add(c => c.Id, request.Id));
        cut.WaitForAssertion(() => Assert.Contains("More time for Fabrikam Foundation", cut.Find("h1").TextContent));
        Assert.Contains("at most 30 days at a time", cut.Find("[data-testid=caps]").TextContent);
        Assert.Contains("up to 30 more days now", cut.Find("[data-testid=caps]").TextContent);
        Assert.Equal("14", DaysField(cut).Find("input").GetAttribute("value"));
        cut.Find("[data-testid=grant]").Click();
        await ConfirmAsync(page, "Grant");

        cut.WaitForAssertion(() => Assert.Contains("14 days granted by support@keymetric.example", cut.Find("[data-testid=decision]").TextContent));
        await using var db = _fx.Db();
        var evaluation = await db.Evaluations.SingleAsync();
        Assert.Equal(DomainFixture.Start.AddDays(44), evaluation.ExpiresAt);
        Assert.Single(await db.OutboxMessages.ToListAsync());
    }

    [Fact]
    public async Task R9_support_cannot_grant_beyond_the_cap_but_an_admin_may()
    {
        var request = await AskForMoreTimeAsync(30, "Second site");
        await using (var support = await StaffPageContext.CreateAsync(_fx, Roles.Support))
        {
            var cut = ExtensionCase(support, request.Id);
            await cut.InvokeAsync(() => DaysField(cut).Instance.ValueChanged.InvokeAsync(45));
            cut.Find("[data-testid=grant]").Click();
            cut.WaitForAssertion(() => Assert.Contains("Support can grant at most 30 days here; only an admin can grant more.", EvaluationPageTests.FieldErrors(cut)));
            Assert.Empty(support.Dialogs.FindAll(".mud-dialog"));
        }

        await using var admin = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var byAdmin = ExtensionCase(admin, request.Id);
        Assert.Contains("As an admin you may grant more.", byAdmin.Find("[data-testid=caps]").TextContent);
        await byAdmin.InvokeAsync(() => DaysField(byAdmin).Instance.ValueChanged.InvokeAsync(45));
        byAdmin.Find("[data-testid=grant]").Click();
        await ConfirmAsync(admin, "Grant");

        byAdmin.WaitForAssertion(() => Assert.Contains("45 days granted", byAdmin.Find("[data-testid=decision]").TextContent));
    }

    [Fact]
    public async Task Denying_an_extension_needs_a_reason_which_the_customer_is_emailed()
    {
        var request = await AskForMoreTimeAsync(10, "Pilot");
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Support);
        var cut = ExtensionCase(page, request.Id);

        await cut.InvokeAsync(() => cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Reason for the customer")
            .Instance.ValueChanged.InvokeAsync("Please buy seats; the pilot has had 30 days."));
        cut.Find("[data-testid=deny]").Click();
        await ConfirmAsync(page, "Deny");

        cut.WaitForAssertion(() => Assert.Contains("Denied by support@keymetric.example", cut.Find("[data-testid=decision]").TextContent));
        await using var db = _fx.Db();
        Assert.Contains("Please buy seats", Assert.Single(await db.OutboxMessages.ToListAsync()).TextBody);
    }

    [Fact]
    public async Task The_staff_order_list_puts_orders_needing_review_on_top()
    {
        await PlaceOrderNeedingReviewThenAnotherAsync();
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Support);

        var cut = page.Bunit.Render<StaffOrderList>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tbody tr").Count));
        var rows = cut.FindAll("tbody tr");
        Assert.Contains("Fabrikam Foundation", rows[0].TextContent);
        Assert.Contains("Needs review", rows[0].TextContent);
        Assert.Equal("true", rows[0].QuerySelector("[data-flagged]")!.GetAttribute("data-flagged"));
        Assert.Contains("Contoso Ltd", rows[1].TextContent);
        Assert.Contains("Not paid", rows[1].TextContent);
        Assert.Contains("1 order needs attention", cut.Find("[data-testid=flagged-count]").TextContent);
    }

    [Fact]
    public async Task The_staff_order_list_searches_by_organization_and_counts_the_flagged_orders_it_finds()
    {
        await PlaceOrderNeedingReviewThenAnotherAsync();
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Support);
        var cut = page.Bunit.Render<StaffOrderList>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tbody tr").Count));
        Assert.Contains("1 order needs attention", cut.Find("[data-testid=flagged-count]").TextContent);

        await cut.InvokeAsync(() => cut.FindComponent<MudTextField<string>>().Instance.ValueChanged.InvokeAsync("contoso"));

        cut.WaitForAssertion(() => Assert.Contains("Contoso Ltd", Assert.Single(cut.FindAll("tbody tr")).TextContent));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=flagged-count]")));

        await cut.InvokeAsync(() => cut.FindComponent<MudTextField<string>>().Instance.ValueChanged.InvokeAsync("northwind"));

        cut.WaitForAssertion(() => Assert.Equal("No order matches these filters.", cut.Find("[data-testid=orders-empty]").TextContent.Trim()));
    }

    /// <summary>Fabrikam's order paid with the wrong amount (it needs review), then an hour later Contoso's, not paid.</summary>
    private async Task PlaceOrderNeedingReviewThenAnotherAsync()
    {
        var wrongAmount = await _fx.Order().For(_fabrikam).Packs((10, 1)).PlaceAsync();
        await _fx.Get<PaymentEventService>().HandleAsync(PaymentReports.Paid(wrongAmount, amount: 1));
        _fx.Clock.Advance(TimeSpan.FromHours(1));
        await _fx.Order().Packs((10, 1)).PlaceAsync();
    }

    private static MudSelect<string> Filter(IRenderedComponent<DiscountQueue> cut, string label) =>
        cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == label).Instance;

    private async Task<DiscountApplication> ApplyAsync(Organization organization, DiscountKind kind, bool attach = false, string? evidence = null)
    {
        _fx.Clock.Advance(TimeSpan.FromMinutes(5));
        return await Discounts.SubmitAsync(organization.Id, kind, evidence ?? $"Evidence for {kind}",
            attach ? [DiscountAttachment.FromUpload("charity.pdf", Pdf)] : [], DomainFixture.CustomerIn(organization.Id));
    }

    private async Task<ExtensionRequest> AskForMoreTimeAsync(int days, string reason)
    {
        var evaluation = await Evaluations.StartAsync(_fabrikam.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fabrikam.Id));
        return await Evaluations.RequestExtensionAsync(_fabrikam.Id, evaluation.Id, days, reason, DomainFixture.CustomerIn(_fabrikam.Id));
    }

    private static IRenderedComponent<DiscountCasePage> Case(StaffPageContext page, Guid id)
    {
        var cut = page.Bunit.Render<DiscountCasePage>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=approve]")));
        return cut;
    }

    private static IRenderedComponent<ExtensionCasePage> ExtensionCase(StaffPageContext page, Guid id)
    {
        var cut = page.Bunit.Render<ExtensionCasePage>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=grant]")));
        return cut;
    }

    private static IRenderedComponent<MudNumericField<int?>> PercentField(IRenderedComponent<DiscountCasePage> cut) =>
        cut.FindComponents<MudNumericField<int?>>().Single(f => f.Instance.Label == "Discount (%)");

    private static IRenderedComponent<MudNumericField<int?>> DaysField(IRenderedComponent<ExtensionCasePage> cut) =>
        cut.FindComponents<MudNumericField<int?>>().Single(f => f.Instance.Label == "Days to grant");

    private static async Task ConfirmAsync(StaffPageContext page, string yes)
    {
        page.Dialogs.WaitForAssertion(() => Assert.NotEmpty(page.Dialogs.FindAll("button")));
        IElement button = page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == yes);
        await button.ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());
    }
}

using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Portal.Components.Customers;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.History;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Components.Staff;
using Portal.Tests.Builders;
using Portal.Tests.Domain;

namespace Portal.Tests.Components;

/// <summary>The staff customer directory and one customer's page, on the real database, as each staff role sees them.</summary>
public sealed class CustomerPagesTests : IAsyncLifetime
{
    private const string Evidence = "Registered charity 1234567.";
    private const string StaffNote = "Customer called about a card payment that failed twice.";
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private static IReadOnlyList<string> DirectoryNames(IRenderedComponent<CustomerDirectory> cut) =>
        cut.FindAll("[data-testid=customers-grid] tbody tr a").Select(a => a.TextContent.Trim()).ToList();

    [Fact]
    public async Task The_directory_lists_customers_by_name_with_members_seats_and_open_requests()
    {
        await _fx.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ana@contoso.example");
        await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        await _fx.Get<DiscountService>().SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, Evidence, [], DomainFixture.CustomerIn(_fx.Contoso.Id));
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = page.RenderPage<CustomerDirectory>();

        cut.WaitForAssertion(() => Assert.Equal(["Contoso Ltd", "Fabrikam Foundation"], DirectoryNames(cut)));
        var contoso = cut.FindAll("[data-testid=customers-grid] tbody tr")[0];
        Assert.Equal(CustomerPaths.Detail(_fx.Contoso.Id), contoso.QuerySelector("a")!.GetAttribute("href"));
        var cells = contoso.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(["Contoso Ltd", "Commercial", "United Kingdom", "1", "35", "1 discount application", "No reports"], cells);
        var other = cut.FindAll("[data-testid=customers-grid] tbody tr")[1].QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(["Fabrikam Foundation", "Nonprofit", "United States", "0", "0", "None", "No reports"], other);
    }

    [Fact]
    public async Task Searching_narrows_the_list_and_a_search_without_match_offers_the_whole_list_again()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        await CustomerPageContext.AddMemberAsync(_fx, fabrikam, "olga@fabrikam.example");
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Support);
        var cut = page.RenderPage<CustomerDirectory>();
        cut.WaitForAssertion(() => Assert.Equal(2, DirectoryNames(cut).Count));
        var search = cut.FindComponent<MudTextField<string>>();

        await cut.InvokeAsync(() => search.Instance.ValueChanged.InvokeAsync("OLGA@"));
        cut.WaitForAssertion(() => Assert.Equal(["Fabrikam Foundation"], DirectoryNames(cut)));

        await cut.InvokeAsync(() => search.Instance.ValueChanged.InvokeAsync("Northwind"));
        cut.WaitForAssertion(() => Assert.Contains("No organization matches “Northwind”", cut.Find("[data-testid=customers-no-match]").TextContent));

        await cut.Find("[data-testid=customers-no-match] button").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(["Contoso Ltd", "Fabrikam Foundation"], DirectoryNames(cut)));
    }

    [Fact]
    public async Task A_customers_page_shows_profile_members_seats_licenses_orders_evaluations_discounts_and_history_with_staff_only_events()
    {
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ana@contoso.example");
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25);
        await _fx.Order().Packs((5, 2)).PlaceAsync();
        var evaluations = _fx.Get<EvaluationService>();
        var evaluation = await evaluations.StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));
        await evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 14, "Pilot group needs a sprint", DomainFixture.CustomerIn(_fx.Contoso.Id));
        await _fx.Get<DiscountService>().SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, Evidence, [], DomainFixture.CustomerIn(_fx.Contoso.Id));
        await RecordStaffOnlyAsync(_fx.Contoso.Id, StaffNote);
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        await CustomerPageContext.AddMemberAsync(_fx, fabrikam, "olga@fabrikam.example");
        await RecordStaffOnlyAsync(fabrikam.Id, "Fabrikam's own note");
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = Render(page, _fx.Contoso.Id);

        Assert.Equal("Contoso Ltd", cut.Find("h1").TextContent.Trim());
        Assert.Equal(["Profile", "Keys on invoice", "Members", "Seats", "Installations", "Licenses", "Orders", "Quotes", "Evaluations", "Discount applications", "History"],
            cut.FindAll("h2").Select(h => h.TextContent.Trim()));
        var profile = cut.Find("[data-testid=customer-profile]").TextContent;
        Assert.Contains("billing@contoso.example", profile);
        Assert.Contains("United Kingdom", profile);
        Assert.Contains("None yet", profile);
        Assert.Contains("29 Nov 2026, 10:00 UTC", profile);
        var member = Assert.Single(cut.FindAll("ul[aria-label='Members of the organization'] li"));
        Assert.Equal("ana@contoso.example", member.GetAttribute("data-member"));
        Assert.Contains("ana@contoso.example · email confirmed", Text(member));
        Assert.Contains("joined 1 Jan 2026", Text(member));
        Assert.Equal(["Owner"], member.QuerySelectorAll("[data-role]").Select(chip => chip.GetAttribute("data-role")));
        Assert.Contains("25 seats for OfficeStatus 6.x (current version)", Text(cut.Find("ul[aria-label='Seats per major version']")));
        cut.WaitForAssertion(() => Assert.Contains(licenses[0].Id.ToString(), cut.Find("[data-testid=customer-licenses]").TextContent));
        cut.WaitForAssertion(() => Assert.Contains("2 × OfficeStatus 6 – 5-user pack", cut.Find("[data-testid=customer-orders]").TextContent));
        Assert.Contains("Not paid", cut.Find("[data-testid=customer-orders]").TextContent);
        Assert.Contains("ana@contoso.example", cut.Find("[data-testid=customer-orders]").TextContent);
        var request = Text(cut.Find("[data-request-status=Pending]"));
        Assert.Contains("Waiting for support", request);
        Assert.Contains("Pilot group needs a sprint", request);
        var discount = Text(cut.Find("[data-discount-status=Pending]"));
        Assert.Contains("Nonprofit", discount);
        Assert.Contains(Evidence, discount);
        var staffOnly = cut.FindAll(".history-entry").Single(e => e.TextContent.Contains(StaffNote));
        Assert.NotNull(staffOnly.QuerySelector("[data-staff-only]"));
        Assert.Single(cut.FindAll("[data-staff-only]"));
        Assert.DoesNotContain("Fabrikam", cut.Markup);
        Assert.DoesNotContain("olga@fabrikam.example", cut.Markup);
    }

    [Fact]
    public async Task A_new_customer_shows_an_empty_state_in_every_section()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Support);

        var cut = Render(page, fabrikam.Id);

        foreach (var empty in new[] { "members-empty", "invitations-empty", "seats-empty", "installations-empty", "evaluations-empty", "discounts-empty", "history-empty" })
            Assert.NotNull(cut.Find($"[data-testid={empty}]"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=licenses-empty]")));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=orders-empty]")));
        var resend = cut.Find("[data-testid=resend-registration]");
        Assert.True(resend.QuerySelector("button")!.HasAttribute("disabled"));
        Assert.Contains("No active licenses", resend.TextContent);
    }

    [Fact]
    public async Task An_unknown_id_says_the_customer_was_not_found()
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = Render(page, Guid.NewGuid());

        Assert.Equal("Customer not found", cut.Find("h1").TextContent.Trim());
        Assert.NotNull(cut.Find("[data-testid=customer-not-found] a[href='/staff/customers']"));
    }

    [Fact]
    public async Task Support_re_sends_the_registration_email_to_technical_members_and_the_billing_email_after_confirming_and_the_history_shows_it()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ted@contoso.example", MemberRoles.Technical);
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "bea@contoso.example", MemberRoles.Billing);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Support);
        var cut = Render(page, _fx.Contoso.Id);
        const string recipients = "ted@contoso.example, billing@contoso.example";
        Assert.Contains($"2 active licenses, to {recipients}", Text(cut.Find("[data-testid=resend-registration]")));

        ResendButton(cut).Click();
        page.Dialogs.WaitForAssertion(() => Assert.Contains($"to the organization's Technical members and its billing email: {recipients}", page.Dialogs.Markup));
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Re-send").Click();

        page.Snackbars.WaitForAssertion(() => Assert.Contains($"on its way to {recipients}", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        await using var db = _fx.Db();
        var message = await db.OutboxMessages.SingleAsync();
        Assert.Equal(["ted@contoso.example", "billing@contoso.example"], message.To);
        var audit = await db.AuditEvents.SingleAsync(e => e.Action == "registration.resent");
        Assert.Equal(page.Actor.Name, audit.ActorName);
        cut.WaitForAssertion(() => Assert.Contains($"sent again to {recipients}", cut.Find(".history-timeline").TextContent));
    }

    [Fact]
    public async Task Cancelling_the_confirmation_sends_nothing()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 25);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var cut = Render(page, _fx.Contoso.Id);

        ResendButton(cut).Click();
        page.Dialogs.WaitForAssertion(() => Assert.NotEmpty(page.Dialogs.FindAll("button")));
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        page.Dialogs.WaitForAssertion(() => Assert.Empty(page.Dialogs.FindAll("button")));
        await using var db = _fx.Db();
        Assert.False(await db.OutboxMessages.AnyAsync());
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "registration.resent"));
    }

    [Fact]
    public async Task Sales_see_no_re_send_button_and_the_service_refuses_them_anyway()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 25);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = Render(page, _fx.Contoso.Id);

        Assert.Empty(cut.FindAll("[data-testid=resend-registration]"));
        Assert.DoesNotContain("Re-send registration email", cut.Markup);
        await using var db = _fx.Db();
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            _fx.Get<RegistrationEmail>().ResendAsync(db, _fx.Contoso.Id, null, page.Actor));
        Assert.Equal("Only Support staff can re-send registration emails.", refused.Message);
        Assert.False(await db.OutboxMessages.AnyAsync());
    }

    [Fact]
    public async Task Sales_give_an_organization_keys_on_invoice_with_a_reason_after_confirming_what_it_means()
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = Render(page, _fx.Contoso.Id);
        Assert.Equal("no", cut.Find("[data-testid=keys-on-invoice]").GetAttribute("data-keys-on-invoice"));

        await cut.InvokeAsync(() => cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Reason (only staff see it)")
            .Instance.ValueChanged.InvokeAsync("Framework agreement with the county"));
        cut.Find("[data-testid=switch-keys-on-invoice]").Click();
        page.Dialogs.WaitForAssertion(() => Assert.Contains("voiding the invoice or marking it uncollectible revokes them", page.Dialogs.Markup));
        await page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Give keys on invoice").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("yes", cut.Find("[data-testid=keys-on-invoice]").GetAttribute("data-keys-on-invoice")));
        Assert.Contains("Changed by sales@keymetric.example on 29 Nov 2026: Framework agreement with the county",
            Text(cut.Find("[data-testid=keys-on-invoice-change]")));
        Assert.Equal("Stop keys on invoice", cut.Find("[data-testid=switch-keys-on-invoice]").TextContent.Trim());
        await using var db = _fx.Db();
        Assert.True((await db.Organizations.SingleAsync(o => o.Id == _fx.Contoso.Id)).KeysOnInvoice);
        var entry = await db.AuditEvents.SingleAsync(e => e.Action == "organization.keys-on-invoice");
        Assert.Equal(("Framework agreement with the county", false), (entry.Details, entry.VisibleToCustomer));
        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll(".history-entry"), e => e.TextContent.Contains("issued when an invoice is issued")));
    }

    [Fact]
    public async Task Keys_on_invoice_needs_a_reason_and_cancelling_changes_nothing()
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var cut = Render(page, _fx.Contoso.Id);

        cut.Find("[data-testid=switch-keys-on-invoice]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Give the reason; it goes into the organization's history.", EvaluationPageTests.FieldErrors(cut)));
        Assert.Empty(page.Dialogs.FindAll(".mud-dialog"));

        await cut.InvokeAsync(() => cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Reason (only staff see it)")
            .Instance.ValueChanged.InvokeAsync("Trusted"));
        cut.Find("[data-testid=switch-keys-on-invoice]").Click();
        page.Dialogs.WaitForAssertion(() => Assert.NotEmpty(page.Dialogs.FindAll("button")));
        await page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").ClickAsync(new());

        page.Dialogs.WaitForAssertion(() => Assert.Empty(page.Dialogs.FindAll("button")));
        await using var db = _fx.Db();
        Assert.False((await db.Organizations.SingleAsync(o => o.Id == _fx.Contoso.Id)).KeysOnInvoice);
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "organization.keys-on-invoice"));
    }

    [Fact]
    public async Task Support_read_keys_on_invoice_without_a_switch_see_no_quotes_and_the_service_refuses_them()
    {
        await _fx.Get<OrganizationService>().TrustWithKeysOnInvoiceAsync(_fx.Contoso.Id, true, "Pays on time", DomainFixture.Sales);
        await new QuoteScenarios(_fx).QuoteAsync(_fx.Contoso);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Support);

        var cut = Render(page, _fx.Contoso.Id);

        Assert.Equal("yes", cut.Find("[data-testid=keys-on-invoice]").GetAttribute("data-keys-on-invoice"));
        Assert.Contains("Pays on time", cut.Find("[data-testid=keys-on-invoice-change]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=switch-keys-on-invoice]"));
        Assert.Empty(cut.FindAll("#customer-quotes"));
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            _fx.Get<OrganizationService>().TrustWithKeysOnInvoiceAsync(_fx.Contoso.Id, false, "Late payer", page.Actor));
        Assert.Equal("Only Sales staff can decide which organizations get keys on invoice.", refused.Message);
    }

    [Fact]
    public async Task Sales_see_the_organizations_quotes_newest_first_with_links_to_the_quote_desk()
    {
        var quotes = new QuoteScenarios(_fx);
        var expired = await quotes.QuoteAsync(_fx.Contoso);
        _fx.Clock.Advance(TimeSpan.FromDays(31));
        var (invoiced, _) = await quotes.InvoicedAsync(_fx.Contoso, "PO-77", "INV-0077");
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        await quotes.QuoteAsync(fabrikam);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = Render(page, _fx.Contoso.Id);

        var rows = cut.FindAll("[data-testid=customer-quotes] tbody tr");
        Assert.Equal([StaffPaths.QuoteCase(invoiced.Id), StaffPaths.QuoteCase(expired.Id)], rows.Select(r => r.QuerySelector("a")!.GetAttribute("href")));
        Assert.Contains("PO-77", rows[0].TextContent);
        Assert.Contains("Invoice: open", rows[0].TextContent);
        Assert.Equal(["Accepted", "Expired"], rows.Select(r => r.GetAttribute("data-quote-status")));
        var theirs = Render(page, fabrikam.Id);
        Assert.Single(theirs.FindAll("[data-testid=customer-quotes] tbody tr"));
    }

    [Fact]
    public async Task A_customer_without_quotes_says_so_to_sales()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = Render(page, fabrikam.Id);

        Assert.NotNull(cut.Find("[data-testid=quotes-empty]"));
    }

    /// <summary>The element's text with runs of white space (from the markup's line breaks) as one space.</summary>
    private static string Text(IElement element) => System.Text.RegularExpressions.Regex.Replace(element.TextContent, @"\s+", " ").Trim();

    private static IElement ResendButton(IRenderedComponent<CustomerPage> cut) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == "Re-send registration email");

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

    private async Task RecordStaffOnlyAsync(Guid organizationId, string summary)
    {
        await using var db = _fx.Db();
        _fx.Get<AuditLog>().Record(db, DomainFixture.Support, "support.note", nameof(Organization), organizationId, organizationId,
            summary, visibleToCustomer: false);
        await db.SaveChangesAsync();
    }
}

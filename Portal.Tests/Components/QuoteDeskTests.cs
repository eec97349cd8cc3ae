using System.Reflection;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Account;
using Portal.Components.Staff;
using Portal.Components.Staff.Quotes;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Quotes;
using Portal.Tests.Builders;
using Portal.Tests.Domain;

namespace Portal.Tests.Components;

/// <summary>
/// The sales desk for quotes and invoices on the real services and database: the three views, a quote's case page and
/// its special price within and beyond the sales limit, and the overview's figures.
/// </summary>
public sealed class QuoteDeskTests : IAsyncLifetime
{
    private const string Reason = "Matches the district's framework price.";
    private DomainFixture _fx = null!;
    private QuoteScenarios _quotes = null!;
    private Organization _school = null!;

    public async Task InitializeAsync()
    {
        _fx = await DomainFixture.CreateAsync();
        _quotes = new QuoteScenarios(_fx);
        _school = await _fx.AddOrganizationAsync("Woodgrove School", OrganizationKind.Educational);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public void The_desk_pages_are_for_sales_and_admins()
    {
        Assert.Equal(Policies.Sales, typeof(QuoteDeskQueue).GetCustomAttribute<AuthorizeAttribute>()!.Policy);
        Assert.Equal(Policies.Sales, typeof(QuoteCasePage).GetCustomAttribute<AuthorizeAttribute>()!.Policy);
    }

    [Fact]
    public async Task The_open_quotes_view_lists_valid_quotes_with_links_to_each_case_and_counts_every_view()
    {
        var quote = await _quotes.QuoteAsync(_school);
        await _quotes.InvoicedAsync(_fx.Contoso, "PO-1", "INV-0001");
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = page.Bunit.Render<QuoteDeskQueue>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tbody tr")));
        var row = cut.Find("tbody tr");
        Assert.NotNull(row.QuerySelector($"a[href='{StaffPaths.QuoteCase(quote.Id)}']"));
        Assert.Contains("Woodgrove School", row.TextContent);
        Assert.Contains($"{quote.Number} · Educational", row.TextContent);
        Assert.Contains(quote.Total.ToString(), row.TextContent);
        Assert.Contains("29 Dec 2026", row.TextContent);
        Assert.Equal(["Open quotes (1)", "Awaiting payment (1)", "Overdue invoices (0)"],
            cut.FindAll("[data-testid=quote-views] a").Select(a => a.TextContent.Trim()));
        Assert.Equal("page", cut.Find("[data-view=open]").GetAttribute("aria-current"));
    }

    [Fact]
    public async Task The_overdue_view_shows_how_long_each_invoice_is_overdue_and_searches_by_invoice_number()
    {
        await _quotes.InvoicedAsync(_school, "PO-7", "INV-0007", dueInDays: 10);
        await _quotes.InvoicedAsync(_fx.Contoso, "PO-8", "INV-0008", dueInDays: 20);
        _fx.Clock.Advance(TimeSpan.FromDays(22));
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        page.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo(StaffPaths.QuoteView(QuoteQueue.OverdueInvoices));

        var cut = page.Bunit.Render<QuoteDeskQueue>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tbody tr").Count));
        var rows = cut.FindAll("tbody tr");
        Assert.Contains("INV-0007", rows[0].TextContent);
        Assert.Contains("PO-7", rows[0].TextContent);
        Assert.Contains("12 days overdue", rows[0].TextContent);
        Assert.Contains("2 days overdue", rows[1].TextContent);
        Assert.Equal("page", cut.Find("[data-view=overdue]").GetAttribute("aria-current"));

        await cut.InvokeAsync(() => cut.FindComponent<MudTextField<string>>().Instance.ValueChanged.InvokeAsync("inv-0008"));

        cut.WaitForAssertion(() => Assert.Contains("Contoso Ltd", Assert.Single(cut.FindAll("tbody tr")).TextContent));

        await cut.InvokeAsync(() => cut.FindComponent<MudTextField<string>>().Instance.ValueChanged.InvokeAsync("INV-9999"));

        cut.WaitForAssertion(() => Assert.Equal("Nothing in this view matches these filters.", cut.Find("[data-testid=queue-empty]").TextContent.Trim()));
    }

    [Fact]
    public async Task An_unknown_view_in_the_address_shows_the_open_quotes()
    {
        await _quotes.QuoteAsync(_school);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        page.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo($"{StaffPaths.Quotes}?view=%3Cscript%3Ealert(1)%3C/script%3E");

        var cut = page.Bunit.Render<QuoteDeskQueue>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("tbody tr")));
        Assert.Equal("page", cut.Find("[data-view=open]").GetAttribute("aria-current"));
        Assert.Empty(cut.FindAll("tbody script"));
    }

    [Fact]
    public async Task The_case_of_an_open_quote_shows_it_as_the_customer_sees_it_with_the_organization_history_and_the_sales_limit()
    {
        var quote = await _quotes.QuoteAsync(_school);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = Case(page, quote.Id);

        Assert.Equal($"Quote {quote.Number} for Woodgrove School", cut.Find("h1").TextContent.Trim());
        Assert.Equal("Open", cut.Find("[data-testid=quote-status]").TextContent.Trim());
        var facts = cut.Find("[data-testid=quote-facts]").TextContent;
        Assert.Contains("29 Dec 2026", facts);
        Assert.Contains("OfficeStatus 6.x", facts);
        Assert.Contains("2", cut.Find("[data-testid=quote-lines] tbody tr").TextContent);
        Assert.Equal(quote.Total.ToString(), cut.Find("[data-testid=quote-total]").TextContent);
        Assert.Equal("You may take up to 25 % off; ask an admin for more.", cut.Find("[data-testid=special-price-limit]").TextContent.Trim());
        Assert.NotNull(cut.Find($"a[href='/staff/customers/{_school.Id}']"));
        Assert.Contains(cut.FindAll(".history-entry"), e => e.TextContent.Contains($"Quote {quote.Number}"));
    }

    [Fact]
    public async Task Sales_give_a_special_price_within_the_limit_after_confirming_and_see_the_new_total()
    {
        var quote = await _quotes.QuoteAsync(_school);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = Case(page, quote.Id);

        await FillAsync(cut, 20, Reason);
        cut.Find("[data-testid=give-special-price]").Click();
        await ConfirmAsync(page, "Give special price");

        await using var db = _fx.Db();
        var stored = await db.Quotes.SingleAsync(q => q.Id == quote.Id);
        Assert.Equal((20, Reason), (stored.SpecialPercent, stored.SpecialPriceReason));
        Assert.True(stored.Total.Minor < quote.Total.Minor);
        cut.WaitForAssertion(() => Assert.Contains($"now comes to {stored.Total} (was {quote.Total})", cut.Find("[data-testid=special-price-saved]").TextContent));
        Assert.Equal(stored.Total.ToString(), cut.Find("[data-testid=quote-total]").TextContent);
        Assert.Contains($"Special price, 20 % off: {Reason}", cut.Find("[data-testid=quote-discount]").TextContent);
        var entry = await db.AuditEvents.SingleAsync(e => e.Action == "quote.special-price");
        Assert.Equal("sales@keymetric.example", entry.ActorName);
        Assert.Contains(await db.OutboxMessages.ToListAsync(), m => m.Subject.Contains(quote.Number));
    }

    [Fact]
    public async Task Sales_cannot_go_beyond_the_limit_the_field_says_so_and_nothing_changes()
    {
        var quote = await _quotes.QuoteAsync(_school);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = Case(page, quote.Id);

        await FillAsync(cut, 30, Reason);
        cut.Find("[data-testid=give-special-price]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Sales can take at most 25 % off a quote; ask an admin for more.", EvaluationPageTests.FieldErrors(cut)));
        Assert.Empty(page.Dialogs.FindAll(".mud-dialog"));
        await using var db = _fx.Db();
        Assert.Equal(0, (await db.Quotes.SingleAsync(q => q.Id == quote.Id)).SpecialPercent);
    }

    [Fact]
    public async Task The_service_refuses_sales_beyond_the_limit_even_when_the_form_is_bypassed()
    {
        var quote = await _quotes.QuoteAsync(_school);

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            _fx.Get<QuoteService>().GiveSpecialPriceAsync(quote.Id, 30, Reason, DomainFixture.Sales));

        Assert.Equal("Sales can take at most 25 % off a quote; ask an admin for more.", refused.Message);
    }

    [Fact]
    public async Task An_admin_may_go_beyond_the_sales_limit()
    {
        var quote = await _quotes.QuoteAsync(_school);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var cut = Case(page, quote.Id);
        Assert.Contains("as an admin you may take up to 99 %", cut.Find("[data-testid=special-price-limit]").TextContent);

        await FillAsync(cut, 40, Reason);
        cut.Find("[data-testid=give-special-price]").Click();
        await ConfirmAsync(page, "Give special price");

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=special-price-saved]")));
        await using var db = _fx.Db();
        Assert.Equal(40, (await db.Quotes.SingleAsync(q => q.Id == quote.Id)).SpecialPercent);
    }

    [Fact]
    public async Task A_special_price_is_shown_in_the_form_and_can_be_removed()
    {
        var quote = await _quotes.QuoteAsync(_school);
        await _fx.Get<QuoteService>().GiveSpecialPriceAsync(quote.Id, 20, Reason, DomainFixture.Sales);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = Case(page, quote.Id);
        Assert.Equal("20", cut.FindComponents<MudNumericField<int?>>().Single(f => f.Instance.Label == "Percent off").Find("input").GetAttribute("value"));

        cut.Find("[data-testid=remove-special-price]").Click();
        await ConfirmAsync(page, "Remove");

        cut.WaitForAssertion(() => Assert.Contains($"now comes to {quote.Total}", cut.Find("[data-testid=special-price-saved]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=remove-special-price]"));
        await using var db = _fx.Db();
        var stored = await db.Quotes.SingleAsync(q => q.Id == quote.Id);
        Assert.Equal((0, null, quote.Total), (stored.SpecialPercent, stored.SpecialPriceReason, stored.Total));
    }

    [Fact]
    public async Task A_special_price_needs_a_reason_for_the_customer()
    {
        var quote = await _quotes.QuoteAsync(_school);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = Case(page, quote.Id);

        await FillAsync(cut, 10, reason: null);
        cut.Find("[data-testid=give-special-price]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Give the reason for the special price; the customer sees it.", EvaluationPageTests.FieldErrors(cut)));
        Assert.Empty(page.Dialogs.FindAll(".mud-dialog"));
        await using var db = _fx.Db();
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "quote.special-price"));
    }

    [Fact]
    public async Task A_quote_accepted_meanwhile_shows_the_domains_message_and_then_what_became_of_it()
    {
        var quote = await _quotes.QuoteAsync(_school);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = Case(page, quote.Id);
        await _quotes.AcceptAsync(quote, PaymentMethod.Invoice, "PO-12");

        await FillAsync(cut, 10, Reason);
        cut.Find("[data-testid=give-special-price]").Click();
        await ConfirmAsync(page, "Give special price");

        page.Snackbars.WaitForAssertion(() => Assert.Contains($"Cannot change the price of quote {quote.Number}: it is accepted.", page.Snackbars.Markup));
        cut.WaitForAssertion(() => Assert.Contains("with purchase order PO-12, to be paid by invoice", cut.Find("[data-testid=decision]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=give-special-price]"));
    }

    [Fact]
    public async Task An_accepted_quotes_case_shows_its_order_and_invoice_with_the_due_date_and_the_invoice_page()
    {
        var (quote, _) = await _quotes.InvoicedAsync(_school, "PO-3", "INV-0003", dueInDays: 30);
        _fx.Clock.Advance(TimeSpan.FromDays(33));
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = page.Bunit.Render<QuoteCasePage>(p => p.Add(c => c.Id, quote.Id));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=quote-order]")));
        Assert.Equal("PO-3", cut.Find("[data-testid=quote-po]").TextContent.Trim());
        Assert.Equal("INV-0003: Open", cut.Find("[data-testid=invoice-status]").TextContent.Trim());
        Assert.Contains("3 days overdue", cut.Find("[data-testid=invoice-due]").TextContent);
        Assert.Equal("https://invoice.stripe.test/INV-0003", cut.Find("[data-testid=quote-order] a").GetAttribute("href"));
        Assert.Contains("Licenses are issued when the invoice is paid.", cut.Find("[data-testid=quote-order]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=give-special-price]"));
    }

    [Fact]
    public async Task An_unknown_quote_is_not_found()
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);

        var cut = page.RenderPage<QuoteCasePage>();

        Assert.Equal("Quote not found", cut.Find("h1").TextContent.Trim());
    }

    [Fact]
    public async Task The_overview_shows_sales_the_quote_figures_and_support_none()
    {
        await _quotes.QuoteAsync(_school);
        await _quotes.InvoicedAsync(_fx.Contoso, "PO-1", "INV-0001", dueInDays: 1);
        _fx.Clock.Advance(TimeSpan.FromDays(2));
        await using (var sales = await StaffPageContext.CreateAsync(_fx, Roles.Sales))
        {
            var overview = sales.RenderPage<StaffOverview>();

            var queues = overview.FindAll("[data-testid=work-queues] a").ToDictionary(a => a.GetAttribute("href")!, a => a.TextContent.Trim());
            Assert.Equal("1 open quote", queues[StaffPaths.Quotes]);
            Assert.Equal("0 invoices awaiting payment", queues[StaffPaths.QuoteView(QuoteQueue.AwaitingPayment)]);
            Assert.Equal("1 invoice overdue", queues[StaffPaths.QuoteView(QuoteQueue.OverdueInvoices)]);
        }
        await using var support = await StaffPageContext.CreateAsync(_fx, Roles.Support);

        var theirs = support.RenderPage<StaffOverview>();

        Assert.Empty(theirs.FindAll($"[data-testid=work-queues] a[href^='{StaffPaths.Quotes}']"));
    }

    private static IRenderedComponent<QuoteCasePage> Case(StaffPageContext page, Guid quoteId)
    {
        var cut = page.Bunit.Render<QuoteCasePage>(p => p.Add(c => c.Id, quoteId));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=give-special-price]")));
        return cut;
    }

    private static async Task FillAsync(IRenderedComponent<QuoteCasePage> cut, int percent, string? reason)
    {
        await cut.InvokeAsync(() => cut.FindComponents<MudNumericField<int?>>().Single(f => f.Instance.Label == "Percent off")
            .Instance.ValueChanged.InvokeAsync(percent));
        if (reason is not null)
            await cut.InvokeAsync(() => cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Reason the customer sees")
                .Instance.ValueChanged.InvokeAsync(reason));
    }

    private static async Task ConfirmAsync(StaffPageContext page, string yes)
    {
        page.Dialogs.WaitForAssertion(() => Assert.NotEmpty(page.Dialogs.FindAll("button")));
        IElement button = page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == yes);
        await button.ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());
    }
}

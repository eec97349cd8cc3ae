using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Discounts;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;
using Portal.Domain.Quotes;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// The quote PDF read back with PdfPig, as the customer's procurement office reads it: what it quotes, to whom, until
/// when, at which prices and why, and how to accept it; and the quote emails that carry it.
/// </summary>
public sealed class QuotePdfTests
{
    private static readonly DateTimeOffset QuotedAt = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private const string DiscountReason = "Educational discount of 20 %, approved until 2027-05-29";
    private const string SpecialReason = "Three-year commitment of the district's schools, agreed with procurement on 27 November";

    [Fact]
    public void An_open_quote_reads_its_number_parties_lines_totals_and_how_to_accept()
    {
        var quote = Quote(discountPercent: 20,
            ("OfficeStatus 6 – 10-user pack (20 % discount)", 3, 100_000),
            ("Upgrade OfficeStatus 5 → 6, 25 users, for the district's administration building and its annex (20 % discount)", 1, 37_550));
        quote.GiveSpecialPrice(10, SpecialReason, QuotedAt);

        var pdf = new QuotePdf().Render(quote, QuotedAt.AddDays(1), invoiceDaysUntilDue: 45);

        Assert.Equal("Q-2026-00042.pdf", QuotePdf.FileName(quote));
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));
        var text = PdfText.Read(pdf);
        var all = text.All;
        Assert.Equal(["Key Metric Software", "Quote", "Software licenses", "Q-2026-00042"], text.Pages[0].Split('\n')[..4]);
        Assert.Contains("Quote number Q-2026-00042", all);
        Assert.Contains("Date 29 November 2026", all);
        Assert.Contains("Valid until 29 December 2026, 10:00 UTC", all);
        Assert.Contains("Status Open", all);
        Assert.Contains("Product OfficeStatus 6", all);
        Assert.Contains("Requested by ana@lincoln-schools.example", all);

        Assert.Contains("Lincoln County Schools", all);
        foreach (var line in quote.BillingAddress.Lines(quote.CountryCode))
            Assert.Contains(line, all);
        Assert.Contains("United Kingdom", all);
        Assert.Contains("Tax ID: UK VAT number GB123456789", all);

        // Each line's description (however it wraps) in the first column, its quantity and amounts on its row.
        var descriptions = text.Column("Qty");
        var figures = text.Column("Qty", rightOf: true);
        Assert.Equal(2, quote.Lines.Count);
        foreach (var line in quote.Lines)
        {
            Assert.Contains(line.Description, descriptions);
            Assert.Contains($"{line.Quantity} {Amount(line.UnitListPrice)} {Amount(line.UnitPrice)} {Amount(line.Total)}", figures);
        }
        Assert.Contains("3 1,000.00 720.00 2,160.00", figures);
        Assert.Contains("1 375.50 270.36 270.36", figures);

        Assert.Contains("Amounts in USD", all);
        Assert.Contains("List price USD 3,375.50", all);
        Assert.Contains("Discount, 20 % −USD 675.10", all);
        Assert.Contains("Special price, 10 % off −USD 270.04", all);
        Assert.Contains("Total USD 2,430.36", all);
        Assert.Equal(quote.Total, new Money(337_550 - 67_510 - 27_004, "USD"));
        Assert.Contains(DiscountReason, Flat(all));
        Assert.Contains(SpecialReason, Flat(all));

        Assert.Contains("How to accept this quote", all);
        Assert.Contains("accept it by 29 December 2026, 10:00 UTC", Flat(all));
        Assert.Contains("pay by card at once, or choose to pay by invoice: the invoice is payable within 45 days", Flat(all));
        Assert.DoesNotContain("EXPIRED", all);
        Assert.DoesNotContain("Purchase order", all);
        Assert.Contains("Page 1 of 1", all);
    }

    [Fact]
    public void An_accepted_quote_reads_its_purchase_order_number_and_how_it_is_paid()
    {
        var quote = Quote(discountPercent: 0, ("OfficeStatus 6 – 5-user pack", 2, 49_900));
        var address = PostalAddress.Create("1 City Hall Plaza", "", "02201", "Boston", "MA");
        quote.Accept("PO-4711/2026", purchaseOrderRequired: true, address, TaxId.Create("us_ein", "12-3456789"),
            PaymentMethod.Invoice, "buyer-1", previousOrderEndedUnpaid: false, QuotedAt.AddDays(3));

        var text = PdfText.Read(new QuotePdf().Render(quote, QuotedAt.AddDays(40), invoiceDaysUntilDue: 30));
        var all = text.All;

        Assert.Contains("Purchase order PO-4711/2026", all);
        Assert.Contains("Payment By invoice", all);
        Assert.Contains("Status Accepted on 2 December 2026", all);
        // The organization's block, left of the quote's details, however its lines wrap.
        Assert.Contains("Tax ID: US Employer Identification Number 12-3456789", text.Column("Date"));
        Assert.Contains("1 City Hall Plaza", all);
        Assert.Contains("02201 Boston MA", all);
        Assert.Contains("with purchase order PO-4711/2026, to be paid by invoice.", Flat(all));
        // Accepted before its date, it does not expire; nothing to accept any more, and no discount to explain.
        Assert.DoesNotContain("EXPIRED", all);
        Assert.DoesNotContain("How to accept", all);
        Assert.DoesNotContain("Discount,", all);
        Assert.Contains("List price USD 998.00", all);
        Assert.Contains("Total USD 998.00", all);
    }

    [Fact]
    public void Forty_lines_run_over_several_pages_each_with_the_table_header_and_every_line_once()
    {
        var quote = Quote(discountPercent: 20, [.. Enumerable.Range(1, 40).Select(n =>
            ($"OfficeStatus 6 – line {n:D2} for the school of district {n:D2}, building {n:D2} (20 % discount)", n, 10_000L + n))]);

        var text = PdfText.Read(new QuotePdf().Render(quote, QuotedAt, invoiceDaysUntilDue: 30));

        Assert.True(text.Pages.Count >= 2, $"40 lines fit on {text.Pages.Count} page(s).");
        for (var index = 0; index < text.Pages.Count; index++)
        {
            var page = text.Pages[index];
            Assert.Contains($"Page {index + 1} of {text.Pages.Count}", page);
            Assert.Contains("Q-2026-00042", page);
            // A page the table reaches repeats its header; the totals may start a page of their own.
            if (page.Contains("OfficeStatus 6 – line", StringComparison.Ordinal))
                Assert.Contains("Description Qty Unit list price Unit price Amount", page);
        }
        Assert.Contains("(continued)", text.Pages[1]);
        var descriptions = text.Column("Qty");
        var figures = text.Column("Qty", rightOf: true);
        foreach (var line in quote.Lines)
        {
            Assert.Single(AllIndexesOf(descriptions, line.Description));
            Assert.Contains($"{line.Quantity} {Amount(line.UnitListPrice)} {Amount(line.UnitPrice)} {Amount(line.Total)}", figures);
        }
        Assert.Contains($"Total {quote.Total}", text.Pages[^1]);
        Assert.Equal(quote.Lines.Sum(l => l.Total.Minor), quote.Total.Minor);
    }

    [Fact]
    public void A_quote_past_its_date_is_stamped_expired_on_every_page()
    {
        var quote = Quote(discountPercent: 0, [.. Enumerable.Range(1, 40).Select(n => ($"OfficeStatus 6 – line {n:D2}", 1, 10_000L))]);
        var pdf = new QuotePdf();

        var beforeItsDate = PdfText.Read(pdf.Render(quote, quote.ValidUntil.AddSeconds(-1), invoiceDaysUntilDue: 30));
        var afterItsDate = PdfText.Read(pdf.Render(quote, quote.ValidUntil, invoiceDaysUntilDue: 30));

        Assert.Equal(QuoteStatus.Open, quote.Status); // not marked yet: the PDF reads the status as of its date
        Assert.DoesNotContain("EXPIRED", beforeItsDate.All);
        Assert.DoesNotContain("expired", beforeItsDate.All);
        Assert.True(afterItsDate.Pages.Count >= 2);
        Assert.All(afterItsDate.Pages, page => Assert.Contains("EXPIRED", page));
        Assert.Contains("Status Expired", afterItsDate.All);
        Assert.Contains("This quote expired on 29 December 2026, 10:00 UTC. Its prices no longer hold", Flat(afterItsDate.All));
        Assert.DoesNotContain("How to accept", afterItsDate.All);
    }

    [Fact]
    public void A_quote_without_its_lines_is_refused_rather_than_rendered_empty()
    {
        var loaded = Quote(discountPercent: 0, ("OfficeStatus 6 – 5-user pack", 1, 49_900));
        var withoutLines = (Quote)Activator.CreateInstance(typeof(Quote), nonPublic: true)!;

        Assert.NotEmpty(new QuotePdf().Render(loaded, QuotedAt, 30));
        var refused = Assert.Throws<ArgumentException>(() => new QuotePdf().Render(withoutLines, QuotedAt, 30));
        Assert.Contains("no lines loaded", refused.Message);
    }

    [Fact]
    public async Task Quotes_rendered_at_the_same_time_each_read_whole()
    {
        var pdf = new QuotePdf();
        var quotes = Enumerable.Range(1, 8).Select(n => Quote(discountPercent: 0, ($"OfficeStatus 6 – pack of quote {n}", n, 10_000))).ToList();

        var texts = await Task.WhenAll(quotes.Select(quote => Task.Run(() => PdfText.Read(pdf.Render(quote, QuotedAt, 30)).All)));

        for (var index = 0; index < quotes.Count; index++)
        {
            Assert.Contains($"OfficeStatus 6 – pack of quote {index + 1}", texts[index]);
            Assert.Contains($"Total {quotes[index].Total}", texts[index]);
        }
    }

    [Fact]
    public async Task The_sent_and_the_repriced_quote_emails_carry_the_quote_pdf()
    {
        await using var fixture = await DomainFixture.CreateAsync();
        var buyer = DomainFixture.CustomerIn(fixture.Contoso.Id, MemberRoles.Billing);
        var quotes = fixture.Get<QuoteService>();

        var quote = await quotes.CreateAsync(fixture.Contoso.Id, buyer, "ana@contoso.example", fixture.Cart((5, 2)));
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        var repriced = await quotes.GiveSpecialPriceAsync(quote.Id, 15, "Opening a second office this year", DomainFixture.Sales);
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        await quotes.SendAgainAsync(fixture.Contoso.Id, quote.Id, buyer);

        await using var db = fixture.Db();
        var messages = await db.OutboxMessages.AsNoTracking().Include(m => m.Attachments).OrderBy(m => m.CreatedAt).ToListAsync();
        Assert.Equal(3, messages.Count);
        var (sent, special, again) = (messages[0], messages[1], messages[2]);
        Assert.StartsWith($"Quote {quote.Number} for", sent.Subject);
        Assert.StartsWith($"Quote {quote.Number} has a new price", special.Subject);
        foreach (var message in messages)
        {
            var attachment = Assert.Single(message.Attachments);
            Assert.Equal($"{quote.Number}.pdf", attachment.FileName);
            Assert.Equal("application/pdf", attachment.ContentType);
        }
        var first = PdfText.Read(sent.Attachments[0].Content).All;
        Assert.Contains($"Quote number {quote.Number}", first);
        Assert.Contains($"Total {quote.Total}", first);
        Assert.Contains("Contoso Ltd", first);
        Assert.Contains("payable within 30 days", Flat(first));
        Assert.DoesNotContain("Special price", first);
        var second = PdfText.Read(special.Attachments[0].Content).All;
        Assert.Contains($"Total {repriced.Total}", second);
        Assert.Contains("Special price, 15 % off", second);
        Assert.Contains("Opening a second office this year", Flat(second));
        Assert.Contains($"Total {repriced.Total}", PdfText.Read(again.Attachments[0].Content).All);
    }

    [Fact]
    public async Task The_accepted_and_expired_quote_emails_carry_no_pdf()
    {
        await using var fixture = await DomainFixture.CreateAsync();
        var buyer = DomainFixture.CustomerIn(fixture.Contoso.Id, MemberRoles.Billing);
        var quotes = fixture.Get<QuoteService>();
        var accepted = await quotes.CreateAsync(fixture.Contoso.Id, buyer, "ana@contoso.example", fixture.Cart((5, 1)));
        var expiring = await quotes.CreateAsync(fixture.Contoso.Id, buyer, "ana@contoso.example", fixture.Cart((10, 1)));
        await quotes.AcceptAsync(fixture.Contoso.Id, accepted.Id, buyer, "ana@contoso.example",
            new QuoteAcceptance("PO-1", PostalAddress.Create("1 Long Lane", "", "SE1 4PU", "London", ""), null, PaymentMethod.Checkout));
        fixture.Clock.Advance(TimeSpan.FromDays(31));

        Assert.Equal(1, await quotes.ExpireDueAsync());

        await using var db = fixture.Db();
        var messages = await db.OutboxMessages.AsNoTracking().Include(m => m.Attachments).ToListAsync();
        Assert.Equal(2, messages.Count(m => m.Attachments.Count == 1 && m.Subject.StartsWith("Quote Q-")));
        Assert.Empty(Assert.Single(messages, m => m.Subject.Contains("accepted")).Attachments);
        Assert.Empty(Assert.Single(messages, m => m.Subject.Contains($"{expiring.Number} has expired")).Attachments);
    }

    private static Quote Quote(int discountPercent, params (string Description, int Quantity, long UnitListPrice)[] lines)
    {
        var organization = Organization.Register("Lincoln County Schools", OrganizationKind.Educational, "GB", "accounts@lincoln-schools.example", QuotedAt);
        organization.ChangeBillingDetails(PostalAddress.Create("Lincoln House, 1 Long Lane", "Floor 3", "SE1 4PU", "London", ""),
            TaxId.Create("gb_vat", "GB123456789"));
        Money Usd(long minor) => new(minor, "USD");
        var priced = lines.Select(l => new PricedLine(LineKind.NewSeats, l.Description, Guid.NewGuid(), null, 10, l.Quantity,
            Usd(l.UnitListPrice), Usd(0), Usd(l.UnitListPrice), Usd(l.UnitListPrice * l.Quantity))).ToList();
        var subtotal = Usd(priced.Sum(l => l.Total.Minor));
        var discount = discountPercent > 0 ? new AppliedDiscount(Guid.NewGuid(), DiscountKind.Educational, discountPercent, DiscountReason) : null;
        var cart = new PricedCart(organization.Id, Guid.NewGuid(), "OfficeStatus", 6, "USD", priced, subtotal, discount, Usd(0), subtotal);
        return Portal.Domain.Quotes.Quote.Create(42, cart, organization, 30, "buyer-1", "ana@lincoln-schools.example", QuotedAt);
    }

    private static string Amount(Money money) => money.Major.ToString("N2", CultureInfo.InvariantCulture);

    /// <summary>The text with its line breaks as spaces: a sentence wrapped over lines reads as one.</summary>
    private static string Flat(string text) => text.Replace('\n', ' ');

    private static List<int> AllIndexesOf(string text, string value)
    {
        var indexes = new List<int>();
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + 1, StringComparison.Ordinal))
            indexes.Add(index);
        return indexes;
    }
}

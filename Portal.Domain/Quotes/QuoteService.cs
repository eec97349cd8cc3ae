using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;

namespace Portal.Domain.Quotes;

/// <summary>What the customer confirms when accepting a quote.</summary>
public sealed record QuoteAcceptance(string? PurchaseOrderNumber, PostalAddress BillingAddress, TaxId? TaxId, PaymentMethod PaymentMethod);

/// <summary>
/// Quotes (docs/rules.md#quotes-and-invoices): a Billing member asks for one from a cart, receives it by email, and
/// accepts it with a purchase-order number, which places an order at the quote's prices to be paid by card or invoice.
/// Sales may give an open quote a special price. An expired quote is quoted again at today's prices. Every step is in
/// the organization's history and, where the customer should know, emailed to its Billing contacts.
/// </summary>
public sealed class QuoteService(
    IDbContextFactory<PortalDbContext> dbFactory, PricingService pricing, QuoteEmail email, AuditLog audit, TimeProvider clock)
{
    /// <summary>The most quotes one expiry round marks, so that one save stays short.</summary>
    public const int ExpiryBatchSize = 100;

    /// <summary>A numbered quote for the cart at today's prices and the organization's discount, emailed to its Billing contacts.</summary>
    public async Task<Quote> CreateAsync(Guid organizationId, Actor actor, string requesterEmail, Cart cart, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "ask for quotes", MemberRoles.Billing);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await CreateInAsync(db, organizationId, actor, requesterEmail, cart, previous: null, cancellationToken);
    }

    /// <summary>An expired quote again: the same packs and upgrades at today's prices and discount, under a new number.</summary>
    public async Task<Quote> RequoteAsync(Guid organizationId, Guid quoteId, Actor actor, string requesterEmail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "ask for quotes", MemberRoles.Billing);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var previous = await db.Quotes.Include(q => q.Lines)
            .SingleOrDefaultAsync(q => q.Id == quoteId && q.OrganizationId == organizationId, cancellationToken)
            ?? throw new DomainException("That quote does not exist.");
        previous.EnsureRequotable(clock.GetUtcNow());
        try
        {
            return await CreateInAsync(db, organizationId, actor, requesterEmail, previous.ToCart(), previous, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException($"Quote {previous.Number} was quoted again at the same moment. Reload to see the new quote.");
        }
    }

    /// <summary>
    /// Accepts an open quote and places its order at the quote's prices, to be paid as chosen: the caller then starts the
    /// checkout or sends the invoice. The billing address and tax ID confirmed here become the organization's.
    /// </summary>
    public async Task<Order> AcceptAsync(
        Guid organizationId, Guid quoteId, Actor actor, string purchaserEmail, QuoteAcceptance acceptance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(acceptance);
        actor.Require(organizationId, "accept quotes", MemberRoles.Billing);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var quote = await db.Quotes.Include(q => q.Lines)
            .SingleOrDefaultAsync(q => q.Id == quoteId && q.OrganizationId == organizationId, cancellationToken)
            ?? throw new DomainException("That quote does not exist.");
        var organization = await db.Organizations.SingleAsync(o => o.Id == organizationId, cancellationToken);
        var previousOrderEndedUnpaid = quote.OrderId is { } previousOrderId && await db.Orders
            .AnyAsync(o => o.Id == previousOrderId && (o.Status == OrderStatus.Expired || o.Status == OrderStatus.Failed || o.Status == OrderStatus.Cancelled), cancellationToken);

        quote.Accept(acceptance.PurchaseOrderNumber, organization.PurchaseOrderRequired, acceptance.BillingAddress, acceptance.TaxId,
            acceptance.PaymentMethod, actor.UserId!, previousOrderEndedUnpaid, now);
        var order = Order.FromAcceptedQuote(quote, acceptance.PaymentMethod, actor.UserId!, purchaserEmail, now);
        quote.PlacedAs(order.Id);
        db.Orders.Add(order);
        if (acceptance.BillingAddress != organization.BillingAddress || acceptance.TaxId != organization.TaxId)
        {
            organization.ChangeBillingDetails(acceptance.BillingAddress, acceptance.TaxId);
            audit.Record(db, actor, "organization.billing-details-updated", nameof(Organization), organization.Id, organization.Id,
                $"Billing details confirmed with quote {quote.Number}: {Describe(acceptance.BillingAddress)}; {acceptance.TaxId?.ToString() ?? "no tax ID"}.");
        }
        audit.Record(db, actor, "quote.accepted", nameof(Quote), quote.Id, organizationId,
            $"Quote {quote.Number} for {quote.Total} accepted{(quote.PurchaseOrderNumber is { } po ? $" with purchase order {po}" : "")}, "
            + $"to be paid {(acceptance.PaymentMethod == PaymentMethod.Invoice ? "by invoice" : "by card")}.");
        audit.Record(db, actor, "order.placed", nameof(Order), order.Id, organizationId,
            $"Order placed from quote {quote.Number} for {order.Total}: {string.Join("; ", order.Lines.Select(l => $"{l.Quantity} × {l.Description}"))}.");
        await email.QueueAsync(db, quote, QuoteNews.Accepted, now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException($"Quote {quote.Number} was accepted or changed at the same moment. Reload to see it.");
        }
        return order;
    }

    /// <summary>Emails the quote, with its PDF, to the organization's Billing contacts again.</summary>
    public async Task SendAgainAsync(Guid organizationId, Guid quoteId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "send quotes", MemberRoles.Billing);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var quote = await db.Quotes.Include(q => q.Lines)
            .SingleOrDefaultAsync(q => q.Id == quoteId && q.OrganizationId == organizationId, cancellationToken)
            ?? throw new DomainException("That quote does not exist.");
        audit.Record(db, actor, "quote.sent", nameof(Quote), quote.Id, organizationId,
            $"Quote {quote.Number} sent again to the Billing contacts.");
        await email.QueueAsync(db, quote, QuoteNews.Sent, clock.GetUtcNow(), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Sales takes a percentage off an open quote's prices, with a reason the customer sees; up to the admins' limit
    /// (<see cref="QuoteTerms.SalesSpecialPriceLimit"/>), admins any. 0 removes it. The new price is emailed.
    /// </summary>
    public async Task<Quote> GiveSpecialPriceAsync(Guid quoteId, int percent, string reason, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("give special prices", Roles.Sales);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var terms = await db.QuoteTerms.AsNoTracking().SingleAsync(t => t.Id == QuoteTerms.SingleRowId, cancellationToken);
        if (!actor.IsAdmin && percent > terms.SalesSpecialPriceLimit)
            throw new DomainException($"Sales can take at most {terms.SalesSpecialPriceLimit} % off a quote; ask an admin for more.");
        var quote = await db.Quotes.Include(q => q.Lines).SingleOrDefaultAsync(q => q.Id == quoteId, cancellationToken)
            ?? throw new DomainException("That quote does not exist.");
        var before = quote.Total;
        quote.GiveSpecialPrice(percent, reason, now);
        audit.Record(db, actor, "quote.special-price", nameof(Quote), quote.Id, quote.OrganizationId, percent == 0
            ? $"Quote {quote.Number}: special price removed; now {quote.Total} (was {before})."
            : $"Quote {quote.Number}: special price of {percent} % off ({quote.SpecialPriceReason}); now {quote.Total} (was {before}).");
        await email.QueueAsync(db, quote, QuoteNews.Repriced, now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException($"Quote {quote.Number} was accepted or changed at the same moment. Reload to see it.");
        }
        return quote;
    }

    /// <summary>
    /// Marks open quotes past their valid-until date expired, each in the organization's history and emailed; returns
    /// how many. A quote accepted meanwhile is left alone (its concurrency token refuses the round, which the next one retries).
    /// </summary>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var due = await db.Quotes.Where(q => q.Status == QuoteStatus.Open && q.ValidUntil <= now)
            .OrderBy(q => q.ValidUntil).Take(ExpiryBatchSize).ToListAsync(cancellationToken);
        foreach (var quote in due.Where(q => q.ExpireIfDue(now)))
        {
            audit.Record(db, Actor.System, "quote.expired", nameof(Quote), quote.Id, quote.OrganizationId,
                $"Quote {quote.Number} for {quote.Total} expired unaccepted.");
            await email.QueueAsync(db, quote, QuoteNews.Expired, now, cancellationToken);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return due.Count;
        }
        catch (DbUpdateConcurrencyException)
        {
            return 0;
        }
    }

    /// <summary>The organization's quotes, newest first, without their lines.</summary>
    public async Task<IReadOnlyList<Quote>> ListAsync(Guid organizationId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Quotes.AsNoTracking().Where(q => q.OrganizationId == organizationId)
            .OrderByDescending(q => q.Sequence).ToListAsync(cancellationToken);
    }

    /// <summary>A quote of the organization with its lines; null for any other organization's.</summary>
    public async Task<Quote?> FindAsync(Guid organizationId, Guid quoteId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Quotes.AsNoTracking().Include(q => q.Lines)
            .SingleOrDefaultAsync(q => q.Id == quoteId && q.OrganizationId == organizationId, cancellationToken);
    }

    public async Task<QuoteTerms> TermsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.QuoteTerms.AsNoTracking().SingleAsync(t => t.Id == QuoteTerms.SingleRowId, cancellationToken);
    }

    /// <summary>Admin: how long quotes are valid, when invoices are due and how much sales may take off.</summary>
    public async Task<QuoteTerms> ChangeTermsAsync(int validityDays, int invoiceDaysUntilDue, int salesSpecialPriceLimit, Actor actor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("change the catalog", Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var terms = await db.QuoteTerms.SingleAsync(t => t.Id == QuoteTerms.SingleRowId, cancellationToken);
        var changes = terms.Change(validityDays, invoiceDaysUntilDue, salesSpecialPriceLimit);
        audit.Record(db, actor, Catalog.CatalogService.ChangedAction, nameof(QuoteTerms), terms.Id, organizationId: null,
            $"Quote terms changed: {string.Join("; ", changes)}.", visibleToCustomer: false);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("Someone else changed the quote terms at the same moment. Reload to see their change, then try again.");
        }
        return terms;
    }

    /// <summary>
    /// Prices the cart (outside any transaction), then takes the next quote number and saves the quote in one
    /// transaction: the number's counter is moved first, so its row lock (SQL Server) or the write lock (SQLite) keeps
    /// two quotes from one number, and a failed save gives the number back with the rest.
    /// </summary>
    private async Task<Quote> CreateInAsync(
        PortalDbContext db, Guid organizationId, Actor actor, string requesterEmail, Cart cart, Quote? previous, CancellationToken cancellationToken)
    {
        var priced = await pricing.PriceAsync(db, organizationId, cart, cancellationToken);
        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == organizationId, cancellationToken);
        var terms = await db.QuoteTerms.AsNoTracking().SingleAsync(t => t.Id == QuoteTerms.SingleRowId, cancellationToken);
        var now = clock.GetUtcNow();

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.DocumentSequences.Where(s => s.Name == DocumentSequence.Quotes)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Last, x => x.Last + 1), cancellationToken);
            var sequence = await db.DocumentSequences.Where(s => s.Name == DocumentSequence.Quotes).Select(s => s.Last).SingleAsync(cancellationToken);
            var quote = Quote.Create(sequence, priced, organization, terms.ValidityDays, actor.UserId!, requesterEmail, now);
            db.Quotes.Add(quote);
            if (previous is not null)
            {
                previous.RequotedAs(quote.Id, now);
                audit.Record(db, actor, "quote.requoted", nameof(Quote), previous.Id, organizationId,
                    $"Expired quote {previous.Number} quoted again at today's prices as {quote.Number}.");
            }
            audit.Record(db, actor, "quote.created", nameof(Quote), quote.Id, organizationId,
                $"Quote {quote.Number} for {quote.Total}, valid until {Quote.DateText(quote.ValidUntil)}: "
                + $"{string.Join("; ", quote.Lines.OrderBy(l => l.Position).Select(l => $"{l.Quantity} × {l.Description}"))}.");
            audit.Record(db, Actor.System, "quote.sent", nameof(Quote), quote.Id, organizationId,
                $"Quote {quote.Number} sent to the Billing contacts.");
            await email.QueueAsync(db, quote, QuoteNews.Sent, now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return quote;
        });
    }

    private static string Describe(PostalAddress address) => address.IsEmpty ? "no billing address" : address.ToString();
}

using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;

namespace Portal.Domain.Quotes;

/// <summary>The three views of the sales desk for quotes and invoices.</summary>
public enum QuoteQueue
{
    /// <summary>Quotes the customer can still accept.</summary>
    OpenQuotes,

    /// <summary>Orders placed from accepted quotes whose invoice is not paid and not yet due.</summary>
    AwaitingPayment,

    /// <summary>Unpaid invoices past their due date, as Stripe reported or as the due date says.</summary>
    OverdueInvoices,
}

/// <summary>Which end of a quote desk view comes first: by when the quote was made, the order placed or the invoice due.</summary>
public enum QuoteQueueOrder
{
    OldestFirst,
    NewestFirst,
}

/// <summary>
/// A page of one view. <see cref="Search"/> finds a quote number, organization name, purchase-order number or invoice
/// number; <see cref="MinDaysOverdue"/> applies to the overdue view only.
/// </summary>
public sealed record QuoteQueueQuery(
    QuoteQueue Queue,
    string? Search = null,
    OrganizationKind? Kind = null,
    string? Currency = null,
    int? MinDaysOverdue = null,
    QuoteQueueOrder Order = QuoteQueueOrder.OldestFirst,
    int Page = 1,
    int PageSize = 25);

public sealed record QuoteQueueRow(
    Guid QuoteId,
    string Number,
    Guid OrganizationId,
    string OrganizationName,
    OrganizationKind OrganizationKind,
    Money Total,
    int SpecialPercent,
    DateTimeOffset CreatedAt,
    DateTimeOffset ValidUntil,
    string? PurchaseOrderNumber,
    DateTimeOffset? PlacedAt,
    OrderStatus? OrderStatus,
    string? InvoiceNumber,
    InvoiceStatus? InvoiceStatus,
    DateTimeOffset? InvoiceDueAt);

public sealed record QuoteQueuePage(IReadOnlyList<QuoteQueueRow> Rows, int TotalCount);

/// <summary>How many quotes and invoices each view of the desk holds, for the staff overview.</summary>
public sealed record QuoteDeskCounts(int OpenQuotes, int AwaitingPayment, int OverdueInvoices);

/// <summary>One quote for sales: the quote with its lines, its organization, the order placed from it and the history.</summary>
public sealed record QuoteCase(
    Quote Quote,
    Organization Organization,
    Order? Order,
    string? RequotedAsNumber,
    IReadOnlyList<HistoryEntry> RecentHistory);

/// <summary>One of an organization's quotes as staff list them.</summary>
public sealed record OrganizationQuote(
    Guid Id,
    string Number,
    Money Total,
    DateTimeOffset CreatedAt,
    DateTimeOffset ValidUntil,
    QuoteStatus Status,
    string? PurchaseOrderNumber,
    PaymentMethod? PaymentMethod,
    OrderStatus? OrderStatus,
    InvoiceStatus? InvoiceStatus);

/// <summary>Whether an organization gets keys on invoice, and the last change of it with its reason (staff only).</summary>
public sealed record KeysOnInvoiceState(bool KeysOnInvoice, DateTimeOffset? ChangedAt, string? ChangedBy, string? Reason);

/// <summary>
/// The sales desk's read side for quotes and invoices (docs/rules.md#quotes-and-invoices): open quotes, accepted quotes
/// whose invoice waits for payment, and overdue invoices, filtered and paged in the database; one quote with its
/// organization, order and history; an organization's quotes. Sales and admins only: the desk shows every
/// organization's prices and purchase orders.
/// </summary>
public static class QuoteDesk
{
    public const int MaxPageSize = 100;
    private const int HistoryShown = 20;
    private const string DeskAction = "work the quote desk";

    /// <summary>The audit actions of <see cref="OrganizationService.TrustWithKeysOnInvoiceAsync"/>.</summary>
    public const string KeysOnInvoiceAction = "organization.keys-on-invoice";
    public const string KeysOnPaymentAction = "organization.keys-on-payment";

    public static async Task<QuoteQueuePage> QueueAsync(
        PortalDbContext db, Actor actor, QuoteQueueQuery query, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(query);
        actor.Require(DeskAction, Roles.Sales);
        var page = Math.Max(query.Page, 1);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var filtered = Filter(Candidates(db, query.Queue, now), query, now);
        var total = await filtered.CountAsync(cancellationToken);
        var ordered = query.Order == QuoteQueueOrder.NewestFirst
            ? filtered.OrderByDescending(x => x.SortAt).ThenByDescending(x => x.Sequence)
            : filtered.OrderBy(x => x.SortAt).ThenBy(x => x.Sequence);
        var rows = await ordered.Skip((page - 1) * pageSize).Take(pageSize)
            .Select(x => new QuoteQueueRow(x.QuoteId, x.Number, x.OrganizationId, x.OrganizationName, x.OrganizationKind,
                new Money(x.TotalMinor, x.Currency), x.SpecialPercent, x.CreatedAt, x.ValidUntil, x.PurchaseOrderNumber,
                x.PlacedAt, x.OrderStatus, x.InvoiceNumber, x.InvoiceStatus, x.InvoiceDueAt))
            .ToListAsync(cancellationToken);
        return new QuoteQueuePage(rows, total);
    }

    public static async Task<QuoteDeskCounts> CountsAsync(PortalDbContext db, Actor actor, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(DeskAction, Roles.Sales);
        return new QuoteDeskCounts(
            await Candidates(db, QuoteQueue.OpenQuotes, now).CountAsync(cancellationToken),
            await Candidates(db, QuoteQueue.AwaitingPayment, now).CountAsync(cancellationToken),
            await Candidates(db, QuoteQueue.OverdueInvoices, now).CountAsync(cancellationToken));
    }

    /// <summary>The currencies the catalog sells in, for the desk's currency filter.</summary>
    public static async Task<IReadOnlyList<string>> CurrenciesAsync(PortalDbContext db, CancellationToken cancellationToken = default) =>
        await db.Products.AsNoTracking().Select(p => p.Currency).Distinct().OrderBy(c => c).ToListAsync(cancellationToken);

    /// <summary>The quote with what sales needs to price it or chase its payment; null when there is no such quote.</summary>
    public static async Task<QuoteCase?> CaseAsync(PortalDbContext db, Actor actor, Guid quoteId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(DeskAction, Roles.Sales);
        var quote = await db.Quotes.AsNoTracking().Include(q => q.Lines).SingleOrDefaultAsync(q => q.Id == quoteId, cancellationToken);
        if (quote is null)
            return null;
        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == quote.OrganizationId, cancellationToken);
        var order = quote.OrderId is { } orderId
            ? await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken)
            : null;
        var requotedAs = quote.RequotedAsId is { } newId
            ? await db.Quotes.Where(q => q.Id == newId).Select(q => q.Number).SingleOrDefaultAsync(cancellationToken)
            : null;
        var history = await AuditQueries.RecentOrganizationHistoryAsync(db, quote.OrganizationId, HistoryShown, cancellationToken);
        return new QuoteCase(quote, organization, order, requotedAs, history);
    }

    /// <summary>The organization's quotes, newest first, each with where its order and invoice stand.</summary>
    public static async Task<IReadOnlyList<OrganizationQuote>> OrganizationQuotesAsync(
        PortalDbContext db, Actor actor, Guid organizationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(DeskAction, Roles.Sales);
        var quotes = await (from q in db.Quotes.AsNoTracking()
                            where q.OrganizationId == organizationId
                            from o in db.Orders.Where(o => o.Id == q.OrderId).DefaultIfEmpty()
                            orderby q.Sequence descending
                            select new { Quote = q, OrderStatus = (OrderStatus?)o!.Status, InvoiceStatus = o!.InvoiceStatus })
            .ToListAsync(cancellationToken);
        return quotes.Select(x => new OrganizationQuote(x.Quote.Id, x.Quote.Number, x.Quote.Total, x.Quote.CreatedAt, x.Quote.ValidUntil,
            x.Quote.StatusAt(now), x.Quote.PurchaseOrderNumber, x.Quote.PaymentMethod, x.OrderStatus, x.InvoiceStatus)).ToList();
    }

    /// <summary>Whether the organization gets keys on invoice, and who changed that last, when and why; any staff may read it.</summary>
    public static async Task<KeysOnInvoiceState?> KeysOnInvoiceAsync(
        PortalDbContext db, Actor actor, Guid organizationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("see which organizations get keys on invoice", Roles.Sales, Roles.Support);
        var organization = await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId)
            .Select(o => new { o.KeysOnInvoice }).SingleOrDefaultAsync(cancellationToken);
        if (organization is null)
            return null;
        var change = await db.AuditEvents.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId
                        && (e.Action == KeysOnInvoiceAction || e.Action == KeysOnPaymentAction))
            .OrderByDescending(e => e.Id)
            .Select(e => new { e.OccurredAt, e.ActorName, e.Details })
            .FirstOrDefaultAsync(cancellationToken);
        return new KeysOnInvoiceState(organization.KeysOnInvoice, change?.OccurredAt, change?.ActorName, change?.Details);
    }

    /// <summary>
    /// A quote or invoice of a view as plain columns, built with an initializer so that EF can filter and sort on them
    /// the same way in every view.
    /// </summary>
    private sealed class Candidate
    {
        public required Guid QuoteId { get; init; }
        public required long Sequence { get; init; }
        public required string Number { get; init; }
        public required Guid OrganizationId { get; init; }
        public required string OrganizationName { get; init; }
        public required OrganizationKind OrganizationKind { get; init; }
        public required string Currency { get; init; }
        public required long TotalMinor { get; init; }
        public required int SpecialPercent { get; init; }
        public required DateTimeOffset CreatedAt { get; init; }
        public required DateTimeOffset ValidUntil { get; init; }
        public required string? PurchaseOrderNumber { get; init; }
        public required DateTimeOffset? PlacedAt { get; init; }
        public required OrderStatus? OrderStatus { get; init; }
        public required string? InvoiceNumber { get; init; }
        public required InvoiceStatus? InvoiceStatus { get; init; }
        public required DateTimeOffset? InvoiceDueAt { get; init; }

        /// <summary>What the view is ordered by: when the quote was made, the order placed, or the invoice due.</summary>
        public required DateTimeOffset SortAt { get; init; }
    }

    private static IQueryable<Candidate> Candidates(PortalDbContext db, QuoteQueue queue, DateTimeOffset now)
    {
        var quotes = from q in db.Quotes.AsNoTracking()
                     join org in db.Organizations on q.OrganizationId equals org.Id
                     select new { Quote = q, Organization = org };
        if (queue == QuoteQueue.OpenQuotes)
        {
            return from x in quotes
                   where x.Quote.Status == QuoteStatus.Open && x.Quote.ValidUntil > now
                   select new Candidate
                   {
                       QuoteId = x.Quote.Id, Sequence = x.Quote.Sequence, Number = x.Quote.Number, OrganizationId = x.Organization.Id,
                       OrganizationName = x.Organization.Name, OrganizationKind = x.Organization.Kind, Currency = x.Quote.Currency,
                       TotalMinor = x.Quote.Total.Minor, SpecialPercent = x.Quote.SpecialPercent, CreatedAt = x.Quote.CreatedAt,
                       ValidUntil = x.Quote.ValidUntil, PurchaseOrderNumber = null, PlacedAt = null, OrderStatus = null,
                       InvoiceNumber = null, InvoiceStatus = null, InvoiceDueAt = null, SortAt = x.Quote.CreatedAt,
                   };
        }

        // An invoice waiting for its money: pending, or fulfilled early for an organization with keys on invoice.
        var unpaid = db.Orders.AsNoTracking().Where(o => o.PaymentMethod == PaymentMethod.Invoice
            && (o.Status == Ordering.OrderStatus.Pending || o.Status == Ordering.OrderStatus.Fulfilled)
            && (o.InvoiceStatus == null || o.InvoiceStatus == Ordering.InvoiceStatus.Open || o.InvoiceStatus == Ordering.InvoiceStatus.PaymentFailed));
        var invoices = queue == QuoteQueue.OverdueInvoices
            ? unpaid.Where(o => o.InvoiceOverdue || o.InvoiceDueAt < now)
            : unpaid.Where(o => !o.InvoiceOverdue && (o.InvoiceDueAt == null || o.InvoiceDueAt >= now));
        return from x in quotes
               join o in invoices on x.Quote.Id equals o.QuoteId
               select new Candidate
               {
                   QuoteId = x.Quote.Id, Sequence = x.Quote.Sequence, Number = x.Quote.Number, OrganizationId = x.Organization.Id,
                   OrganizationName = x.Organization.Name, OrganizationKind = x.Organization.Kind, Currency = x.Quote.Currency,
                   TotalMinor = x.Quote.Total.Minor, SpecialPercent = x.Quote.SpecialPercent, CreatedAt = x.Quote.CreatedAt,
                   ValidUntil = x.Quote.ValidUntil, PurchaseOrderNumber = o.PurchaseOrderNumber, PlacedAt = o.PlacedAt, OrderStatus = o.Status,
                   InvoiceNumber = o.InvoiceNumber, InvoiceStatus = o.InvoiceStatus, InvoiceDueAt = o.InvoiceDueAt,
                   SortAt = queue == QuoteQueue.OverdueInvoices ? o.InvoiceDueAt ?? o.PlacedAt : o.PlacedAt,
               };
    }

    private static IQueryable<Candidate> Filter(IQueryable<Candidate> candidates, QuoteQueueQuery query, DateTimeOffset now)
    {
        if (query.Kind is { } kind)
            candidates = candidates.Where(x => x.OrganizationKind == kind);
        if (!string.IsNullOrWhiteSpace(query.Currency))
        {
            var currency = query.Currency.Trim().ToUpperInvariant();
            candidates = candidates.Where(x => x.Currency == currency);
        }
        if (query.Queue == QuoteQueue.OverdueInvoices && query.MinDaysOverdue is { } days && days > 0)
        {
            var dueBefore = now.AddDays(-days);
            candidates = candidates.Where(x => x.InvoiceDueAt <= dueBefore);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = LikePattern.Containing(query.Search.Trim());
            candidates = candidates.Where(x => EF.Functions.Like(x.Number, pattern, LikePattern.Escape)
                || EF.Functions.Like(x.OrganizationName, pattern, LikePattern.Escape)
                || (x.PurchaseOrderNumber != null && EF.Functions.Like(x.PurchaseOrderNumber, pattern, LikePattern.Escape))
                || (x.InvoiceNumber != null && EF.Functions.Like(x.InvoiceNumber, pattern, LikePattern.Escape)));
        }
        return candidates;
    }
}

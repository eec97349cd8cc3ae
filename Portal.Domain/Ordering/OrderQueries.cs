using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.Ordering;

/// <summary>One order in an organization's order list.</summary>
public sealed record OrderRow(
    Guid Id,
    DateTimeOffset PlacedAt,
    string PlacedByEmail,
    OrderStatus Status,
    bool Disputed,
    Money Total,
    IReadOnlyList<string> Items,
    string? ReceiptUrl);

public sealed record OrderListPage(IReadOnlyList<OrderRow> Rows, int TotalCount);

public sealed record StaffOrderQuery(OrderStatus? Status, string? OrganizationSearch, int Page, int PageSize);

/// <summary>One order in the staff overview: whose it is and whether it needs a person.</summary>
public sealed record StaffOrderRow(
    Guid Id,
    Guid OrganizationId,
    string OrganizationName,
    DateTimeOffset PlacedAt,
    string PlacedByEmail,
    OrderStatus Status,
    bool Disputed,
    string? StatusReason,
    Money Total,
    string? ReceiptUrl)
{
    /// <summary>Paid but not issued, or disputed: staff must look.</summary>
    public bool Flagged => Status == OrderStatus.NeedsReview || Disputed;
}

public sealed record StaffOrderPage(IReadOnlyList<StaffOrderRow> Rows, int TotalCount, int FlaggedCount);

/// <summary>
/// Read side of orders, paged in the database: an organization's own, newest first; and every organization's for staff,
/// with the flagged ones (needing review, disputed) on top.
/// </summary>
public static class OrderQueries
{
    public const int MaxPageSize = 100;

    public static async Task<OrderListPage> ListAsync(
        PortalDbContext db, Guid organizationId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var orders = db.Orders.AsNoTracking().Where(o => o.OrganizationId == organizationId);
        var total = await orders.CountAsync(cancellationToken);
        var rows = await orders
            .OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(o => new
            {
                o.Id, o.PlacedAt, o.PlacedByEmail, o.Status, o.Disputed, o.Total, o.Currency, o.ReceiptUrl,
                Items = o.Lines.OrderBy(l => l.Kind).ThenByDescending(l => l.Seats).Select(l => new { l.Quantity, l.Description }).ToList(),
            })
            .ToListAsync(cancellationToken);
        return new OrderListPage(
            rows.Select(o => new OrderRow(o.Id, o.PlacedAt, o.PlacedByEmail, o.Status, o.Disputed, new Money(o.Total, o.Currency),
                o.Items.Select(i => i.Quantity == 1 ? i.Description : $"{i.Quantity} × {i.Description}").ToList(), o.ReceiptUrl)).ToList(),
            total);
    }

    public static async Task<StaffOrderPage> StaffListAsync(PortalDbContext db, StaffOrderQuery query, CancellationToken cancellationToken = default)
    {
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var orders = db.Orders.AsNoTracking();
        if (query.Status is { } status)
            orders = orders.Where(o => o.Status == status);
        if (!string.IsNullOrWhiteSpace(query.OrganizationSearch))
        {
            var pattern = LikePattern.Containing(query.OrganizationSearch.Trim());
            orders = orders.Where(o => db.Organizations.Any(x => x.Id == o.OrganizationId && EF.Functions.Like(x.Name, pattern, LikePattern.Escape)));
        }
        var flagged = orders.Where(o => o.Status == OrderStatus.NeedsReview || o.Disputed);
        var flaggedCount = await flagged.CountAsync(cancellationToken);
        var total = await orders.CountAsync(cancellationToken);
        var rows = await SplitPaging.PageAsync(
            StaffRows(flagged, db), flaggedCount,
            StaffRows(orders.Where(o => o.Status != OrderStatus.NeedsReview && !o.Disputed), db),
            query.Page, pageSize, cancellationToken);
        return new StaffOrderPage(rows.Select(r => r.ToRow()).ToList(), total, flaggedCount);
    }

    /// <summary>A row as the database returns it (EF cannot build a record with a Money inside).</summary>
    private sealed class StaffOrderRecord
    {
        public required Guid Id { get; init; }
        public required Guid OrganizationId { get; init; }
        public required string OrganizationName { get; init; }
        public required DateTimeOffset PlacedAt { get; init; }
        public required string PlacedByEmail { get; init; }
        public required OrderStatus Status { get; init; }
        public required bool Disputed { get; init; }
        public required string? StatusReason { get; init; }
        public required long Total { get; init; }
        public required string Currency { get; init; }
        public required string? ReceiptUrl { get; init; }

        public StaffOrderRow ToRow() => new(Id, OrganizationId, OrganizationName, PlacedAt, PlacedByEmail, Status, Disputed, StatusReason,
            new Money(Total, Currency), ReceiptUrl);
    }

    private static IQueryable<StaffOrderRecord> StaffRows(IQueryable<Order> orders, PortalDbContext db) =>
        from o in orders
        join x in db.Organizations on o.OrganizationId equals x.Id
        orderby o.PlacedAt descending, o.Id descending
        select new StaffOrderRecord
        {
            Id = o.Id, OrganizationId = x.Id, OrganizationName = x.Name, PlacedAt = o.PlacedAt, PlacedByEmail = o.PlacedByEmail,
            Status = o.Status, Disputed = o.Disputed, StatusReason = o.StatusReason, Total = o.Total, Currency = o.Currency,
            ReceiptUrl = o.ReceiptUrl,
        };
}

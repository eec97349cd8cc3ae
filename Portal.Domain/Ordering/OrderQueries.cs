using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;

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

/// <summary>One line of an order as the customer sees it.</summary>
public sealed record OrderLineView(string Description, int Quantity, Money UnitPrice, Money Total);

/// <summary>
/// A license an order issued. <see cref="Key"/> is its <see cref="License.AvailableKey"/>: none once it is revoked.
/// </summary>
public sealed record OrderLicenseView(Guid Id, string ProductName, int Major, int Seats, LicenseStatus Status, string? Key, string LicenseFileName);

/// <summary>
/// One order of an organization, for its page and the checkout return page: its amounts, its lines in display order
/// and the licenses it issued, largest first. <see cref="DiscountDescription"/> is set only when a discount was taken off.
/// </summary>
public sealed record OrderView(
    Guid Id,
    DateTimeOffset PlacedAt,
    string PlacedByEmail,
    OrderStatus Status,
    string? StatusReason,
    bool Disputed,
    Money Subtotal,
    string? DiscountDescription,
    Money DiscountTotal,
    Money Total,
    string? ReceiptUrl,
    IReadOnlyList<OrderLineView> Lines,
    IReadOnlyList<OrderLicenseView> Licenses)
{
    /// <summary>The same order with no license key in it, for a member whose roles do not allow taking keys.</summary>
    public OrderView WithoutKeys() => this with { Licenses = [.. Licenses.Select(license => license with { Key = null })] };
}

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
/// Read side of orders. Paged in the database: an organization's own, newest first; and every organization's for staff,
/// with the flagged ones (needing review, disputed) on top. And one order of an organization with its lines and licenses.
/// Every customer query is scoped to one organization: another organization's order is simply not found.
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
            .Select(o => new { o.Id, o.PlacedAt, o.PlacedByEmail, o.Status, o.Disputed, o.Total, o.ReceiptUrl })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(o => o.Id).ToList();
        var items = (await OrderLine.InDisplayOrder(db.Orders.Where(o => ids.Contains(o.Id)).SelectMany(o => o.Lines))
                .Select(l => new { l.OrderId, l.Quantity, l.Description })
                .ToListAsync(cancellationToken))
            .ToLookup(l => l.OrderId, l => l.Quantity == 1 ? l.Description : $"{l.Quantity} × {l.Description}");
        return new OrderListPage(
            rows.Select(o => new OrderRow(o.Id, o.PlacedAt, o.PlacedByEmail, o.Status, o.Disputed, o.Total,
                items[o.Id].ToList(), o.ReceiptUrl)).ToList(),
            total);
    }

    /// <summary>One order of the organization with its lines and licenses; null when it has none with that id.</summary>
    public static async Task<OrderView?> OrderAsync(PortalDbContext db, Guid organizationId, Guid orderId, CancellationToken cancellationToken = default)
    {
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines)
            .SingleOrDefaultAsync(o => o.Id == orderId && o.OrganizationId == organizationId, cancellationToken);
        if (order is null)
            return null;
        var licenses = await db.Licenses.AsNoTracking()
            .Where(l => l.OrderId == order.Id && l.OrganizationId == organizationId)
            .Join(db.Products, l => l.ProductId, p => p.Id, (l, p) => new { License = l, ProductCode = p.Code, ProductName = p.Name })
            .ToListAsync(cancellationToken);

        return new OrderView(
            order.Id, order.PlacedAt, order.PlacedByEmail, order.Status, order.StatusReason, order.Disputed,
            order.Subtotal, order.DiscountTotal.Minor > 0 ? order.DiscountDescription : null, order.DiscountTotal, order.Total,
            order.ReceiptUrl,
            OrderLine.InDisplayOrder(order.Lines).Select(l => new OrderLineView(l.Description, l.Quantity, l.UnitPrice, l.Total)).ToList(),
            licenses.OrderByDescending(x => x.License.Seats).ThenBy(x => x.License.IssuedAt)
                .Select(x => new OrderLicenseView(x.License.Id, x.ProductName, x.License.Major, x.License.Seats, x.License.Status,
                    x.License.AvailableKey, LicenseFile.FileName(x.ProductCode, x.License.Major, LicenseKind.Perpetual, x.License.Id)))
                .ToList());
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
        return new StaffOrderPage(rows, total, flaggedCount);
    }

    private static IQueryable<StaffOrderRow> StaffRows(IQueryable<Order> orders, PortalDbContext db) =>
        from o in orders
        join x in db.Organizations on o.OrganizationId equals x.Id
        orderby o.PlacedAt descending, o.Id descending
        select new StaffOrderRow(o.Id, x.Id, x.Name, o.PlacedAt, o.PlacedByEmail, o.Status, o.Disputed, o.StatusReason, o.Total, o.ReceiptUrl);
}

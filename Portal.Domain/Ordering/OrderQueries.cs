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

/// <summary>Read side of an organization's orders, newest first, paged in the database.</summary>
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
}

using System.Net;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Licensing;
using Portal.Domain.Ordering;
using Stripe;

namespace Portal.Payments;

public sealed record CheckoutLineView(string Description, int Quantity, string UnitPrice, string Total);

public sealed record CheckoutLicenseView(Guid Id, string Product, int Major, int Seats, string Status, string Key);

/// <summary>What the checkout return page shows: an order of the user's organization and the licenses it issued.</summary>
public sealed record CheckoutStatusView(
    Guid OrderId,
    DateTimeOffset PlacedAt,
    OrderStatus Status,
    string? StatusReason,
    bool Disputed,
    string Subtotal,
    string? DiscountDescription,
    string DiscountTotal,
    string Total,
    string PurchaserEmail,
    string? ReceiptUrl,
    IReadOnlyList<CheckoutLineView> Lines,
    IReadOnlyList<CheckoutLicenseView> Licenses,
    bool PaymentProcessing,
    bool StripeUnavailable)
{
    /// <summary>Pending after the customer finished checkout: the payment is on its way (or its webhook is).</summary>
    public bool IsProcessing => Status == OrderStatus.Pending && PaymentProcessing;
}

/// <summary>
/// The checkout return page's model. Coming back from Stripe, the session is read from Stripe and a paid session is
/// fulfilled here too (racing the webhook safely: <see cref="FulfilmentService"/> is idempotent). Only an order of
/// the signed-in user's organization is ever shown or fulfilled.
/// </summary>
public sealed class CheckoutStatus(
    StripeApi stripe,
    FulfilmentService fulfilment,
    IDbContextFactory<PortalDbContext> dbFactory,
    ILogger<CheckoutStatus> logger)
{
    /// <summary>After Stripe Checkout (<c>?session_id=</c>); null when there is no such session for the user's organization.</summary>
    public async Task<CheckoutStatusView?> AfterStripeAsync(ClaimsPrincipal user, string sessionId, CancellationToken cancellationToken = default)
    {
        if (OrganizationOf(user) is not { } organizationId || stripe.IsTestMode || string.IsNullOrWhiteSpace(sessionId))
            return null;

        Stripe.Checkout.Session session;
        try
        {
            session = await stripe.GetSessionAsync(sessionId, cancellationToken);
        }
        catch (StripeException missing) when (missing.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception unreachable) when (unreachable is StripeException or HttpRequestException
                                                || (unreachable is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(unreachable, "Stripe could not be asked about checkout {SessionId}; showing the order as the webhook leaves it", sessionId);
            var orderId = await OrderOfSessionAsync(organizationId, sessionId, cancellationToken);
            return orderId is null ? null : await ViewAsync(organizationId, orderId.Value, paymentProcessing: true, stripeUnavailable: true, cancellationToken);
        }

        if (StripeSessions.OrderId(session) is not { } sessionOrderId)
            return null;
        var status = await OrderStatusAsync(organizationId, sessionOrderId, cancellationToken);
        if (status is null)
        {
            logger.LogWarning("Checkout {SessionId} is not for an order of organization {OrganizationId}; nothing shown", sessionId, organizationId);
            return null;
        }
        if (status == OrderStatus.Pending && StripeSessions.IsPaid(session))
        {
            var outcome = await fulfilment.FulfilAsync(StripeSessions.ToPaidCheckout(session, sessionOrderId), cancellationToken);
            logger.LogInformation("Checkout return for {SessionId}: order {OrderId} is paid: {Outcome}", session.Id, sessionOrderId, outcome);
        }
        return await ViewAsync(organizationId, sessionOrderId, paymentProcessing: session.Status == "complete", stripeUnavailable: false, cancellationToken);
    }

    /// <summary>An order of the user's organization as it stands (cancel URL, test checkout, refresh).</summary>
    public Task<CheckoutStatusView?> ForOrderAsync(
        ClaimsPrincipal user, Guid orderId, bool paymentProcessing = false, bool stripeUnavailable = false, CancellationToken cancellationToken = default) =>
        OrganizationOf(user) is { } organizationId
            ? ViewAsync(organizationId, orderId, paymentProcessing, stripeUnavailable, cancellationToken)
            : Task.FromResult<CheckoutStatusView?>(null);

    private async Task<CheckoutStatusView?> ViewAsync(
        Guid organizationId, Guid orderId, bool paymentProcessing, bool stripeUnavailable, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines)
            .SingleOrDefaultAsync(o => o.Id == orderId && o.OrganizationId == organizationId, cancellationToken);
        if (order is null)
            return null;
        var licenses = await db.Licenses.AsNoTracking()
            .Where(l => l.OrderId == order.Id && l.OrganizationId == organizationId)
            .Join(db.Products, l => l.ProductId, p => p.Id, (l, p) => new { License = l, Product = p.Name })
            .ToListAsync(cancellationToken);

        return new CheckoutStatusView(
            order.Id, order.PlacedAt, order.Status, order.StatusReason, order.Disputed, Format(order.Subtotal, order.Currency),
            order.DiscountTotal > 0 ? order.DiscountDescription : null, Format(order.DiscountTotal, order.Currency),
            Format(order.Total, order.Currency), order.PlacedByEmail, order.ReceiptUrl,
            StripeCheckout.InDisplayOrder(order.Lines).Select(l => new CheckoutLineView(l.Description, l.Quantity, Format(l.UnitPrice, order.Currency), Format(l.Total, order.Currency))).ToList(),
            licenses.OrderByDescending(x => x.License.Seats).ThenBy(x => x.License.IssuedAt)
                .Select(x => new CheckoutLicenseView(x.License.Id, x.Product, x.License.Major, x.License.Seats, Describe(x.License.Status), x.License.Key))
                .ToList(),
            paymentProcessing, stripeUnavailable);
    }

    private async Task<OrderStatus?> OrderStatusAsync(Guid organizationId, Guid orderId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Orders.Where(o => o.Id == orderId && o.OrganizationId == organizationId)
            .Select(o => (OrderStatus?)o.Status).SingleOrDefaultAsync(cancellationToken);
    }

    private async Task<Guid?> OrderOfSessionAsync(Guid organizationId, string sessionId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Orders.Where(o => o.CheckoutSessionId == sessionId && o.OrganizationId == organizationId)
            .Select(o => (Guid?)o.Id).FirstOrDefaultAsync(cancellationToken);
    }

    private static Guid? OrganizationOf(ClaimsPrincipal user) => user.IsInRole(Roles.Customer) ? user.OrganizationId() : null;

    private static string Format(long minor, string currency) => new Money(minor, currency).ToString();

    private static string Describe(LicenseStatus status) => status switch
    {
        LicenseStatus.Active => "Active",
        LicenseStatus.Upgraded => "Upgraded",
        _ => "Revoked",
    };
}

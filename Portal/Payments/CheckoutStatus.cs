using System.Net;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Ordering;
using Stripe;

namespace Portal.Payments;

/// <summary>
/// What Stripe said about the checkout a customer came back from: the order it pays for, whether its payment is on its
/// way (the customer finished Checkout), and whether Stripe could be asked at all.
/// </summary>
public sealed record CheckoutProgress(Guid OrderId, bool PaymentProcessing, bool StripeUnavailable);

/// <summary>
/// The Stripe side of the checkout return page. Coming back from Stripe, the session is read from Stripe and a paid
/// session is fulfilled here too, through the same door as the webhook (<see cref="PaymentEventService"/>; the order's
/// concurrency token makes the race with the webhook safe); the page then reads the order through
/// <see cref="OrderQueries"/>. Only an order of the signed-in customer's organization is ever named or fulfilled.
/// </summary>
public sealed class CheckoutStatus(
    StripeApi stripe,
    PaymentEventService payments,
    IDbContextFactory<PortalDbContext> dbFactory,
    ILogger<CheckoutStatus> logger)
{
    /// <summary>After Stripe Checkout (<c>?session_id=</c>); null when there is no such session for the user's organization.</summary>
    public async Task<CheckoutProgress?> AfterStripeAsync(ClaimsPrincipal user, string sessionId, CancellationToken cancellationToken = default)
    {
        if (!user.IsInRole(Roles.Customer) || user.OrganizationId() is not { } organizationId
            || stripe.IsTestMode || string.IsNullOrWhiteSpace(sessionId))
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
            return await OrderOfSessionAsync(organizationId, sessionId, cancellationToken) is { } orderId
                ? new CheckoutProgress(orderId, PaymentProcessing: true, StripeUnavailable: true)
                : null;
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
            var result = await payments.HandleAsync(StripeSessions.ToPaidCheckout(session, sessionOrderId), cancellationToken);
            logger.Log(result.NeedsAttention ? LogLevel.Warning : LogLevel.Information,
                "Checkout return for {SessionId}: {Summary} ({Outcome})", session.Id, result.Summary, result.Outcome);
        }
        return new CheckoutProgress(sessionOrderId, PaymentProcessing: StripeSessions.IsComplete(session), StripeUnavailable: false);
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
}
